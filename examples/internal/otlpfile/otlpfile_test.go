package otlpfile_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/telemetry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// emit runs one telemetry session writing to dir: spans named by names (each a child of the
// previous), a log record in the innermost span and one outside any span.
func emit(t *testing.T, dir string, names ...string) {
	t.Helper()
	ctx := context.Background()
	env := map[string]string{
		"OTEL_TRACES_EXPORTER": "file", "OTEL_LOGS_EXPORTER": "file", "OTEL_METRICS_EXPORTER": "file",
		"OBSKIT_FILE_EXPORTER_DIR": dir, "OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
	}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		t.Fatal(err)
	}
	tel, err := telemetry.Setup(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tracer := tel.TracerProvider().Tracer("otlpfile-test")
	inner := ctx
	var spans []trace.Span
	for _, n := range names {
		c, s := tracer.Start(inner, n)
		spans = append(spans, s)
		inner = c
	}
	tel.Logger().InfoContext(inner, "in a span", "n", 7)
	tel.Logger().Info("outside")
	counter, _ := tel.MeterProvider().Meter("otlpfile-test").Int64Counter("test.count")
	counter.Add(ctx, 1)
	for _, s := range spans {
		s.End()
	}
	if err := tel.Shutdown(ctx); err != nil {
		t.Error(err)
	}
}

func TestReadSinceMark(t *testing.T) {
	dir := t.TempDir()
	m0, err := otlpfile.MarkFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m0[otlpfile.TracesFile] != 0 {
		t.Fatalf("mark of an empty folder = %v", m0)
	}
	emit(t, dir, "first")
	mark, err := otlpfile.MarkFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	emit(t, dir, "parent", "child")

	got, err := otlpfile.Read(dir, mark)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Spans) != 2 {
		t.Fatalf("spans since the mark: %+v, want parent and child", got.Spans)
	}
	byName := map[string]otlpfile.Span{}
	for _, s := range got.Spans {
		byName[s.Name] = s
	}
	parent, child := byName["parent"], byName["child"]
	if parent.ParentSpanID != "" || child.ParentSpanID != parent.SpanID || child.TraceID != parent.TraceID || len(child.TraceID) != 32 {
		t.Errorf("parent %+v child %+v: want child beneath parent, hex ids", parent, child)
	}
	if len(got.LogRecords) != 2 {
		t.Fatalf("log records since the mark: %+v, want 2", got.LogRecords)
	}
	byBody := map[any]otlpfile.LogRecord{}
	for _, r := range got.LogRecords {
		byBody[r.Body] = r
	}
	in, out := byBody["in a span"], byBody["outside"]
	if in.Body != "in a span" || in.TraceID != child.TraceID || in.SpanID != child.SpanID || in.Attributes["n"] != int64(7) {
		t.Errorf("record in a span = %+v, want the child's ids and n=7", in)
	}
	if out.Body != "outside" || out.TraceID != "" {
		t.Errorf("record outside a span = %+v, want no trace id", out)
	}
	found := false
	for _, name := range got.Metrics {
		found = found || name == "test.count"
	}
	if !found {
		t.Errorf("metrics %v lack test.count", got.Metrics)
	}

	all, err := otlpfile.Read(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Spans) != 3 || len(all.LogRecords) != 4 {
		t.Errorf("whole files: %d spans, %d records; want 3 and 4", len(all.Spans), len(all.LogRecords))
	}
}

func TestReadMissingFolder(t *testing.T) {
	got, err := otlpfile.Read(t.TempDir()+"/none", nil)
	if err != nil || len(got.Spans)+len(got.LogRecords)+len(got.Metrics) != 0 {
		t.Fatalf("Read of a missing folder = %+v, %v; want empty, nil", got, err)
	}
}
