package spanbatch_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/exporters/spanbatch"
	"github.com/esper-platform/obskit/internal/testkit"
)

// recExporter records the batches it is given. With gate set, ExportSpans waits for the gate
// to be closed or for its context to end (then it fails with the context's error).
type recExporter struct {
	mu       sync.Mutex
	batches  [][]string
	gate     chan struct{}
	err      error
	flushed  int
	shutdown bool
}

func (e *recExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if e.gate != nil {
		select {
		case <-e.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return e.err
	}
	names := make([]string, len(spans))
	for i, s := range spans {
		names[i] = s.Name()
	}
	e.batches = append(e.batches, names)
	return nil
}

func (e *recExporter) ForceFlush(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.flushed++
	return nil
}

func (e *recExporter) Shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.shutdown = true
	return nil
}

// spans returns the number of spans exported and the largest batch.
func (e *recExporter) spans() (n, largest int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, b := range e.batches {
		n += len(b)
		largest = max(largest, len(b))
	}
	return n, largest
}

func newProcessor(t *testing.T, exp sdktrace.SpanExporter, opts ...spanbatch.Option) (*spanbatch.Processor, *sdktrace.TracerProvider) {
	t.Helper()
	opts = append([]spanbatch.Option{spanbatch.WithMeterProvider(metricnoop.NewMeterProvider()),
		spanbatch.WithWarningWriter(io.Discard)}, opts...)
	p, err := spanbatch.New(exp, opts...)
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return p, tp
}

func endSpans(tp *sdktrace.TracerProvider, n int) {
	tr := tp.Tracer("test")
	for range n {
		_, s := tr.Start(context.Background(), "span")
		s.End()
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func checkBalance(t *testing.T, s spanbatch.Stats) {
	t.Helper()
	if s.Ended != s.Exported+s.DroppedQueueFull+s.DroppedExportFailed+s.DroppedShutdown+s.Queued {
		t.Errorf("stats do not add up: %+v", s)
	}
}

func TestEverySpanExportedInBatches(t *testing.T) {
	exp := &recExporter{}
	p, tp := newProcessor(t, exp, spanbatch.WithMaxExportBatchSize(100), spanbatch.WithMaxQueueSize(100_000))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { endSpans(tp, 2500) })
	}
	wg.Go(func() { // flushes racing with the spans
		for range 20 {
			if err := p.ForceFlush(context.Background()); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, largest := exp.spans()
	if n != 20_000 || largest > 100 {
		t.Errorf("exported %d spans, largest batch %d; want 20000 and at most 100", n, largest)
	}
	s := p.Stats()
	if s.Ended != 20_000 || s.Exported != 20_000 || s.Queued != 0 {
		t.Errorf("stats %+v, want 20000 ended and exported, none queued", s)
	}
	checkBalance(t, s)
	if !exp.shutdown {
		t.Error("exporter not shut down")
	}
}

func TestFullBatchExportedBeforeTheDelay(t *testing.T) {
	exp := &recExporter{}
	_, tp := newProcessor(t, exp, spanbatch.WithScheduleDelay(time.Hour), spanbatch.WithMaxExportBatchSize(50))
	endSpans(tp, 49)
	time.Sleep(20 * time.Millisecond)
	if n, _ := exp.spans(); n != 0 {
		t.Fatalf("%d spans exported before a batch was full", n)
	}
	endSpans(tp, 1)
	waitFor(t, "the full batch", func() bool { n, _ := exp.spans(); return n == 50 })
}

func TestScheduleDelay(t *testing.T) {
	exp := &recExporter{}
	_, tp := newProcessor(t, exp, spanbatch.WithScheduleDelay(20*time.Millisecond))
	endSpans(tp, 3)
	waitFor(t, "the export after the schedule delay", func() bool { n, _ := exp.spans(); return n == 3 })
}

func TestQueueFullDropsAreCounted(t *testing.T) {
	exp := &recExporter{gate: make(chan struct{})}
	p, tp := newProcessor(t, exp, spanbatch.WithMaxQueueSize(10), spanbatch.WithMaxExportBatchSize(5))
	endSpans(tp, 5) // a full batch: the goroutine takes it and blocks in the exporter
	waitFor(t, "the first export to start", func() bool { return p.Stats().Queued == 5 && queueTaken(p) })
	endSpans(tp, 20) // 10 fit in the queue, 10 are dropped
	s := p.Stats()
	if s.DroppedQueueFull != 10 || s.Queued != 15 {
		t.Errorf("stats %+v, want 10 dropped with the queue full and 15 queued", s)
	}
	checkBalance(t, s)
	close(exp.gate)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s = p.Stats()
	if n, _ := exp.spans(); n != 15 || s.Exported != 15 || s.Queued != 0 {
		t.Errorf("after Shutdown: exporter got %d, stats %+v; want 15 exported", n, s)
	}
	checkBalance(t, s)
}

// queueTaken reports whether the goroutine has taken the queued spans for export (a new span
// would go to an empty queue): true once ForceFlush cannot reach the goroutine at once.
func queueTaken(p *spanbatch.Processor) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	return errors.Is(p.ForceFlush(ctx), context.DeadlineExceeded)
}

func TestExportFailure(t *testing.T) {
	exp := &recExporter{err: errors.New("collector said no")}
	p, tp := newProcessor(t, exp)
	endSpans(tp, 7)
	if err := p.ForceFlush(context.Background()); err == nil {
		t.Error("ForceFlush succeeded with a failing exporter")
	}
	s := p.Stats()
	if s.DroppedExportFailed != 7 || s.ExportFailures != 1 || s.Exported != 0 {
		t.Errorf("stats %+v, want 7 dropped in 1 failed export", s)
	}
	checkBalance(t, s)
}

func TestForceFlush(t *testing.T) {
	exp := &recExporter{}
	p, tp := newProcessor(t, exp, spanbatch.WithScheduleDelay(time.Hour))
	endSpans(tp, 3)
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := exp.spans(); n != 3 || exp.flushed != 1 {
		t.Errorf("after ForceFlush: %d spans exported, exporter flushed %d times; want 3 and 1", n, exp.flushed)
	}

	// A ForceFlush whose context ends while the exporter hangs returns the context's error.
	exp.gate = make(chan struct{})
	endSpans(tp, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := p.ForceFlush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ForceFlush with a hanging exporter = %v, want DeadlineExceeded", err)
	}
	close(exp.gate)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Errorf("ForceFlush after Shutdown = %v, want nil", err)
	}
}

func TestShutdown(t *testing.T) {
	exp := &recExporter{}
	p, tp := newProcessor(t, exp, spanbatch.WithScheduleDelay(time.Hour))
	endSpans(tp, 4)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	endSpans(tp, 2)
	s := p.Stats()
	if n, _ := exp.spans(); n != 4 || s.DroppedShutdown != 2 || !exp.shutdown {
		t.Errorf("exported %d, stats %+v, exporter shut down %v; want 4 exported, 2 dropped after shutdown", n, s, exp.shutdown)
	}
	checkBalance(t, s)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown = %v, want the first's nil", err)
	}
}

// TestShutdownOnDoneContext: the last export runs under the Shutdown context, so a hanging
// exporter that honours it fails at once, the spans are counted, and no goroutine is left
// (goleak in TestMain).
func TestShutdownOnDoneContext(t *testing.T) {
	exp := &recExporter{gate: make(chan struct{})}
	p, tp := newProcessor(t, exp, spanbatch.WithScheduleDelay(time.Hour))
	endSpans(tp, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	began := time.Now()
	err := p.Shutdown(ctx)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("Shutdown on a done context took %v", took)
	}
	_ = err // ctx's error, or nil if the goroutine won the race
	waitFor(t, "the goroutine's last export", func() bool { return p.Stats().Queued == 0 })
	s := p.Stats()
	if s.DroppedExportFailed != 3 {
		t.Errorf("stats %+v, want the 3 queued spans dropped in the failed last export", s)
	}
	checkBalance(t, s)
}

func TestUnsampledSpansAreIgnored(t *testing.T) {
	exp := &recExporter{}
	p, err := spanbatch.New(exp, spanbatch.WithMeterProvider(metricnoop.NewMeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithSampler(sdktrace.NeverSample()))
	endSpans(tp, 10)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Ended != 0 {
		t.Errorf("stats %+v, want nothing for unsampled spans", s)
	}
}

func TestNilExporter(t *testing.T) {
	if _, err := spanbatch.New(nil); err == nil {
		t.Error("New(nil) succeeded")
	}
}

func TestMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	exp := &recExporter{gate: make(chan struct{})}
	p, tp := newProcessor(t, exp, spanbatch.WithMeterProvider(mp), spanbatch.WithMaxQueueSize(4), spanbatch.WithScheduleDelay(time.Hour))
	endSpans(tp, 4) // a full batch: the goroutine takes it and blocks in the exporter
	waitFor(t, "the first export to start", func() bool { return queueTaken(p) })
	endSpans(tp, 6) // 4 queued, 2 dropped
	close(exp.gate)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Collected after Shutdown: the final counts.
	rm := testkit.Collect(t, reader)
	got := testkit.SumInt64By(rm, "otel.sdk.processor.span.processed", "error.type")
	if want := map[string]int64{"": 8, "queue_full": 2, "shutdown": 0}; !maps.Equal(got, want) {
		t.Errorf("otel.sdk.processor.span.processed by error.type = %v, want %v", got, want)
	}
	if got := testkit.SumInt64(rm, "otel.sdk.processor.span.queue.size"); got != 0 {
		t.Errorf("queue.size = %d, want 0", got)
	}
	if got := testkit.SumInt64(rm, "otel.sdk.processor.span.queue.capacity"); got != 4 {
		t.Errorf("queue.capacity = %d, want 4", got)
	}
	for _, dp := range testkit.Int64Points(rm, "otel.sdk.processor.span.processed") {
		typ, _ := dp.Attributes.Value("otel.component.type")
		name, _ := dp.Attributes.Value("otel.component.name")
		if typ.AsString() != "batching_span_processor" || !strings.HasPrefix(name.AsString(), "batching_span_processor/") {
			t.Errorf("component attributes %v, want batching_span_processor and its name", dp.Attributes.ToSlice())
		}
	}
}

// deadlineExporter records the time left until the deadline of each export's context.
type deadlineExporter struct {
	mu   sync.Mutex
	left []time.Duration // -1: no deadline
}

func (e *deadlineExporter) ExportSpans(ctx context.Context, _ []sdktrace.ReadOnlySpan) error {
	left := time.Duration(-1)
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d)
	}
	e.mu.Lock()
	e.left = append(e.left, left)
	e.mu.Unlock()
	return nil
}

func (e *deadlineExporter) Shutdown(context.Context) error { return nil }

// TestOptionsZeroNegativeNil: a nil option is skipped, and a zero or negative export timeout
// means the default one, never an unbounded export.
func TestOptionsZeroNegativeNil(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		exp := &deadlineExporter{}
		_, tp := newProcessor(t, exp, nil, spanbatch.WithExportTimeout(d))
		endSpans(tp, 1)
		if err := tp.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(exp.left) != 1 || exp.left[0] <= spanbatch.DefaultExportTimeout-5*time.Second || exp.left[0] > spanbatch.DefaultExportTimeout {
			t.Errorf("WithExportTimeout(%v): time left per export %v, want about %v", d, exp.left, spanbatch.DefaultExportTimeout)
		}
	}
}

// TestWarnsAboutLosses: spans lost in failed exports are reported on the warning writer, with
// the last export error, at the latest at Shutdown.
func TestWarnsAboutLosses(t *testing.T) {
	warnings := &testkit.SyncBuffer{}
	exp := &recExporter{err: errors.New("collector said no")}
	p, tp := newProcessor(t, exp, spanbatch.WithWarningWriter(warnings))
	endSpans(tp, 3)
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.DroppedExportFailed != 3 {
		t.Fatalf("stats %+v, want 3 spans in failed exports", s)
	}
	w := warnings.String()
	if !strings.Contains(w, "obskit spanbatch: WARNING: dropped 3 spans") || !strings.Contains(w, "export failed: 3") ||
		!strings.Contains(w, "collector said no") || strings.Count(w, "\n") != 1 {
		t.Errorf("warnings = %q, want one warning with the 3 spans and the export error", w)
	}
}
