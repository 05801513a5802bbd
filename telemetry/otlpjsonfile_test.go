package telemetry_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/telemetry"
)

// TestFileExporterOutputReadsAsCollectorInput reads the file exporters' output with the
// Collector's own pdata JSON unmarshalers, the ones its otlpjsonfile receiver applies to each line
// (the receiver itself cannot be built here: its module is not on the module proxy).
func TestFileExporterOutputReadsAsCollectorInput(t *testing.T) {
	dir := t.TempDir()
	environ := map[string]string{
		"OTEL_SERVICE_NAME":        "filecheck",
		"OTEL_TRACES_EXPORTER":     "file",
		"OTEL_METRICS_EXPORTER":    "file",
		"OTEL_LOGS_EXPORTER":       "file",
		"OBSKIT_FILE_EXPORTER_DIR": dir,
		"OBSKIT_LOG_CONSOLE":       "off",
		"OBSKIT_RUNTIME_METRICS":   "false",
	}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(environ))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tel, err := telemetry.Setup(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, span := tel.TracerProvider().Tracer("filecheck").Start(ctx, "work")
	counter, _ := tel.MeterProvider().Meter("filecheck").Int64Counter("filecheck.items")
	counter.Add(ctx, 3)
	tel.Logger().InfoContext(ctx, "logged in a span", "n", 1)
	span.End()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	traceID := span.SpanContext().TraceID()

	var spans, points, records int
	eachLine(t, filepath.Join(dir, "traces.jsonl"), func(line []byte) {
		td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
		if err != nil {
			t.Fatalf("traces line does not parse as Collector input: %v", err)
		}
		for _, rs := range td.ResourceSpans().All() {
			if v, _ := rs.Resource().Attributes().Get("service.name"); v.Str() != "filecheck" {
				t.Errorf("resource service.name = %q", v.Str())
			}
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					spans++
					if s.Name() != "work" || s.TraceID() != [16]byte(traceID) {
						t.Errorf("span %q trace %s, want work %s", s.Name(), s.TraceID(), traceID)
					}
				}
			}
		}
	})
	eachLine(t, filepath.Join(dir, "metrics.jsonl"), func(line []byte) {
		md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
		if err != nil {
			t.Fatalf("metrics line does not parse as Collector input: %v", err)
		}
		for _, rm := range md.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					if m.Name() == "filecheck.items" && m.Sum().DataPoints().Len() == 1 && m.Sum().DataPoints().At(0).IntValue() == 3 {
						points++
					}
				}
			}
		}
	})
	eachLine(t, filepath.Join(dir, "logs.jsonl"), func(line []byte) {
		ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
		if err != nil {
			t.Fatalf("logs line does not parse as Collector input: %v", err)
		}
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, r := range sl.LogRecords().All() {
					records++
					if r.Body().Str() != "logged in a span" || r.TraceID() != [16]byte(traceID) || r.SeverityText() != "INFO" {
						t.Errorf("log record body %q trace %s severity %q", r.Body().Str(), r.TraceID(), r.SeverityText())
					}
					if v, ok := r.Attributes().Get("n"); !ok || v.Int() != 1 {
						t.Errorf("attribute n = %v", v.AsRaw())
					}
				}
			}
		}
	})
	if spans != 1 || points < 1 || records != 1 {
		t.Errorf("read back %d spans, %d matching metric points, %d log records; want 1, ≥1, 1", spans, points, records)
	}
}

func eachLine(t *testing.T, path string, fn func([]byte)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
