package logpipe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
)

// testExporter decodes every batch it is given (so a malformed request
// fails the test) and counts the records. Before returning it waits for
// gate (if set) and then returns err.
type testExporter struct {
	gate    chan struct{}
	delay   time.Duration
	err     error
	records atomic.Int64
	batches atomic.Int64
	bad     atomic.Value // first decoding error
}

func (e *testExporter) Export(ctx context.Context, b *logpipe.Batch) error {
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(b.Request(), &req); err != nil {
		e.bad.CompareAndSwap(nil, err)
	}
	n := 0
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += len(sl.GetLogRecords())
		}
	}
	if n != b.Len() {
		e.bad.CompareAndSwap(nil, fmt.Errorf("request has %d records, batch says %d", n, b.Len()))
	}
	if e.gate != nil {
		select {
		case <-e.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if e.delay > 0 {
		time.Sleep(e.delay)
	}
	if e.err != nil {
		return e.err
	}
	e.records.Add(int64(n))
	e.batches.Add(1)
	return nil
}

func (e *testExporter) Shutdown(context.Context) error { return nil }

func (e *testExporter) check(t *testing.T) {
	t.Helper()
	if err, _ := e.bad.Load().(error); err != nil {
		t.Fatalf("exporter got a bad request: %v", err)
	}
}

func newTestProvider(t *testing.T, exp logpipe.Exporter, opts ...logpipe.Option) (*logpipe.Provider, *sdkmetric.ManualReader, *testkit.SyncBuffer) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	warnings := &testkit.SyncBuffer{}
	opts = append([]logpipe.Option{
		logpipe.WithResource(resource.Empty()),
		logpipe.WithMeterProvider(mp),
		logpipe.WithWarningWriter(warnings),
	}, opts...)
	p, err := logpipe.NewProvider(exp, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p, reader, warnings
}

func emitN(lp log.LoggerProvider, goroutines, perGoroutine int) {
	l := lp.Logger("test")
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				var r log.Record
				r.SetTimestamp(time.Now())
				r.SetSeverity(log.SeverityInfo)
				r.SetBody(attribute.StringValue("message"))
				r.AddAttributes(attribute.Int("g", g), attribute.Int("i", i))
				l.Emit(context.Background(), r)
			}
		})
	}
	wg.Wait()
}

// checkAccounting asserts sent = delivered + dropped + unknown, with nothing queued.
func checkAccounting(t *testing.T, s logpipe.Stats, sent int, delivered int64) {
	t.Helper()
	if s.Emitted != uint64(sent) {
		t.Errorf("Emitted = %d, want %d", s.Emitted, sent)
	}
	if s.Exported != uint64(delivered) {
		t.Errorf("Exported = %d, but the exporter delivered %d", s.Exported, delivered)
	}
	if s.Exported+s.Dropped+s.Unknown != uint64(sent) || s.Queued != 0 {
		t.Errorf("sent %d != exported %d + dropped %d + unknown %d (queued %d): %+v", sent, s.Exported, s.Dropped, s.Unknown, s.Queued, s)
	}
	if sum := s.DroppedQueueFull + s.DroppedExportFailed + s.DroppedRejected + s.DroppedShutdown; sum != s.Dropped {
		t.Errorf("dropped reasons sum to %d, Dropped = %d", sum, s.Dropped)
	}
}

// collectMetrics returns otel.sdk.processor.log.processed by error.type ("" for the records
// handed to the exporter) and otel.sdk.log.created, as collected by reader.
func collectMetrics(t *testing.T, reader *sdkmetric.ManualReader) (processed map[string]int64, created int64) {
	t.Helper()
	rm := testkit.Collect(t, reader)
	return testkit.SumInt64By(rm, "otel.sdk.processor.log.processed", "error.type"),
		testkit.SumInt64(rm, "otel.sdk.log.created")
}

func TestShutdownExportsEverything(t *testing.T) {
	exp := &testExporter{}
	p, reader, _ := newTestProvider(t, exp, logpipe.WithExportInterval(time.Hour), logpipe.WithBatchSize(100))
	emitN(p, 4, 2500)
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	processed, created := collectMetrics(t, reader)
	if created != 10000 || processed[""] != 10000 || processed["queue_full"]+processed["shutdown"] != 0 {
		t.Fatalf("after ForceFlush: created %d, processed %v; want 10000 handed to the exporter, none dropped", created, processed)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.check(t)
	checkAccounting(t, p.Stats(), 10000, exp.records.Load())
	if exp.records.Load() != 10000 {
		t.Fatalf("delivered %d records, want 10000", exp.records.Load())
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := p.ForceFlush(context.Background()); !errors.Is(err, logpipe.ErrShutdown) {
		t.Fatalf("ForceFlush after Shutdown = %v, want ErrShutdown", err)
	}
}

func TestForceFlush(t *testing.T) {
	exp := &testExporter{}
	p, _, _ := newTestProvider(t, exp, logpipe.WithExportInterval(time.Hour))
	defer p.Shutdown(context.Background())
	emitN(p, 1, 10)
	if got := exp.records.Load(); got != 0 {
		t.Fatalf("exported %d records before the interval or a flush", got)
	}
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := exp.records.Load(); got != 10 {
		t.Fatalf("after ForceFlush exported %d records, want 10", got)
	}
}

func TestExportInterval(t *testing.T) {
	exp := &testExporter{}
	p, _, _ := newTestProvider(t, exp, logpipe.WithExportInterval(20*time.Millisecond))
	defer p.Shutdown(context.Background())
	emitN(p, 1, 3)
	deadline := time.Now().Add(5 * time.Second)
	for exp.records.Load() != 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := exp.records.Load(); got != 3 {
		t.Fatalf("exported %d records after the interval, want 3", got)
	}
}

func TestShutdownDeadlineReportsLoss(t *testing.T) {
	exp := &testExporter{gate: make(chan struct{})} // never opens
	p, _, _ := newTestProvider(t, exp)
	emitN(p, 1, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := p.Shutdown(ctx)
	if err == nil || !strings.Contains(err.Error(), "100 log records not exported") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want it to report 100 records not exported and the deadline", err)
	}
	checkAccounting(t, p.Stats(), 100, exp.records.Load())
}

func TestQueueFullDropsAndCounts(t *testing.T) {
	exp := &testExporter{gate: make(chan struct{})}
	p, reader, warnings := newTestProvider(t, exp,
		logpipe.WithQueueBytes(4<<10), logpipe.WithBatchBytes(1<<10), logpipe.WithWorkers(1), logpipe.WithShards(1))
	start := time.Now()
	emitN(p, 2, 1000)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("logging took %v with a stuck exporter: it must not block", d)
	}
	s := p.Stats()
	if s.DroppedQueueFull == 0 || s.Emitted != 2000 {
		t.Fatalf("with a full queue: %+v, want drops counted", s)
	}
	// The drop is visible without the pipeline: metric and stderr warning.
	processed, _ := collectMetrics(t, reader)
	if processed["queue_full"] != int64(s.DroppedQueueFull) {
		t.Errorf("processed metric = %v, stats say %d queue_full", processed, s.DroppedQueueFull)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(warnings.String(), "dropped") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if w := warnings.String(); !strings.Contains(w, "obskit logpipe: WARNING: dropped") || strings.Count(w, "\n") != 1 {
		t.Errorf("warnings = %q, want exactly one (rate-limited) drop warning", w)
	}
	close(exp.gate)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.check(t)
	checkAccounting(t, p.Stats(), 2000, exp.records.Load())
}

func TestBlockingLosesNothing(t *testing.T) {
	exp := &testExporter{delay: time.Millisecond}
	p, _, _ := newTestProvider(t, exp, logpipe.WithBlocking(),
		logpipe.WithQueueBytes(4<<10), logpipe.WithBatchBytes(1<<10), logpipe.WithWorkers(1))
	emitN(p, 4, 500)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	checkAccounting(t, s, 2000, exp.records.Load())
	if s.Dropped != 0 {
		t.Fatalf("blocking pipeline dropped %d records", s.Dropped)
	}
}

func TestBlockedCallerReleasedByShutdown(t *testing.T) {
	exp := &testExporter{gate: make(chan struct{})}
	p, _, _ := newTestProvider(t, exp, logpipe.WithBlocking(),
		logpipe.WithQueueBytes(1<<10), logpipe.WithBatchBytes(1<<10), logpipe.WithWorkers(1), logpipe.WithShards(1))
	done := make(chan struct{})
	go func() {
		emitN(p, 1, 1000)
		close(done)
	}()
	time.Sleep(50 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("logging with a stuck exporter and WithBlocking did not block")
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := p.Shutdown(ctx); err == nil {
		t.Error("Shutdown with a stuck exporter returned no error")
	}
	<-done
	checkAccounting(t, p.Stats(), 1000, exp.records.Load())
}

func TestExportFailureCounted(t *testing.T) {
	exp := &testExporter{err: errors.New("collector said no")}
	p, reader, warnings := newTestProvider(t, exp)
	emitN(p, 1, 50)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	checkAccounting(t, s, 50, 0)
	if s.DroppedExportFailed != 50 {
		t.Errorf("DroppedExportFailed = %d, want 50", s.DroppedExportFailed)
	}
	if w := warnings.String(); !strings.Contains(w, "export failed: 50") || !strings.Contains(w, "collector said no") {
		t.Errorf("warning = %q, want the failure and its error", w)
	}
	// The processor counts the records it handed to the exporter; the failure is the
	// exporter's to count (exporters' decorators do), so that it is counted once.
	if processed, _ := collectMetrics(t, reader); processed[""] != 50 || len(processed) != 3 || processed["queue_full"]+processed["shutdown"] != 0 {
		t.Errorf("processed metric = %v, want 50 handed to the exporter and no error.type", processed)
	}
}

type partialExporter struct{ testExporter }

func (e *partialExporter) Export(ctx context.Context, b *logpipe.Batch) error {
	return &logpipe.PartialSuccessError{Rejected: 2, Message: "too old"}
}

func TestPartialSuccessCounted(t *testing.T) {
	exp := &partialExporter{}
	p, _, _ := newTestProvider(t, exp, logpipe.WithBatchSize(10), logpipe.WithShards(1))
	emitN(p, 1, 30)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := p.Stats()
	if s.DroppedRejected != 6 || s.Exported != 24 || s.Emitted != 30 {
		t.Fatalf("stats = %+v, want 6 rejected and 24 exported", s)
	}
}

func TestEmitAfterShutdown(t *testing.T) {
	exp := &testExporter{}
	p, _, _ := newTestProvider(t, exp)
	l := p.Logger("late")
	if !l.Enabled(context.Background(), log.EnabledParameters{}) {
		t.Error("Enabled = false before Shutdown")
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l.Enabled(context.Background(), log.EnabledParameters{}) {
		t.Error("Enabled = true after Shutdown")
	}
	emitN(p, 1, 5)
	s := p.Stats()
	checkAccounting(t, s, 5, 0)
	if s.DroppedShutdown != 5 {
		t.Errorf("DroppedShutdown = %d, want 5", s.DroppedShutdown)
	}
}

func TestLoggerPerScope(t *testing.T) {
	p, _, _ := newTestProvider(t, &testExporter{})
	defer p.Shutdown(context.Background())
	a := p.Logger("a", log.WithInstrumentationVersion("1"))
	if p.Logger("a", log.WithInstrumentationVersion("1")) != a {
		t.Error("same scope gave a different Logger")
	}
	if p.Logger("a", log.WithInstrumentationVersion("2")) == a {
		t.Error("different version gave the same Logger")
	}
}

// TestAccountingUnderContention logs from many goroutines, beside a busy
// goroutine per core, into a small queue with a slow exporter, and checks
// that every record is either delivered or counted as dropped.
func TestAccountingUnderContention(t *testing.T) {
	exp := &testExporter{delay: 2 * time.Millisecond}
	p, _, _ := newTestProvider(t, exp, logpipe.WithQueueBytes(16<<10), logpipe.WithBatchBytes(2<<10))
	stop := busyLoops(true)
	emitN(p, 8, 2000)
	stop()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.check(t)
	s := p.Stats()
	checkAccounting(t, s, 16000, exp.records.Load())
	t.Logf("delivered %d, dropped %d (%.1f%%)", s.Exported, s.Dropped, 100*float64(s.Dropped)/float64(s.Emitted))
}

// TestBurstFitsDefaultQueue logs the 200,000-record burst of the benchmarks
// with default settings while the exporter is stalled: the default queue
// must hold all of it, so nothing is dropped.
func TestBurstFitsDefaultQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 records take seconds under the race detector")
	}
	exp := &testExporter{gate: make(chan struct{})}
	p, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(otelslog.NewHandler("burst", otelslog.WithLoggerProvider(p)))
	ctx := spanContext()
	for range burstRecords {
		logCall(ctx, logger)
	}
	if s := p.Stats(); s.Dropped != 0 {
		t.Fatalf("default queue dropped %d of %d records while the exporter stalled", s.Dropped, burstRecords)
	}
	close(exp.gate)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.check(t)
	checkAccounting(t, p.Stats(), burstRecords, exp.records.Load())
}

// TestMetricsReportFinalCountsAfterShutdown: telemetry shuts the log pipeline down before the
// MeterProvider, so the last metric collection must still see every record.
func TestMetricsReportFinalCountsAfterShutdown(t *testing.T) {
	exp := &testExporter{}
	p, reader, _ := newTestProvider(t, exp, logpipe.WithExportInterval(time.Hour), logpipe.WithBatchSize(100))
	emitN(p, 2, 1500)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	processed, created := collectMetrics(t, reader)
	if created != 3000 || processed[""] != 3000 || processed["queue_full"]+processed["shutdown"] != 0 {
		t.Fatalf("after Shutdown: created %d, processed %v; want 3000 handed to the exporter, none dropped", created, processed)
	}
}

// TestOptionsZeroNegativeNil: a nil option is skipped, and zero or negative sizes, counts and
// durations mean the defaults: the queue's capacity is that of the default queue.
func TestOptionsZeroNegativeNil(t *testing.T) {
	exp := &testExporter{}
	p, reader, _ := newTestProvider(t, exp, nil, logpipe.WithQueueBytes(0), logpipe.WithBatchBytes(-1),
		logpipe.WithBatchSize(0), logpipe.WithWorkers(-1), logpipe.WithShards(0),
		logpipe.WithExportInterval(-time.Second), logpipe.WithExportTimeout(0), logpipe.WithWarningInterval(-1))
	emitN(p, 2, 500)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, p.Stats(), 1000, exp.records.Load())
	want := int64(logpipe.DefaultQueueBytes / logpipe.DefaultBatchBytes * logpipe.DefaultBatchSize)
	if got := testkit.SumInt64(testkit.Collect(t, reader), "otel.sdk.processor.log.queue.capacity"); got != want {
		t.Errorf("queue capacity %d records, want the default queue's %d", got, want)
	}
}

// TestNilWarningWriterIsStderr: WithWarningWriter(nil) means the default writer, os.Stderr,
// not discarding the warnings.
func TestNilWarningWriterIsStderr(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stderr := os.Stderr
	os.Stderr = f // read by NewProvider only
	p, err := logpipe.NewProvider(&testExporter{err: errors.New("collector said no")},
		logpipe.WithResource(resource.Empty()), logpipe.WithWarningWriter(nil))
	os.Stderr = stderr
	if err != nil {
		t.Fatal(err)
	}
	emitN(p, 1, 10)
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	if !strings.Contains(string(got), "obskit logpipe: WARNING: dropped 10 log records") {
		t.Errorf("stderr = %q, want the drop warning", got)
	}
}
