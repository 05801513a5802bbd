package telemetry

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters"
)

// Config is the configuration of [Setup], read from the environment by [ConfigFromEnv]: the
// variables of the OpenTelemetry environment specification that obskit honours, plus obskit's
// own OBSKIT_* variables for logging. The zero Config is not the default; start from
// ConfigFromEnv (with envconfig.WithEnvironment for an explicit map), which also records the
// OTEL_* variables it found but does not recognise, for Setup to warn about.
type Config struct {
	// Disabled turns every provider into a no-op; logs still go to the console handler.
	Disabled bool `env:"OTEL_SDK_DISABLED" envDefault:"false" desc:"disable traces, metrics and OTel logs (console logging stays)"`

	// ServiceName is service.name; default unknown_service:<executable>.
	ServiceName string `env:"OTEL_SERVICE_NAME" desc:"service.name resource attribute (default unknown_service:<executable>)"`
	// ResourceAttributes are key=value pairs, comma-separated, percent-encoded; they override
	// the detected attributes but not OTEL_SERVICE_NAME.
	ResourceAttributes string `env:"OTEL_RESOURCE_ATTRIBUTES" desc:"extra resource attributes, key=value pairs separated by commas"`
	// ServiceVersion is service.version; default the main module's version from build info.
	ServiceVersion string `env:"OBSKIT_SERVICE_VERSION" desc:"service.version resource attribute (default: the binary's module version)"`
	// Environment is deployment.environment.name.
	Environment string `env:"OBSKIT_DEPLOYMENT_ENVIRONMENT" desc:"deployment.environment.name resource attribute"`
	// Kubernetes holds the pod's attributes from the downward API (K8S_POD_NAME, …).
	Kubernetes KubernetesConfig

	// TracesExporter lists span exporters: otlp, console, file, none. Empty: otlp when an OTLP
	// endpoint is configured, none otherwise (see the package documentation).
	TracesExporter []string `env:"OTEL_TRACES_EXPORTER" desc:"span exporters: otlp, console, file, none (default: otlp if an OTLP endpoint is set, else none)"`
	// MetricsExporter lists metric exporters: otlp, console, file, prometheus, none.
	MetricsExporter []string `env:"OTEL_METRICS_EXPORTER" desc:"metric exporters: otlp, console, file, prometheus, none (default: otlp if an OTLP endpoint is set, else none)"`
	// LogsExporter lists log exporters: otlp, console, file, none.
	LogsExporter []string `env:"OTEL_LOGS_EXPORTER" desc:"log exporters: otlp, console, file, none (default: otlp if an OTLP endpoint is set, else none)"`

	// OTLP holds OTEL_EXPORTER_OTLP_* and its per-signal overrides.
	OTLP exporters.OTLPSettings

	// PrometheusHost and PrometheusPort are where the prometheus exporter serves /metrics.
	PrometheusHost string `env:"OTEL_EXPORTER_PROMETHEUS_HOST" envDefault:"127.0.0.1" desc:"address the prometheus exporter listens on"`
	PrometheusPort int    `env:"OTEL_EXPORTER_PROMETHEUS_PORT" envDefault:"9464" desc:"port the prometheus exporter listens on (0: any free port)"`

	// FileExporterDir is the folder of the file exporters' traces.jsonl, metrics.jsonl and
	// logs.jsonl; required when an exporter list names file.
	FileExporterDir string `env:"OBSKIT_FILE_EXPORTER_DIR" desc:"folder to which the file exporters append OTLP-JSON lines (required by the file exporter)"`

	// Propagators lists context propagators: tracecontext, baggage, b3, b3multi, jaeger, xray,
	// ottrace, none.
	Propagators []string `env:"OTEL_PROPAGATORS" envDefault:"tracecontext,baggage" desc:"context propagators: tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace, none"`
	// Sampler is one of always_on, always_off, traceidratio, parentbased_always_on,
	// parentbased_always_off, parentbased_traceidratio.
	Sampler string `env:"OTEL_TRACES_SAMPLER" envDefault:"parentbased_always_on" desc:"trace sampler: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio"`
	// SamplerArg is the ratio of the traceidratio samplers, from 0 to 1 (default 1).
	SamplerArg string `env:"OTEL_TRACES_SAMPLER_ARG" desc:"sampling ratio for the traceidratio samplers, 0 to 1 (default 1)"`

	BSPScheduleDelay      exporters.Duration `env:"OTEL_BSP_SCHEDULE_DELAY" envDefault:"5000" desc:"delay between span exports, in milliseconds"`
	BSPExportTimeout      exporters.Duration `env:"OTEL_BSP_EXPORT_TIMEOUT" envDefault:"30000" desc:"span export timeout, in milliseconds"`
	BSPMaxQueueSize       int                `env:"OTEL_BSP_MAX_QUEUE_SIZE" envDefault:"2048" desc:"spans queued for export at most; more are dropped"`
	BSPMaxExportBatchSize int                `env:"OTEL_BSP_MAX_EXPORT_BATCH_SIZE" envDefault:"512" desc:"spans per export at most"`

	BLRPScheduleDelay exporters.Duration `env:"OTEL_BLRP_SCHEDULE_DELAY" envDefault:"1000" desc:"delay between log record exports, in milliseconds"`
	BLRPExportTimeout exporters.Duration `env:"OTEL_BLRP_EXPORT_TIMEOUT" envDefault:"30000" desc:"log export timeout, in milliseconds"`
	// BLRPMaxQueueSize bounds the log queue's memory at this × 256 bytes of encoded records;
	// the default, 262144, is 64 MiB. It is not the specification's 2048 records, which would
	// drop most of a burst: exporters/logpipe's documentation says why.
	BLRPMaxQueueSize int `env:"OTEL_BLRP_MAX_QUEUE_SIZE" envDefault:"262144" desc:"log queue bound, in records of 256 bytes (default 64 MiB); more are dropped (counted in otel.sdk.processor.log.processed, error.type queue_full) unless OBSKIT_LOG_BLOCK is set"`
	// BLRPMaxExportBatchSize is the most records per export; a batch is also at most 256 KiB
	// of encoded records. The default is 2048, not the specification's 512: see
	// exporters/logpipe's documentation.
	BLRPMaxExportBatchSize int `env:"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE" envDefault:"2048" desc:"log records per export at most (and at most 256 KiB)"`

	// LogRecordAttributeCountLimit is the most attributes kept per log record; the others are
	// dropped and counted in the record's dropped_attributes_count.
	LogRecordAttributeCountLimit int `env:"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT" envDefault:"128" desc:"attributes kept per log record at most"`
	// LogRecordAttributeValueLengthLimit, when set, is the most characters kept in a string
	// attribute value of a log record. nil: no limit.
	LogRecordAttributeValueLengthLimit *int `env:"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT" desc:"characters kept in a log record's string attribute values at most (default: no limit)"`

	MetricExportInterval exporters.Duration `env:"OTEL_METRIC_EXPORT_INTERVAL" envDefault:"60000" desc:"interval between metric exports, in milliseconds"`
	MetricExportTimeout  exporters.Duration `env:"OTEL_METRIC_EXPORT_TIMEOUT" envDefault:"30000" desc:"metric export timeout, in milliseconds"`

	// SDKLogLevel is the level of the OpenTelemetry SDK's own diagnostics (debug, info, warn,
	// error); applied by [Telemetry.InstallGlobals], since the SDK's logger is global.
	SDKLogLevel string `env:"OTEL_LOG_LEVEL" envDefault:"info" desc:"level of the OpenTelemetry SDK's own diagnostics: debug, info, warn, error"`

	// LogLevel is the application's log level, shared by the console and OTel outputs;
	// changeable at run time with [Telemetry.SetLevel].
	LogLevel slog.Level `env:"OBSKIT_LOG_LEVEL" envDefault:"INFO" desc:"application log level: DEBUG, INFO, WARN, ERROR (or e.g. INFO+2)"`
	// LogConsole is the console output: text, json or off.
	LogConsole string `env:"OBSKIT_LOG_CONSOLE" envDefault:"text" desc:"console log output on stderr: text, json or off"`
	// LogRedactKeys lists attribute keys whose values are replaced by [REDACTED] in every log
	// output (case-insensitive, exact key, at any group depth).
	LogRedactKeys []string `env:"OBSKIT_LOG_REDACT_KEYS" envDefault:"password,passwd,secret,token,access_token,refresh_token,api_key,apikey,authorization,cookie,set-cookie" desc:"log attribute keys whose values are redacted, comma-separated (case-insensitive)"`
	// LogBlock makes a logging call wait for room in the export queue instead of dropping the
	// record; for batch jobs that must lose nothing.
	LogBlock bool `env:"OBSKIT_LOG_BLOCK" envDefault:"false" desc:"block logging calls when the log export queue is full instead of dropping records"`

	// RuntimeMetrics turns the Go runtime metrics on.
	RuntimeMetrics bool `env:"OBSKIT_RUNTIME_METRICS" envDefault:"true" desc:"emit Go runtime metrics (go.opentelemetry.io/contrib/instrumentation/runtime)"`

	// unknownVars are the OTEL_* variables of the environment that ConfigFromEnv read which
	// neither Config nor the OpenTelemetry SDK reads; Setup warns about each.
	unknownVars []string
	// file holds what a configuration file (OTEL_CONFIG_FILE) states that the fields above
	// cannot: typed resource attributes and span limits. nil when the Config came from the
	// environment.
	file *fileSettings
	// samplerFromEnv says that the environment ConfigFromEnv read sets OTEL_TRACES_SAMPLER,
	// which then wins over WithSampler.
	samplerFromEnv bool
}

// ConfigFromEnv reads a [Config] with [envconfig.Load]; pass envconfig.WithEnvironment to read
// a map instead of the process environment. The environment is read once, here: the Config
// also records the OTEL_* variables that are set but not recognised (a misspelt name), and
// [Setup] writes one warning for each. Bad values are reported in an [*envconfig.Error]
// naming every bad variable, without their values.
func ConfigFromEnv(opts ...envconfig.Option) (Config, error) {
	environ := envconfig.Environ(opts...)
	if path := environ["OTEL_CONFIG_FILE"]; path != "" {
		// The file is the sole source of SDK configuration, as the specification says; it
		// refers to the environment only where it substitutes ${VAR}.
		return configFromFile(path, environ)
	}
	cfg, err := envconfig.Load[Config](append(slices.Clip(opts), envconfig.WithEnvironment(environ))...)
	if err != nil {
		return Config{}, err
	}
	cfg.unknownVars = unknownOTelVars(environ, envconfig.Names[Config](opts...))
	_, cfg.samplerFromEnv = environ["OTEL_TRACES_SAMPLER"]
	return cfg, nil
}

// Validate checks the values that the types alone do not: exporter names, sampler,
// propagators, levels and OTLP settings. It returns nil or an [*envconfig.Error] listing each
// problem once, as an [*envconfig.VarError]. [Setup] calls it too, for a Config made by hand.
func (c *Config) Validate() error {
	var errs []error
	bad := func(name, expected string) {
		errs = append(errs, &envconfig.VarError{Var: name, Kind: envconfig.ErrInvalid, Expected: expected})
	}
	for _, s := range []struct {
		sig   exporters.Signal
		v     string
		names []string
	}{
		{exporters.Traces, "OTEL_TRACES_EXPORTER", c.TracesExporter},
		{exporters.Metrics, "OTEL_METRICS_EXPORTER", c.MetricsExporter},
		{exporters.Logs, "OTEL_LOGS_EXPORTER", c.LogsExporter},
	} {
		if exporters.ValidateNames(s.sig, s.names) != nil {
			bad(s.v, "want a comma-separated list of "+strings.Join(exporters.Names(s.sig), ", "))
		}
		if containsName(s.names, exporters.File) && c.FileExporterDir == "" {
			errs = append(errs, &envconfig.VarError{Var: "OBSKIT_FILE_EXPORTER_DIR", Kind: envconfig.ErrNotSet,
				Expected: "set it: " + s.v + " names the file exporter"})
		}
	}
	if _, err := c.sampler(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.propagator(); err != nil {
		errs = append(errs, err)
	}
	if _, ok := sdkLogVerbosity(c.SDKLogLevel); !ok {
		bad("OTEL_LOG_LEVEL", "want debug, info, warn or error")
	}
	switch c.LogConsole {
	case consoleText, consoleJSON, consoleOff:
	default:
		bad("OBSKIT_LOG_CONSOLE", "want text, json or off")
	}
	for _, q := range []struct {
		v string
		n int
	}{{"OTEL_BSP_MAX_QUEUE_SIZE", c.BSPMaxQueueSize}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", c.BSPMaxExportBatchSize},
		{"OTEL_BLRP_MAX_QUEUE_SIZE", c.BLRPMaxQueueSize}, {"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", c.BLRPMaxExportBatchSize}} {
		if q.n <= 0 {
			bad(q.v, "want a positive integer")
		}
	}
	if c.BLRPMaxQueueSize > maxLogQueueSize {
		bad("OTEL_BLRP_MAX_QUEUE_SIZE", "want at most "+strconv.Itoa(maxLogQueueSize)+" (256 GiB)")
	}
	if c.LogRecordAttributeCountLimit < 0 {
		bad("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "want a non-negative integer")
	}
	if l := c.LogRecordAttributeValueLengthLimit; l != nil && *l < 0 {
		bad("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "want a non-negative integer")
	}
	if c.PrometheusPort < 0 || c.PrometheusPort > 65535 {
		bad("OTEL_EXPORTER_PROMETHEUS_PORT", "want a port number from 0 to 65535")
	}
	if _, err := parseResourceAttributes(c.ResourceAttributes); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.OTLP.Validate())
	return envconfig.Join(errs...)
}

// maxLogQueueSize keeps OTEL_BLRP_MAX_QUEUE_SIZE × 256 bytes within an int on 64-bit systems
// and far beyond any sensible queue.
const maxLogQueueSize = 1 << 30

// The values of OBSKIT_LOG_CONSOLE.
const (
	consoleText = "text"
	consoleJSON = "json"
	consoleOff  = "off"
)

// exporterNames returns the exporters of a signal: the list given, or, when none is given,
// otlp if an OTLP endpoint is configured for it and nothing otherwise.
func (c *Config) exporterNames(sig exporters.Signal) []string {
	var names []string
	var own string
	switch sig {
	case exporters.Traces:
		names, own = c.TracesExporter, c.OTLP.Traces.Endpoint
	case exporters.Metrics:
		names, own = c.MetricsExporter, c.OTLP.Metrics.Endpoint
	default:
		names, own = c.LogsExporter, c.OTLP.Logs.Endpoint
	}
	if len(slices.DeleteFunc(slices.Clone(names), func(s string) bool { return strings.TrimSpace(s) == "" })) > 0 {
		return names
	}
	if own != "" || c.OTLP.Shared.Endpoint != "" {
		return []string{exporters.OTLP}
	}
	return nil
}

func (c *Config) prometheusAddr() string {
	host := c.PrometheusHost
	if host == "" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(c.PrometheusPort)
}

func containsName(names []string, name string) bool {
	return slices.ContainsFunc(names, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), name) })
}
