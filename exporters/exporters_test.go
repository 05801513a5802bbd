package exporters_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestFileExporterWritesOTLPJSON writes every signal with the file exporters and reads the
// files back with the parser testserver uses for the Collector's own file exporter output.
func TestFileExporterWritesOTLPJSON(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	res := resource.NewSchemaless(attribute.String("service.name", "filetest"))
	selfMetrics := sdkmetric.NewManualReader()
	selfMP := sdkmetric.NewMeterProvider(sdkmetric.WithReader(selfMetrics))
	defer func() { _ = selfMP.Shutdown(ctx) }()
	opts := []exporters.Option{exporters.WithFileDir(dir), exporters.WithMeterProvider(selfMP)}

	spanExp, err := exporters.NewSpanExporter(ctx, []string{"file"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(res), sdktrace.WithSyncer(spanExp))
	sctx, span := tp.Tracer("t").Start(ctx, "op")
	span.SetAttributes(attribute.Int("n", 7))
	span.End()

	logExp, err := exporters.NewLogExporter(ctx, []string{"file", "none"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := logpipe.NewProvider(logExp, logpipe.WithResource(res), logpipe.WithMeterProvider(selfMP))
	if err != nil {
		t.Fatal(err)
	}
	var rec log.Record
	rec.SetBody(attribute.StringValue("hello"))
	rec.SetSeverity(log.SeverityWarn)
	rec.AddAttributes(attribute.String("k", "v"))
	lp.Logger("t").Emit(sctx, rec)

	readers, err := exporters.NewMetricReaders(ctx, []string{"file"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(readers.Readers[0]))
	c, _ := mp.Meter("t").Float64Counter("file.test")
	c.Add(ctx, 2.5)

	for _, err := range []error{tp.Shutdown(ctx), lp.Shutdown(ctx), mp.Shutdown(ctx), readers.Close(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}

	files := &testserver.Collector{OutputDir: dir}
	spans, logs, metrics := files.ReadSpans(t), files.ReadLogs(t), files.ReadMetrics(t)
	if len(spans) != 1 || spans[0].Name != "op" || spans[0].TraceID != span.SpanContext().TraceID().String() ||
		spans[0].Attributes["n"] != int64(7) || spans[0].Resource["service.name"] != "filetest" {
		t.Errorf("spans: %+v", spans)
	}
	if len(logs) != 1 || logs[0].Body != "hello" || logs[0].SeverityNumber != int(log.SeverityWarn) ||
		logs[0].SpanID != span.SpanContext().SpanID().String() || logs[0].Attributes["k"] != "v" {
		t.Errorf("logs: %+v", logs)
	}
	if len(metrics) != 1 || metrics[0].Name != "file.test" || metrics[0].Points[0].Value != 2.5 || !metrics[0].Monotonic {
		t.Errorf("metrics: %+v", metrics)
	}

	// Self-observability: one span, one log record and one data point exported by the file
	// exporters, each under its signal's instrument and its component type.
	rm := testkit.Collect(t, selfMetrics)
	for name, typ := range map[string]string{
		"otel.sdk.exporter.span.exported":              "obskit_file_span_exporter",
		"otel.sdk.exporter.log.exported":               "obskit_file_log_exporter",
		"otel.sdk.exporter.metric_data_point.exported": "obskit_file_metric_exporter",
	} {
		if got := testkit.SumInt64(rm, name, attribute.String("otel.component.type", typ)); got != 1 {
			t.Errorf("%s{otel.component.type=%s} = %d, want 1", name, typ, got)
		}
	}
}

func TestFailedExportsAreCounted(t *testing.T) {
	ctx := context.Background()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(ctx) }()
	// Nothing listens on port 1.
	exp, err := exporters.NewSpanExporter(ctx, []string{"otlp"}, exporters.WithMeterProvider(mp),
		exporters.WithOTLP(exporters.OTLPSettings{Shared: exporters.OTLPConfig{Endpoint: "http://127.0.0.1:1", Timeout: exporters.Duration(300 * time.Millisecond)}}))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, span := tp.Tracer("t").Start(ctx, "op")
	span.End() // the syncer exports, and fails, here
	_ = tp.Shutdown(ctx)

	rm := testkit.Collect(t, reader)
	got := testkit.SumInt64By(rm, "otel.sdk.exporter.span.exported", "error.type")
	if len(got) != 2 || got[""] != 0 || got["timeout"]+got["_OTHER"] != 1 {
		t.Errorf("otel.sdk.exporter.span.exported by error.type = %v, want the one span failed", got)
	}
	for _, dp := range testkit.Int64Points(rm, "otel.sdk.exporter.span.exported") {
		if typ, _ := dp.Attributes.Value("otel.component.type"); typ.AsString() != "otlp_http_span_exporter" {
			t.Errorf("otel.component.type = %q, want otlp_http_span_exporter", typ.AsString())
		}
	}
}

func TestPrometheusServesMetrics(t *testing.T) {
	ctx := context.Background()
	readers, err := exporters.NewMetricReaders(ctx, []string{"prometheus"}, exporters.WithPrometheusAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(readers.Readers[0]))
	c, _ := mp.Meter("t").Int64Counter("prom.test.items")
	c.Add(ctx, 5)
	resp, err := http.Get("http://" + readers.PrometheusAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !strings.Contains(string(body), "prom_test_items_total") {
		t.Errorf("scrape lacks prom_test_items_total:\n%s", body)
	}
	if err := errors.Join(mp.Shutdown(ctx), readers.Close(ctx)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(readers.PrometheusAddr(), "127.0.0.1:") {
		t.Errorf("served on %s, want loopback", readers.PrometheusAddr())
	}
}

func TestUnknownNames(t *testing.T) {
	for _, tt := range []struct {
		sig   exporters.Signal
		names []string
		ok    bool
	}{
		{exporters.Traces, []string{"otlp", "console"}, true},
		{exporters.Traces, []string{" OTLP ", "none", ""}, true},
		{exporters.Traces, []string{"prometheus"}, false},
		{exporters.Metrics, []string{"prometheus", "otlp"}, true},
		{exporters.Logs, []string{"jaeger"}, false},
	} {
		if err := exporters.ValidateNames(tt.sig, tt.names); (err == nil) != tt.ok {
			t.Errorf("ValidateNames(%s, %q) = %v", tt.sig, tt.names, err)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want map[string]string
		ok   bool
	}{
		{"", nil, true},
		{"a=b", map[string]string{"a": "b"}, true},
		{" Authorization = Basic%20dXNlcg== , x=1", map[string]string{"Authorization": "Basic dXNlcg==", "x": "1"}, true},
		{"novalue", nil, false},
		{"=v", nil, false},
	} {
		got, err := exporters.ParseHeaders(envconfig.NewSecret(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("ParseHeaders(%q) error %v", tt.in, err)
			continue
		}
		if err != nil && len(tt.in) > 4 && strings.Contains(err.Error(), tt.in) {
			t.Errorf("error %q quotes the headers", err)
		}
		if len(got) != len(tt.want) {
			t.Errorf("ParseHeaders(%q) = %v, want %v", tt.in, got, tt.want)
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("ParseHeaders(%q)[%s] = %q, want %q", tt.in, k, got[k], v)
			}
		}
	}
}
