package telemetry_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/attribute"
)

// TestCollectorRoundTrip sends traces, metrics and logs through obskit to a real Collector,
// over grpc and over http/protobuf, and reads the Collector's file output back.
func TestCollectorRoundTrip(t *testing.T) {
	for _, proto := range []string{otlpconf.ProtocolGRPC, otlpconf.ProtocolHTTPProtobuf} {
		t.Run(proto, func(t *testing.T) {
			col := testserver.StartCollector(t)
			endpoint := "http://" + col.HTTPEndpoint
			if proto == otlpconf.ProtocolGRPC {
				endpoint = "http://" + col.GRPCEndpoint
			}
			service := "roundtrip-" + strings.ReplaceAll(proto, "/", "-")
			env := map[string]string{
				"OTEL_SERVICE_NAME":           service,
				"OTEL_RESOURCE_ATTRIBUTES":    "team=observability,deployment.environment.name=test",
				"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
				"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_HEADERS":  "x-api-key=hdr-secret-4711",
				"OTEL_EXPORTER_OTLP_TIMEOUT":  "5000",
				"OBSKIT_LOG_CONSOLE":          "off",
				"OBSKIT_RUNTIME_METRICS":      "false",
			}
			tel, err := telemetry.Setup(context.Background(), config(t, env))
			if err != nil {
				t.Fatal(err)
			}

			ctx, span := tel.TracerProvider().Tracer("roundtrip").Start(context.Background(), "work")
			span.SetAttributes(attribute.String("job", "j1"))
			tel.Logger().InfoContext(ctx, "in span", "user", "ann", "password", "pw-secret-0815",
				"token", envconfig.NewSecret("tok-secret-42"))
			span.End()
			counter, _ := tel.MeterProvider().Meter("roundtrip").Int64Counter("roundtrip.items")
			counter.Add(context.Background(), 3, metricAttr("kind", "a"))

			sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := tel.Shutdown(sctx); err != nil {
				t.Fatalf("Shutdown: %v", err)
			}

			var spans []testserver.Span
			var logs []testserver.LogRecord
			var metrics []testserver.Metric
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				spans, logs, metrics = col.ReadSpans(t), col.ReadLogs(t), col.ReadMetrics(t)
				if len(spans) > 0 && len(logs) > 0 && hasMetric(metrics, "roundtrip.items") {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}

			if len(spans) != 1 || spans[0].Name != "work" || spans[0].Attributes["job"] != "j1" {
				t.Fatalf("spans: %+v", spans)
			}
			checkResource(t, "span", spans[0].Resource, service)
			sc := span.SpanContext()
			if spans[0].TraceID != sc.TraceID().String() {
				t.Errorf("span trace id %s, want %s", spans[0].TraceID, sc.TraceID())
			}

			if len(logs) != 1 {
				t.Fatalf("logs: %+v", logs)
			}
			l := logs[0]
			checkResource(t, "log", l.Resource, service)
			if l.Body != "in span" || l.SeverityNumber != 9 || l.Attributes["user"] != "ann" {
				t.Errorf("log record: %+v", l)
			}
			if l.TraceID != sc.TraceID().String() || l.SpanID != sc.SpanID().String() {
				t.Errorf("log record ids %s/%s, want the span's %s/%s", l.TraceID, l.SpanID, sc.TraceID(), sc.SpanID())
			}
			if l.Attributes["password"] != envconfig.Redacted || l.Attributes["token"] != envconfig.Redacted {
				t.Errorf("log attributes not redacted: %v", l.Attributes)
			}

			var items *testserver.Metric
			for i := range metrics {
				if metrics[i].Name == "roundtrip.items" {
					items = &metrics[i]
				}
			}
			if items == nil || len(items.Points) != 1 || items.Points[0].Value != 3 || items.Points[0].Attributes["kind"] != "a" {
				t.Fatalf("metric roundtrip.items: %+v", items)
			}
			checkResource(t, "metric", items.Resource, service)
			// The exporters' own metrics counted the span and the log record.
			exported := map[string]float64{}
			for _, m := range metrics {
				if m.Name == "otel.sdk.exporter.span.exported" || m.Name == "otel.sdk.exporter.log.exported" {
					for _, p := range m.Points {
						if p.Attributes["error.type"] == nil {
							exported[m.Name] += p.Value
						}
					}
				}
			}
			if exported["otel.sdk.exporter.span.exported"] != 1 || exported["otel.sdk.exporter.log.exported"] != 1 {
				t.Errorf("exporters' own metrics: %v, want 1 span and 1 log record exported", exported)
			}

			files, _ := filepath.Glob(filepath.Join(col.OutputDir, "*.jsonl"))
			for _, f := range files {
				b, _ := os.ReadFile(f)
				for _, secret := range []string{"hdr-secret-4711", "pw-secret-0815", "tok-secret-42"} {
					if strings.Contains(string(b), secret) {
						t.Errorf("%s holds the secret %q", filepath.Base(f), secret)
					}
				}
			}
		})
	}
}

func checkResource(t *testing.T, what string, res map[string]any, service string) {
	t.Helper()
	for k, want := range map[string]any{"service.name": service, "team": "observability",
		"deployment.environment.name": "test", "telemetry.sdk.language": "go"} {
		if res[k] != want {
			t.Errorf("%s resource %s = %v, want %v", what, k, res[k], want)
		}
	}
	for _, k := range []string{"host.name", "process.pid", "process.runtime.name"} {
		if res[k] == nil {
			t.Errorf("%s resource lacks %s: %v", what, k, res)
		}
	}
}

func hasMetric(ms []testserver.Metric, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}
