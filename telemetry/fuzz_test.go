package telemetry

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
)

// fuzzEncode percent-encodes every byte but unreserved ones, as a writer of the variable would.
func fuzzEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// FuzzResourceAttributes feeds OTEL_RESOURCE_ATTRIBUTES values to its parser: it must not
// panic; a value it accepts, written back percent-encoded, parses to the same attributes; one it
// rejects gives an *envconfig.VarError naming the variable and not quoting the value.
func FuzzResourceAttributes(f *testing.F) {
	for _, s := range []string{"", "a=b", "team=obs,env=prod", "k=%2C%3D", "=v", "k", "k=%zz", " a = b ,, c=d ", "service.name=x=y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kvs, err := parseResourceAttributes(s)
		if err != nil {
			var ve *envconfig.VarError
			if !errors.As(err, &ve) || ve.Var != "OTEL_RESOURCE_ATTRIBUTES" {
				t.Fatalf("error %v is not a VarError for OTEL_RESOURCE_ATTRIBUTES", err)
			}
			if len(s) >= 4 && strings.Contains(err.Error(), s) {
				t.Fatalf("error quotes the value: %v", err)
			}
			return
		}
		var parts []string
		for _, kv := range kvs {
			if kv.Key == "" {
				t.Fatalf("accepted an empty key from %q", s)
			}
			parts = append(parts, fuzzEncode(string(kv.Key))+"="+fuzzEncode(kv.Value.AsString()))
		}
		again, err := parseResourceAttributes(strings.Join(parts, ","))
		if err != nil {
			t.Fatalf("re-encoded attributes of %q do not parse: %v", s, err)
		}
		if len(again) != len(kvs) {
			t.Fatalf("%q: %d attributes, %d after re-encoding", s, len(kvs), len(again))
		}
		for i := range kvs {
			if kvs[i] != again[i] {
				t.Fatalf("%q: attribute %d is %v, %v after re-encoding", s, i, kvs[i], again[i])
			}
		}
	})
}

// fuzzSamplers are the values OTEL_TRACES_SAMPLER accepts.
var fuzzSamplers = []string{"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"}

// FuzzSampler feeds OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG to the sampler: it must
// not panic, must accept exactly the specification's names (blank means the default) with, for
// the ratio samplers, an argument that is empty or a number from 0 to 1, and must name the
// variable at fault without quoting it.
func FuzzSampler(f *testing.F) {
	f.Add("traceidratio", "0.25")
	f.Add("parentbased_traceidratio", "1.5")
	f.Add("always_on", "junk")
	f.Add("jaeger_remote", "")
	f.Add(" traceidratio", "-0")
	f.Add("traceidratio ", "abc")
	f.Fuzz(func(t *testing.T, name, arg string) {
		c := Config{Sampler: name, SamplerArg: arg}
		s, err := c.sampler()
		trimmed := strings.TrimSpace(name)
		known := trimmed == "" || slices.Contains(fuzzSamplers, trimmed)
		argOK := true
		if strings.HasSuffix(trimmed, "traceidratio") && strings.TrimSpace(arg) != "" {
			r, perr := strconv.ParseFloat(strings.TrimSpace(arg), 64)
			argOK = perr == nil && r >= 0 && r <= 1
		}
		if want := known && argOK; (err == nil) != want {
			t.Fatalf("sampler(%q, %q) = %v, %v; want accepted=%v", name, arg, s, err, want)
		}
		if err == nil {
			return
		}
		var ve *envconfig.VarError
		if !errors.As(err, &ve) || (ve.Var != "OTEL_TRACES_SAMPLER" && ve.Var != "OTEL_TRACES_SAMPLER_ARG") {
			t.Fatalf("error %v does not name a sampler variable", err)
		}
		for _, v := range []string{name, arg} {
			if len(v) >= 4 && !strings.Contains(fuzzStatic, v) && strings.Contains(err.Error(), v) {
				t.Fatalf("error quotes the value %q: %v", v, err)
			}
		}
	})
}

// fuzzVars are the variables FuzzConfigFromEnv sets: exporter lists, propagators, sampler,
// resource attributes, OTLP settings, queue sizes and obskit's logging variables.
var fuzzVars = []string{
	"OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER", "OTEL_PROPAGATORS",
	"OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_SERVICE_NAME",
	"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
	"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_INSECURE",
	"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_BLRP_MAX_QUEUE_SIZE",
	"OTEL_BLRP_SCHEDULE_DELAY", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_LOG_LEVEL", "OBSKIT_LOG_LEVEL",
	"OBSKIT_LOG_CONSOLE", "OBSKIT_LOG_REDACT_KEYS", "OTEL_EXPORTER_PROMETHEUS_PORT",
	"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SDK_DISABLED",
}

// fuzzStatic is every word an error of ConfigFromEnv or Validate can hold that does not come
// from a value: values found in it are too common to tell apart.
var fuzzStatic = strings.Join(fuzzVars, " ") + " " + strings.Join(fuzzSamplers, " ") +
	" envconfig: problems: problem: invalid value: want a comma-separated list of otlp, console, file, none, prometheus" +
	" tracecontext, baggage, none (others are not supported) want a number from 0 to 1 want debug, info, warn or error" +
	" tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace, none" +
	" want text, json or off want a positive integer want key=value pairs separated by commas, percent-encoded" +
	" want grpc or http/protobuf want gzip or none want an http:// or https:// URL with a host, or host:port" +
	" want a URL such as http://localhost:4317, or host:port; pair 1 2 3 4 5 6 7 8 9 is not one" +
	" want an integer that fits in int a boolean (true, false, 1 or 0) a duration level a valid level" +
	" want a port number from 0 to 65535 want a non-negative integer set it: names the file exporter want at most 1073741824 (256 GiB)"

// FuzzConfigFromEnv feeds arbitrary values of the OTEL_* and OBSKIT_* variables to
// ConfigFromEnv and Validate: neither may panic, and no error may quote a value (the OTLP
// headers least of all). The input is lines of "INDEX=VALUE", INDEX choosing a variable.
func FuzzConfigFromEnv(f *testing.F) {
	for _, s := range []string{
		"0=otlp,file\n11=api-key=s3cr3t-value",
		"4=traceidratio\n5=2\n6=a=b,c",
		"8=localhost\n9=grpc\n10=k=%zz\n12=soon",
		"3=b3,tracecontext\n16=-5\n20=LOUD\n21=html",
		"8=ftp://collector:4318\n13=zip\n14=maybe\n23=99999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		env := map[string]string{}
		var values []string
		for line := range strings.SplitSeq(input, "\n") {
			idx, value, ok := strings.Cut(line, "=")
			if !ok || idx == "" {
				continue
			}
			n, err := strconv.Atoi(idx)
			if err != nil || n < 0 {
				continue
			}
			env[fuzzVars[n%len(fuzzVars)]] = value
			values = append(values, value)
		}
		c, err := ConfigFromEnv(envconfig.WithEnvironment(env))
		if err == nil {
			err = c.Validate()
		}
		if err == nil {
			return
		}
		msg := err.Error()
		for _, v := range values {
			if len(v) >= 4 && !strings.Contains(fuzzStatic, v) && strings.Contains(msg, v) {
				t.Fatalf("error quotes the value %q: %s", v, msg)
			}
		}
	})
}
