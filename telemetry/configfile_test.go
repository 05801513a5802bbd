package telemetry

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/exporters"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// writeConfigFile writes content to a configuration file in a test folder and returns its path.
func writeConfigFile(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "otel.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// problemsOf returns the problems of a configuration file error, failing the test when err is
// not one.
func problemsOf(t testing.TB, err error) []string {
	t.Helper()
	var fe *configFileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a configuration file error", err, err)
	}
	out := make([]string, len(fe.Problems))
	for i, p := range fe.Problems {
		out[i] = p.Error()
	}
	return out
}

func otlpHeaders(t *testing.T, c exporters.OTLPConfig) map[string]string {
	t.Helper()
	h, err := exporters.ParseHeaders(c.Headers)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// The user's example loads as it is, and with the variables it references; OTEL_* variables
// it does not reference are not read, OBSKIT_* ones are.
func TestConfigFileDeployExample(t *testing.T) {
	const path = "../deploy/otelconfig/obskit.yaml"
	t.Run("defaults", func(t *testing.T) {
		cfg, err := configFromFile(path, map[string]string{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"ServiceName", cfg.ServiceName, "obskit-service"},
			{"ResourceAttributes", cfg.ResourceAttributes, ""},
			{"Propagators", cfg.Propagators, []string{"tracecontext", "baggage"}},
			{"TracesExporter", cfg.TracesExporter, []string{"otlp"}},
			{"MetricsExporter", cfg.MetricsExporter, []string{"otlp"}},
			{"LogsExporter", cfg.LogsExporter, []string{"otlp"}},
			{"OTLP.Traces.Endpoint", cfg.OTLP.Traces.Endpoint, "http://localhost:4318/v1/traces"},
			{"OTLP.Metrics.Endpoint", cfg.OTLP.Metrics.Endpoint, "http://localhost:4318/v1/metrics"},
			{"OTLP.Logs.Endpoint", cfg.OTLP.Logs.Endpoint, "http://localhost:4318/v1/logs"},
			{"OTLP.Logs.Protocol", cfg.OTLP.Logs.Protocol, "http/protobuf"},
			{"OTLP.Traces.Compression", cfg.OTLP.Traces.Compression, "gzip"},
			{"OTLP.Traces.Timeout", cfg.OTLP.Traces.Timeout.Std(), 10 * time.Second},
			{"OTLP.Traces.Headers set", cfg.OTLP.Traces.Headers.IsSet(), false},
			{"Sampler", cfg.Sampler, "parentbased_traceidratio"},
			{"SamplerArg", cfg.SamplerArg, "1"},
			{"BSPScheduleDelay", cfg.BSPScheduleDelay.Std(), 5 * time.Second},
			{"BSPMaxQueueSize", cfg.BSPMaxQueueSize, 2048},
			{"BLRPScheduleDelay", cfg.BLRPScheduleDelay.Std(), time.Second},
			{"BLRPMaxQueueSize (obskit's default)", cfg.BLRPMaxQueueSize, 262144},
			{"BLRPMaxExportBatchSize (obskit's default)", cfg.BLRPMaxExportBatchSize, 2048},
			{"LogRecordAttributeCountLimit", cfg.LogRecordAttributeCountLimit, 128},
			{"MetricExportInterval", cfg.MetricExportInterval.Std(), time.Minute},
			{"SDKLogLevel", cfg.SDKLogLevel, "info"},
			{"Disabled", cfg.Disabled, false},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
	})
	t.Run("environment", func(t *testing.T) {
		cfg, err := configFromFile(path, map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example.com:4318",
			"OTEL_EXPORTER_OTLP_HEADERS":  "api-key=k%2C1,tenant=t",
			"OTEL_TRACES_SAMPLER_ARG":     "0.1",
			"OTEL_SERVICE_NAME":           "checkout",
			"OTEL_RESOURCE_ATTRIBUTES":    "region=eu",
			"OTEL_LOG_LEVEL":              "debug",
			"OTEL_BSP_MAX_QUEUE_SIZE":     "7",         // not referenced by the file: not read
			"OTEL_TRACES_EXPORTER":        "console",   // idem
			"OBSKIT_LOG_LEVEL":            "DEBUG",     // obskit's own: read
			"OBSKIT_SERVICE_VERSION":      "v1.2.3",    // idem
			"OBSKIT_LOG_CONSOLE":          "json",      // idem
			"OBSKIT_FILE_EXPORTER_DIR":    "/tmp/x",    // idem, though unused here
			"OTEL_CONFIG_FILE":            "ignored",   // the caller's business
			"OTEL_SDK_DISABLED":           "false",     // referenced
			"OTEL_PROPAGATORS":            "b3,jaeger", // not referenced: the file's composite wins
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"OTLP.Traces.Endpoint", cfg.OTLP.Traces.Endpoint, "https://collector.example.com:4318/v1/traces"},
			{"OTLP.Logs.Endpoint", cfg.OTLP.Logs.Endpoint, "https://collector.example.com:4318/v1/logs"},
			{"OTLP.Metrics headers", otlpHeaders(t, cfg.OTLP.Metrics), map[string]string{"api-key": "k,1", "tenant": "t"}},
			{"SamplerArg", cfg.SamplerArg, "0.1"},
			{"ServiceName", cfg.ServiceName, "checkout"},
			{"ResourceAttributes", cfg.ResourceAttributes, "region=eu"},
			{"SDKLogLevel", cfg.SDKLogLevel, "debug"},
			{"BSPMaxQueueSize", cfg.BSPMaxQueueSize, 2048},
			{"TracesExporter", cfg.TracesExporter, []string{"otlp"}},
			{"Propagators", cfg.Propagators, []string{"tracecontext", "baggage"}},
			{"LogLevel", cfg.LogLevel.String(), "DEBUG"},
			{"ServiceVersion", cfg.ServiceVersion, "v1.2.3"},
			{"LogConsole", cfg.LogConsole, "json"},
			{"FileExporterDir", cfg.FileExporterDir, "/tmp/x"},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
	})
}

// obskit's own test file states every setting that maps onto Config, each away from its
// default.
func TestConfigFileMapsEverySetting(t *testing.T) {
	cfg, settings, err := loadConfigFile("testdata/otelconfig/obskit-all.yaml", map[string]string{"TOKEN": "s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := parseResourceAttributes(cfg.ResourceAttributes)
	if err != nil {
		t.Fatal(err)
	}
	insecure := cfg.OTLP.Traces.Insecure != nil && *cfg.OTLP.Traces.Insecure
	valueLen := -1
	if l := cfg.LogRecordAttributeValueLengthLimit; l != nil {
		valueLen = *l
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"Disabled", cfg.Disabled, false},
		{"SDKLogLevel", cfg.SDKLogLevel, "warn"},
		{"ServiceName", cfg.ServiceName, "checkout"},
		// .attributes win over .attributes_list; commas and equals signs survive.
		{"ResourceAttributes", attrs, []attribute.KeyValue{attribute.String("region", "eu-west-1"), attribute.String("team", "payments, EU=1")}},
		{"Propagators", cfg.Propagators, []string{"tracecontext", "b3", "baggage", "xray"}},
		{"TracesExporter", cfg.TracesExporter, []string{"otlp", "console"}},
		{"OTLP.Traces.Protocol", cfg.OTLP.Traces.Protocol, "grpc"},
		{"OTLP.Traces.Endpoint", cfg.OTLP.Traces.Endpoint, "collector:4317"},
		{"OTLP.Traces.Insecure", insecure, true},
		{"OTLP.Traces.Compression", cfg.OTLP.Traces.Compression, "none"},
		{"OTLP.Traces.Timeout", cfg.OTLP.Traces.Timeout.Std(), 2500 * time.Millisecond},
		// .headers win over .headers_list; a null value drops its entry.
		{"OTLP.Traces headers", otlpHeaders(t, cfg.OTLP.Traces), map[string]string{"authorization": "Bearer s3cr3t", "x-tenant": "a,b"}},
		{"Sampler", cfg.Sampler, "parentbased_traceidratio"},
		{"SamplerArg", cfg.SamplerArg, "0.25"},
		{"BSPScheduleDelay", cfg.BSPScheduleDelay.Std(), 200 * time.Millisecond},
		{"BSPExportTimeout", cfg.BSPExportTimeout.Std(), 3 * time.Second},
		{"BSPMaxQueueSize", cfg.BSPMaxQueueSize, 100},
		{"BSPMaxExportBatchSize", cfg.BSPMaxExportBatchSize, 10},
		{"MetricsExporter", cfg.MetricsExporter, []string{"otlp", "file", "prometheus"}},
		{"OTLP.Metrics.Protocol", cfg.OTLP.Metrics.Protocol, "http/protobuf"},
		{"OTLP.Metrics.Endpoint", cfg.OTLP.Metrics.Endpoint, "https://otlp.example.com/v1/metrics"},
		{"OTLP.Metrics.Compression", cfg.OTLP.Metrics.Compression, "gzip"},
		{"MetricExportInterval", cfg.MetricExportInterval.Std(), 15 * time.Second},
		{"MetricExportTimeout", cfg.MetricExportTimeout.Std(), 5 * time.Second},
		{"PrometheusHost", cfg.PrometheusHost, "0.0.0.0"},
		{"PrometheusPort", cfg.PrometheusPort, 9999},
		{"FileExporterDir", cfg.FileExporterDir, "/var/lib/obskit"},
		{"LogsExporter", cfg.LogsExporter, []string{"file"}},
		{"BLRPScheduleDelay", cfg.BLRPScheduleDelay.Std(), 250 * time.Millisecond},
		{"BLRPExportTimeout", cfg.BLRPExportTimeout.Std(), 4 * time.Second},
		{"BLRPMaxQueueSize", cfg.BLRPMaxQueueSize, 5000},
		{"BLRPMaxExportBatchSize", cfg.BLRPMaxExportBatchSize, 500},
		{"LogRecordAttributeCountLimit", cfg.LogRecordAttributeCountLimit, 64},
		{"LogRecordAttributeValueLengthLimit", valueLen, 1024},
		{"fileSettings unapplied", len(settings.unapplied()), 0},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// Settings that Config has no field for land in fileSettings, and configFromFile refuses them,
// naming their key paths, until Setup applies them.
func TestConfigFileSettingsBeyondConfig(t *testing.T) {
	path := writeConfigFile(t, `file_format: "1.0"
attribute_limits:
  attribute_count_limit: 10
resource:
  schema_url: `+semconv.SchemaURL+`
  attributes:
    - name: replicas
      value: 3
      type: int
    - name: zones
      value: [a, b]
      type: string_array
tracer_provider:
  limits:
    event_count_limit: 5
  processors:
    - batch:
        exporter:
          otlp_http:
            tls:
              ca_file: /etc/ca.pem
              cert_file: /etc/cert.pem
              key_file: /etc/key.pem
`)
	_, settings, err := loadConfigFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantLimits := defaultSpanLimits
	wantLimits.AttributeCountLimit, wantLimits.EventCountLimit = 10, 5
	if settings.spanLimits != wantLimits {
		t.Errorf("spanLimits = %+v, want %+v", settings.spanLimits, wantLimits)
	}
	wantAttrs := []attribute.KeyValue{attribute.Int64("replicas", 3), attribute.StringSlice("zones", []string{"a", "b"})}
	if !reflect.DeepEqual(settings.resourceAttrs, wantAttrs) {
		t.Errorf("resourceAttrs = %v, want %v", settings.resourceAttrs, wantAttrs)
	}
	wantTLS := tlsFiles{path: "tracer_provider.processors[0].batch.exporter.otlp_http.tls", caFile: "/etc/ca.pem", certFile: "/etc/cert.pem", keyFile: "/etc/key.pem"}
	if settings.tls[exporters.Traces] != wantTLS {
		t.Errorf("tls = %+v, want %+v", settings.tls[exporters.Traces], wantTLS)
	}

	_, err = configFromFile(path, nil)
	got := problemsOf(t, err)
	const yet = ": not supported yet (obskit's Setup does not apply it from a configuration file)"
	want := []string{
		"tracer_provider.processors[0].batch.exporter.otlp_http.tls" + yet,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The configuration data model's substitution table, line by line.
func TestConfigFileSubstitution(t *testing.T) {
	environ := map[string]string{
		"STRING_VALUE":      "value",
		"BOOL_VALUE":        "true",
		"INT_VALUE":         "1",
		"FLOAT_VALUE":       "1.1",
		"HEX_VALUE":         "0xdeadbeef",
		"INVALID_MAP_VALUE": "value\nkey:value",
		"DO_NOT_REPLACE_ME": "Never use this value",
		"REPLACE_ME":        "${DO_NOT_REPLACE_ME}",
		"VALUE_WITH_ESCAPE": "value$$",
		"EMPTY":             "",
	}
	for _, c := range []struct{ in, want string }{
		{"${STRING_VALUE}", "value"},
		{"${env:STRING_VALUE}", "value"},
		{"${INVALID_MAP_VALUE}", "value\nkey:value"},
		{"foo ${STRING_VALUE} ${FLOAT_VALUE}", "foo value 1.1"},
		{"${UNDEFINED_KEY}", ""},
		{"${UNDEFINED_KEY:-fallback}", "fallback"},
		{"${EMPTY:-fallback}", "fallback"},
		{"${env:UNDEFINED_KEY:-fall back}", "fall back"},
		{"${REPLACE_ME}", "${DO_NOT_REPLACE_ME}"},
		{"${UNDEFINED_KEY:-${STRING_VALUE}}", "${STRING_VALUE}"},
		{"$${STRING_VALUE}", "${STRING_VALUE}"},
		{"$$${STRING_VALUE}", "$value"},
		{"$$$${STRING_VALUE}", "$${STRING_VALUE}"},
		{"$${STRING_VALUE:-fallback}", "${STRING_VALUE:-fallback}"},
		{"$${STRING_VALUE:-${STRING_VALUE}}", "${STRING_VALUE:-value}"},
		{"${UNDEFINED_KEY:-$${UNDEFINED_KEY}}", "${UNDEFINED_KEY:-${UNDEFINED_KEY}}"},
		{"${VALUE_WITH_ESCAPE}", "value$$"},
		{"a $$ b", "a $ b"},
		{"a $ b", "a $ b"},
		{"${STRING_VALUE", "${STRING_VALUE"},
		{"$", "$"},
	} {
		got, err := substitute(c.in, environ)
		if err != nil || got != c.want {
			t.Errorf("substitute(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"${STRING_VALUE:?error}", "${1API_KEY}", "${API_$KEY}", "${env:}", "${A B}"} {
		if got, err := substitute(in, environ); !errors.Is(err, errSubstitution) {
			t.Errorf("substitute(%q) = %q, %v; want errSubstitution", in, got, err)
		}
	}
}

// Types are read after substitution: a plain reference takes the type of its value, a quoted one
// stays a string; mapping keys are not substituted, and a value never injects structure.
func TestConfigFileSubstitutionTypes(t *testing.T) {
	environ := map[string]string{"ON": "true", "QUEUE": "0x10", "RATIO": "0.5", "INJECT": "x\nlogger_provider: {}", "NAME": "svc"}
	path := writeConfigFile(t, `file_format: "1.0"
disabled: ${ON}
resource:
  attributes:
    - name: service.name
      value: ${INJECT}
    - name: ${NAME}
      value: "${ON}"
tracer_provider:
  processors:
    - batch:
        max_queue_size: ${QUEUE}
        max_export_batch_size: ${UNSET}
        exporter:
          console: ${UNSET}
  sampler:
    trace_id_ratio_based:
      ratio: ${RATIO}
`)
	cfg, _, err := loadConfigFile(path, environ)
	if err != nil {
		t.Fatal(err)
	}
	attrs, _ := parseResourceAttributes(cfg.ResourceAttributes)
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"Disabled", cfg.Disabled, true},
		{"ServiceName", cfg.ServiceName, "x\nlogger_provider: {}"},
		{"LogsExporter", cfg.LogsExporter, []string{"none"}},
		{"ResourceAttributes", attrs, []attribute.KeyValue{attribute.String("svc", "true")}},
		{"BSPMaxQueueSize", cfg.BSPMaxQueueSize, 16},
		{"BSPMaxExportBatchSize (null: default)", cfg.BSPMaxExportBatchSize, 512},
		{"TracesExporter", cfg.TracesExporter, []string{"console"}},
		{"Sampler", cfg.Sampler, "traceidratio"},
		{"SamplerArg", cfg.SamplerArg, "0.5"},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}

	path = writeConfigFile(t, `file_format: "1.0"
disabled: "${ON}"
${NAME}: 1
tracer_provider:
  processors:
    - batch:
        max_queue_size: ${NAME:?oops}
        exporter:
          console:
`)
	_, _, err = loadConfigFile(path, environ)
	got := problemsOf(t, err)
	want := []string{
		"tracer_provider.processors[0].batch.max_queue_size: invalid substitution reference (want ${NAME}, ${env:NAME} or ${NAME:-default})",
		"disabled: want true or false",
		`"${NAME}": unknown key`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// What obskit cannot honour is an error naming its key path, and no error quotes a header
// value, wherever it stands.
func TestConfigFileUnsupported(t *testing.T) {
	const secret = "hunter2-Zq9"
	environ := map[string]string{"SECRET": secret}
	otlp := func(extra string) string {
		return `file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            endpoint: http://localhost:4318/v1/traces
            headers:
              - name: authorization
                value: ${SECRET}
` + extra
	}
	for _, c := range []struct {
		name, file string
		want       []string
	}{
		{"simple span processor", `file_format: "1.0"
tracer_provider:
  processors:
    - simple:
        exporter:
          console:
`, []string{"tracer_provider.processors[0].simple: not supported (obskit batches spans; use batch)"}},
		{"simple log processor", `file_format: "1.0"
logger_provider:
  processors:
    - simple:
        exporter:
          otlp_http:
            headers_list: api-key=${SECRET}
`, []string{"logger_provider.processors[0].simple: not supported (obskit batches log records; use batch)"}},
		{"second OTLP endpoint", otlp(`    - batch:
        exporter:
          otlp_grpc:
            endpoint: http://other:4317
            headers_list: k=${SECRET}
`), []string{"tracer_provider.processors[1].batch.exporter.otlp_grpc: not supported (obskit sends each signal to one OTLP endpoint, configured by tracer_provider.processors[0].batch.exporter.otlp_http)"}},
		{"second batcher differs", otlp(`    - batch:
        schedule_delay: 10
        exporter:
          console:
`), []string{"tracer_provider.processors[1].batch: not supported (obskit has one span batcher: its settings must be those of tracer_provider.processors[0].batch)"}},
		{"malformed headers_list", `file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            headers_list: "ok=1,${SECRET}"
`, []string{"tracer_provider.processors[0].batch.exporter.otlp_http.headers_list: want key=value pairs separated by commas; pair 2 is not one"}},
		{"header without name", otlp(`              - value: ${SECRET}
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.headers[1].name: required"}},
		{"header value of wrong type", otlp(`              - name: x
                value:
                  - ${SECRET}
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.headers[1].value: want a string"}},
		{"secret where a number goes", otlp(`            timeout: ${SECRET}
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.timeout: want an integer"}},
		{"json encoding", otlp(`            encoding: json
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.encoding: not supported (obskit sends protobuf)"}},
		{"no timeout", otlp(`            timeout: 0
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.timeout: not supported: want a positive number of milliseconds (obskit bounds every wait; 0 means none)"}},
		{"compression", otlp(`            compression: zstd
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.compression: not supported (want gzip or none)"}},
		{"bad endpoint", otlp(`            tls:
              cert_file: /c.pem
`), []string{"tracer_provider.processors[0].batch.exporter.otlp_http.tls: set cert_file and key_file together"}},
		{"queue size", `file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        max_queue_size: -1
        exporter:
          console:
`, []string{"tracer_provider.processors[0].batch: field max_queue_size: must be > 0"}},
		{"typo", otlp(`tracer_providr: {}
`), []string{"tracer_providr: unknown key"}},
		{"key set twice", otlp(`disabled: false
disabled: true
`), []string{"disabled: set twice"}},
		{"development section", otlp(`  tracer_configurator/development:
    default_config:
      disabled: true
instrumentation/development:
  general: {}
`), []string{
			"tracer_provider.tracer_configurator/development: not supported (in development in the schema; obskit does not implement it)",
			"instrumentation/development: not supported (in development in the schema; obskit does not implement it)",
		}},
		{"root sampler parent_based", otlp(`  sampler:
    parent_based:
      root:
        parent_based: {}
`), []string{"tracer_provider.sampler.parent_based.root.parent_based: not supported (obskit's root sampler is always_on, always_off or trace_id_ratio_based)"}},
		{"parent_based children", otlp(`  sampler:
    parent_based:
      remote_parent_not_sampled:
        always_on:
`), []string{"tracer_provider.sampler.parent_based.remote_parent_not_sampled: not supported (obskit's parent-based samplers follow the parent's decision: want always_off)"}},
		{"development sampler", otlp(`  sampler:
    composite/development:
      always_on:
`), []string{
			"tracer_provider.sampler.composite/development: not supported (in development in the schema; obskit does not implement it)",
		}},
		{"no sampler", otlp(`  sampler: {}
`), []string{"tracer_provider.sampler: want exactly one sampler: always_on, always_off, trace_id_ratio_based or parent_based"}},
		{"ratio", otlp(`  sampler:
    trace_id_ratio_based:
      ratio: 2
`), []string{"tracer_provider.sampler.trace_id_ratio_based.ratio: want a number from 0 to 1"}},
		{"views and exemplars", `file_format: "1.0"
meter_provider:
  readers:
    - periodic:
        exporter:
          otlp_http:
            headers_list: k=${SECRET}
            temporality_preference: delta
  views:
    - selector:
        instrument_name: x
      stream:
        name: y
  exemplar_filter: always_on
`, []string{
			"meter_provider.views: not supported (obskit has no metric views from a configuration file)",
			"meter_provider.exemplar_filter: not supported (obskit keeps the SDK's trace_based filter)",
			"meter_provider.readers[0].periodic.exporter.otlp_http.temporality_preference: not supported (obskit exports cumulative temporality)",
		}},
		{"prometheus", `file_format: "1.0"
meter_provider:
  readers:
    - pull:
        exporter:
          prometheus/development:
            without_units: true
    - pull:
        exporter:
          prometheus/development:
    - pull:
        exporter: {}
`, []string{
			"meter_provider.readers[0].pull.exporter.prometheus/development.without_units: not supported (obskit's prometheus exporter keeps units)",
			"meter_provider.readers[2].pull.exporter: want prometheus/development",
		}},
		{"file exporter to stdout", `file_format: "1.0"
logger_provider:
  processors:
    - batch:
        exporter:
          otlp_file/development:
            output_stream: stdout
`, []string{"logger_provider.processors[0].batch.exporter.otlp_file/development.output_stream: not supported: want file:///<folder>/logs.jsonl, the same folder for every signal (obskit's file exporters write traces.jsonl, metrics.jsonl and logs.jsonl in one folder)"}},
		{"file exporters in two folders", `file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_file/development:
            output_stream: file:///a/traces.jsonl
logger_provider:
  processors:
    - batch:
        exporter:
          otlp_file/development:
            output_stream: file:///b/logs.jsonl
`, []string{"logger_provider.processors[0].batch.exporter.otlp_file/development.output_stream: not supported: the folder must be that of tracer_provider.processors[0].batch.exporter.otlp_file/development.output_stream (want file:///<folder>/logs.jsonl, the same folder for every signal (obskit's file exporters write traces.jsonl, metrics.jsonl and logs.jsonl in one folder))"}},
		{"schema version", `file_format: "0.3"
`, []string{`file_format: not supported (obskit reads schema 1.x: file_format: "1.0")`}},
		{"missing file_format", `disabled: false
`, []string{"file_format: required"}},
		{"log level", `file_format: "1.0"
log_level: trace
`, []string{"log_level: not supported (want debug, info, warn or error)"}},
		{"unknown propagator", `file_format: "1.0"
propagator:
  composite_list: tracecontext,zipkin
  composite:
    - tracecontext:
      baggage:
`, []string{
			"propagator.composite[0]: want exactly one propagator",
			"propagator.composite_list: unknown propagator (want a comma-separated list of " + propagatorNames + ")",
		}},
		{"attribute type", `file_format: "1.0"
resource:
  attributes:
    - name: port
      value: 8080
    - name: up
      value: ${SECRET}
      type: bool
    - name: bad
      value: x
      type: complex
`, []string{
			"resource.attributes[2].type: not one of the schema's values",
			"resource.attributes[0].value: does not match .type (string when omitted)",
			"resource.attributes[1].value: does not match .type (string when omitted)",
		}},
		{"limits", `file_format: "1.0"
attribute_limits:
  attribute_value_length_limit: -1
logger_provider:
  limits:
    attribute_count_limit: -2
  processors:
    - batch:
        max_queue_size: 2000000000
        exporter:
          console:
`, []string{
			"attribute_limits.attribute_value_length_limit: want a non-negative integer",
			"logger_provider.limits.attribute_count_limit: want a non-negative integer",
			"logger_provider.processors[0].batch.max_queue_size: want at most 1073741824 (256 GiB)",
		}},
		{"schema URL", `file_format: "1.0"
resource:
  schema_url: https://opentelemetry.io/schemas/1.16.0
`, []string{"resource.schema_url: not supported (obskit's resource follows " + semconv.SchemaURL + ")"}},
		{"distribution", `file_format: "1.0"
distribution:
  obskit:
    token: ${SECRET}
`, []string{"distribution: not supported (obskit is not a distribution with settings of its own)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := configFromFile(writeConfigFile(t, c.file), environ)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error quotes the secret: %v", err)
			}
			got := problemsOf(t, err)
			if !slices.Equal(got, c.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// keyPath is the form of the key paths in errors: keys separated by dots, list indexes in
// brackets, a key that is not a plain name in quotes.
var keyPath = regexp.MustCompile(`^([a-z0-9_/]+|"[^"]*")(\[\d+\])*(\.([a-z0-9_/]+|"[^"]*")(\[\d+\])*)*$`)

// Every example file of the schema (copies in testdata/otelconfig, with where they come from)
// loads, or fails with errors that each name a key path; a few that must be found are checked.
func TestConfigFileSchemaExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/otelconfig/*.yaml")
	if err != nil || len(files) < 6 {
		t.Fatalf("example files: %v, %v", files, err)
	}
	// The environment of contrib's own test of v1.0.0_env_var.yaml.
	environ := map[string]string{
		"OTEL_SDK_DISABLED": "false", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT": "4096", "STRING_VALUE": "value",
		"BOOL_VALUE": "true", "INT_VALUE": "1", "FLOAT_VALUE": "1.1", "HEX_VALUE": "0xbeef",
		"INVALID_MAP_VALUE": "value\\nkey:value", "ENV_VAR_IN_KEY": "env_var_in_key",
		"DO_NOT_REPLACE_ME": "Never use this value", "REPLACE_ME": "${DO_NOT_REPLACE_ME}", "VALUE_WITH_ESCAPE": "value$$",
	}
	mustFind := map[string][]string{
		"contrib-v1.0.0.yaml": {
			"tracer_provider.processors[4].simple: not supported (obskit batches spans; use batch)",
			"logger_provider.processors[4].simple: not supported (obskit batches log records; use batch)",
			"meter_provider.views: not supported (obskit has no metric views from a configuration file)",
			"instrumentation/development: not supported (in development in the schema; obskit does not implement it)",
			"resource.detection/development: not supported (in development in the schema; obskit does not implement it)",
		},
		"contrib-v1.0.0_env_var.yaml":           {"resource.detectors: unknown key"},
		"contrib-v1.0.0_invalid_nil_name.yaml":  {"tracer_provider.processors[0].batch.exporter.otlp_http.headers[1].name: required"},
		"contrib-v1.0.0_invalid_nil_value.yaml": {"logger_provider.processors[0].batch.exporter.otlp_http.headers[1].value: required"},
		"config-getting-started.yaml":           {"sampler: unknown key"},
		"config-sdk-migration-config.yaml":      {"tracer_provider.processors[0].batch.exporter.otlp_http.tls.certificate_file: unknown key"},
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := configFromFile(f, environ)
			want := mustFind[filepath.Base(f)]
			if err == nil {
				if len(want) > 0 {
					t.Fatalf("loaded; want errors %q", want)
				}
				return
			}
			var fe *configFileError
			if !errors.As(err, &fe) || fe.File != f || !strings.HasPrefix(err.Error(), "telemetry: OTEL_CONFIG_FILE "+f+": ") {
				t.Fatalf("error %q (%T) does not name the file", err, err)
			}
			for _, p := range fe.Problems {
				var ke *keyError
				if !errors.As(p, &ke) || !keyPath.MatchString(ke.Path) || ke.Problem == "" || p.Error() != ke.Path+": "+ke.Problem {
					t.Errorf("problem %q names no key path", p)
				}
			}
			got := problemsOf(t, err)
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("missing problem %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// A file that cannot be read or parsed gives an error naming it.
func TestConfigFileUnreadable(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	if _, err := configFromFile(missing, nil); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "OTEL_CONFIG_FILE "+missing+":") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := configFromFile(dir, nil); err == nil || !strings.Contains(err.Error(), "OTEL_CONFIG_FILE "+dir+":") {
		t.Errorf("a folder: %v", err)
	}
	big := writeConfigFile(t, "file_format: \"1.0\"\n#"+strings.Repeat("x", maxConfigFileSize)+"\n")
	if _, err := configFromFile(big, nil); err == nil || !strings.Contains(err.Error(), "OTEL_CONFIG_FILE "+big+": larger than 1 MiB") {
		t.Errorf("a big file: %v", err)
	}
	for _, c := range []struct{ name, content, want string }{
		{"syntax", "file_format: \"1.0\"\ntracer_provider: [\n  secret-value-here\n", "not valid YAML: yaml: line "},
		{"two documents", "file_format: \"1.0\"\n---\nfile_format: \"1.0\"\n", "not valid YAML: want one document"},
		{"empty", "", "file_format: required"},
		{"a list", "- file_format\n", "file_format: required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfigFile(t, c.content)
			_, err := configFromFile(path, nil)
			if err == nil || !strings.HasPrefix(err.Error(), "telemetry: OTEL_CONFIG_FILE "+path+": "+c.want) {
				t.Errorf("error %v, want it to start with the file and %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "secret-value-here") {
				t.Errorf("error quotes the file: %v", err)
			}
		})
	}
}

// Aliases cannot make the check or the decoding run for ever: not as a billion laughs in an
// attribute value, nor as a list of many aliases to one header.
func TestConfigFileAliases(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("file_format: \"1.0\"\nresource:\n  attributes:\n    - name: a\n      type: string_array\n      value: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		laughs.WriteString("    - name: a" + strconv.Itoa(i) + "\n      type: string_array\n      value: &l" + strconv.Itoa(i) + " [")
		laughs.WriteString(strings.TrimSuffix(strings.Repeat("*l"+strconv.Itoa(i-1)+", ", 10), ", ") + "]\n")
	}
	headers := "file_format: \"1.0\"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_http:\n            headers_list: &h \"a=b\"\n            headers: [" +
		strings.TrimSuffix(strings.Repeat("&x {name: a, value: b}, ", 1)+strings.Repeat("*x, ", 40000), ", ") + "]\n"
	for _, c := range []struct{ name, content, want string }{
		{"laughs", laughs.String(), "resource.attributes[9]: yaml: document contains excessive aliasing"},
		{"many aliases", headers, "too many YAML nodes (aliases included)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := configFromFile(writeConfigFile(t, c.content), nil)
			if got := problemsOf(t, err); !slices.Contains(got, c.want) {
				t.Errorf("problems:\n%s\nwant among them %q", strings.Join(got, "\n"), c.want)
			}
			if d := time.Since(start); d > 20*time.Second { // for ever would be hours
				t.Errorf("took %v", d)
			}
		})
	}
}

func FuzzConfigFile(f *testing.F) {
	const secret = "fuzz-secret-8c1e"
	// Small seeds only: the schema's large example files are loaded by their own test, and as
	// seeds they make the fuzzer spend its whole time measuring their coverage.
	for _, file := range []string{"../deploy/otelconfig/obskit.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`file_format: "1.0"
tracer_provider:
  processors:
    - batch:
        exporter:
          otlp_http:
            headers:
              - name: a
                value: ${HDR}
            headers_list: "b=${HDR},${HDR}"
            timeout: ${HDR}
`))
	environ := map[string]string{"HDR": secret, "OTEL_EXPORTER_OTLP_HEADERS": "k=" + secret}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := parseConfigFile("fuzz.yaml", data, environ)
		if err == nil {
			return
		}
		if !strings.Contains(string(data), "8c1e") && strings.Contains(err.Error(), secret) {
			t.Fatalf("error quotes a header value: %v", err)
		}
		// Every problem is found in the file, with its key path, before Config.Validate
		// could report it under the name of a variable the file does not have.
		var fe *configFileError
		if !errors.As(err, &fe) {
			t.Fatalf("not a configuration file error: %v", err)
		}
	})
}
