package exporters_test

import (
	"maps"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters"
)

// percentEncode percent-encodes every byte but unreserved ones, as a writer of the variable would.
func percentEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// FuzzParseHeaders feeds OTEL_EXPORTER_OTLP_HEADERS values to ParseHeaders: it must not panic;
// headers it accepts, written back percent-encoded, parse to the same map; and its error, which
// names a pair by position, never holds a piece of the value (header values are secrets).
func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{"", "api-key=s3cr3t", "a=1,b=2", "authorization=Bearer%20xyz", "=v", "novalue", "k=%zz", " k = v ,,", "k=a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := exporters.ParseHeaders(envconfig.NewSecret(s))
		if err != nil {
			msg := err.Error()
			for piece := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '=' }) {
				piece = strings.TrimSpace(piece)
				if len(piece) >= 4 && !strings.Contains(headerErrorText, piece) && strings.Contains(msg, piece) {
					t.Fatalf("error holds %q of the value: %s", piece, msg)
				}
			}
			return
		}
		var pairs []string
		for k, v := range h {
			if k == "" {
				t.Fatalf("accepted an empty header name from %q", s)
			}
			pairs = append(pairs, percentEncode(k)+"="+percentEncode(v))
		}
		again, err := exporters.ParseHeaders(envconfig.NewSecret(strings.Join(pairs, ",")))
		if err != nil {
			t.Fatalf("re-encoded headers of %q do not parse: %v", s, err)
		}
		if len(h) == 0 && len(again) == 0 {
			return
		}
		if !maps.Equal(h, again) {
			t.Fatalf("%q parses to %v, %v after re-encoding", s, h, again)
		}
	})
}

// headerErrorText is the fixed text of ParseHeaders' error.
const headerErrorText = "want key=value pairs separated by commas; pair 0123456789 is not one"

// otlpVars are the variables FuzzOTLPSettings sets.
var otlpVars = []string{
	"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS",
	"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_INSECURE",
	"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
}

// FuzzOTLPSettings loads arbitrary OTEL_EXPORTER_OTLP_* values into OTLPSettings and validates
// them: nothing may panic, and no error may hold a header value. The input is lines of
// "INDEX=VALUE", INDEX choosing a variable.
func FuzzOTLPSettings(f *testing.F) {
	for _, s := range []string{
		"0=http://collector:4318\n2=api-key=hdr-s3cr3t",
		"0=collector:4317\n1=grpc\n5=yes",
		"6=ftp://x\n7=token=%zzsecret\n8=thrift",
		"3=-5\n4=brotli\n2=a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		env := map[string]string{}
		var secrets []string
		for line := range strings.SplitSeq(input, "\n") {
			idx, value, ok := strings.Cut(line, "=")
			n, err := strconv.Atoi(idx)
			if !ok || err != nil || n < 0 {
				continue
			}
			name := otlpVars[n%len(otlpVars)]
			env[name] = value
			if strings.HasSuffix(name, "_HEADERS") {
				secrets = append(secrets, value)
			}
		}
		s, err := envconfig.Load[exporters.OTLPSettings](envconfig.WithEnvironment(env))
		if err == nil {
			err = s.Validate()
		}
		if err == nil {
			return
		}
		msg := err.Error()
		for _, v := range secrets {
			for piece := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == '=' }) {
				piece = strings.TrimSpace(piece)
				if len(piece) >= 4 && !strings.Contains(otlpErrorText, piece) && strings.Contains(msg, piece) {
					t.Fatalf("error holds %q of a header value: %s", piece, msg)
				}
			}
		}
	})
}

// otlpErrorText is every word an OTLPSettings error can hold that does not come from a value.
var otlpErrorText = strings.Join(otlpVars, " ") + " " + headerErrorText +
	" envconfig: problems: problem: invalid value: want grpc or http/protobuf want gzip or none" +
	" want an http:// or https:// URL with a host want a URL such as http://localhost:4317, or host:port" +
	" a boolean (true, false, 1 or 0) duration milliseconds negative OTEL_EXPORTER_OTLP_LOGS_ OTEL_EXPORTER_OTLP_TRACES_ OTEL_EXPORTER_OTLP_METRICS_"
