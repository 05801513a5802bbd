package selfobs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testkit"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

func TestNewComponentNumbersEachType(t *testing.T) {
	const typ = otelconv.ComponentTypeAttr("selfobs_test_component")
	a, b := NewComponent(typ), NewComponent(typ)
	if a.Name != "selfobs_test_component/0" || b.Name != "selfobs_test_component/1" || a.Type != typ {
		t.Errorf("components %+v, %+v; want /0 and /1", a, b)
	}
}

func TestWarnerDefaults(t *testing.T) {
	w := NewWarner(nil, -1, nil)
	if w.w != os.Stderr || w.interval != DefaultWarningInterval || w.now == nil {
		t.Errorf("NewWarner(nil, -1, nil) = %+v, want stderr, the default interval and time.Now", w)
	}
}

func TestWarnerRateLimitsLosses(t *testing.T) {
	var buf testkit.SyncBuffer
	now := time.Unix(1000, 0)
	w := NewWarner(&buf, 10*time.Second, func() time.Time { return now })
	msg := func(since uint64) string { return "lost " + strings.Repeat("x", int(since)) }
	steps := []struct {
		total uint64
		force bool
		step  time.Duration
		wrote bool
	}{
		{0, false, 0, false},           // nothing lost
		{2, false, 0, true},            // first loss: written at once
		{3, false, time.Second, false}, // within the interval
		{3, false, 10 * time.Second, true},
		{3, false, 20 * time.Second, false}, // nothing new
		{5, true, 0, true},                  // forced
	}
	for i, s := range steps {
		now = now.Add(s.step)
		if got := w.Loss(s.total, s.force, msg); got != s.wrote {
			t.Errorf("step %d: Loss(%d, %t) = %t, want %t", i, s.total, s.force, got, s.wrote)
		}
	}
	if got, want := buf.String(), "lost xx\nlost x\nlost xx\n"; got != want {
		t.Errorf("warnings %q, want %q", got, want)
	}
	if w.Warn(func() string { return "other" }) {
		t.Error("Warn right after the forced warning wrote")
	}
	now = now.Add(10 * time.Second)
	if !w.Warn(func() string { return "other" }) {
		t.Error("Warn after the interval wrote nothing")
	}
}

func TestProcessorFreezesFinalCounts(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	counts := ProcessorCounts{Created: 10, Processed: 6, QueueFull: 3, Shutdown: 1}
	calls := 0
	p, err := RegisterProcessor(mp, "test", Logs, NewComponent(otelconv.ComponentTypeBatchingLogProcessor), 100,
		func() ProcessorCounts { calls++; return counts })
	if err != nil {
		t.Fatal(err)
	}
	p.Freeze()
	counts.Processed = 999 // after Freeze, the read function is not called any more
	rm := testkit.Collect(t, reader)
	got := testkit.SumInt64By(rm, "otel.sdk.processor.log.processed", "error.type")
	if got[""] != 6 || got[ErrorQueueFull] != 3 || got[ErrorShutdown] != 1 || calls != 1 {
		t.Errorf("processed %v after %d reads, want 6, queue_full 3, shutdown 1 after one", got, calls)
	}
	if c := testkit.SumInt64(rm, "otel.sdk.log.created"); c != 10 {
		t.Errorf("otel.sdk.log.created = %d, want 10", c)
	}
	if c := testkit.SumInt64(rm, "otel.sdk.processor.log.queue.capacity", attribute.String("otel.component.type", "batching_log_processor")); c != 100 {
		t.Errorf("queue.capacity = %d, want 100", c)
	}
}

func TestExporterCountsByOutcome(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	e := NewExporter(Spans, NewComponent(otelconv.ComponentTypeOtlpGRPCSpanExporter))
	if err := e.Register(mp, "test"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		n, rejected int
		err         error
	}{
		{5, 0, nil}, {4, 1, nil}, {2, 0, context.DeadlineExceeded}, {3, 0, context.Canceled}, {7, 0, errors.New("boom")},
	} {
		e.End(e.Start(r.n), r.n, r.rejected, r.err)
	}
	e.Start(6) // one export in flight
	rm := testkit.Collect(t, reader)
	got := testkit.SumInt64By(rm, "otel.sdk.exporter.span.exported", "error.type")
	want := map[string]int64{"": 8, ErrorRejected: 1, ErrorTimeout: 2, ErrorCanceled: 3, "_OTHER": 7}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("exported[%q] = %d, want %d (all %v)", k, got[k], v, got)
		}
	}
	if n := testkit.SumInt64(rm, "otel.sdk.exporter.span.inflight"); n != 6 {
		t.Errorf("inflight = %d, want 6", n)
	}
	durations := map[string]uint64{}
	for _, dp := range testkit.MetricsByName(rm)["otel.sdk.exporter.operation.duration"].Data.(metricdata.Histogram[float64]).DataPoints {
		v, _ := dp.Attributes.Value("error.type")
		durations[v.AsString()] += dp.Count
	}
	if want := map[string]uint64{"": 1, ErrorRejected: 1, ErrorTimeout: 1, ErrorCanceled: 1, "_OTHER": 1}; !maps.Equal(durations, want) {
		t.Errorf("operation.duration counts by error.type %v, want %v", durations, want)
	}
	// Registering again (with another MeterProvider) keeps the counts.
	reader2 := sdkmetric.NewManualReader()
	mp2 := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader2))
	defer func() { _ = mp2.Shutdown(context.Background()) }()
	if err := e.Register(mp2, "test"); err != nil {
		t.Fatal(err)
	}
	if n := testkit.SumInt64(testkit.Collect(t, reader2), "otel.sdk.exporter.span.exported"); n != 21 {
		t.Errorf("after Register on another provider: %d items, want 21", n)
	}
	if n := len(testkit.Int64Points(testkit.Collect(t, reader), "otel.sdk.exporter.span.exported")); n != 0 {
		t.Errorf("the first provider still reports %d points after the second Register", n)
	}
}

func TestExporterEndPartial(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	e := NewExporter(Logs, NewComponent(otelconv.ComponentTypeOtlpGRPCLogExporter))
	if err := e.Register(mp, "test"); err != nil {
		t.Fatal(err)
	}
	e.EndPartial(e.Start(10), 10, Partial{Rejected: 2, TooLarge: 1, Failed: 3, Err: fmt.Errorf("x: %w", ErrShutdownDeadline)})
	e.EndPartial(e.Start(4), 4, Partial{Rejected: 9}) // clamped to the items
	got := testkit.SumInt64By(testkit.Collect(t, reader), "otel.sdk.exporter.log.exported", "error.type")
	want := map[string]int64{"": 4, ErrorRejected: 6, ErrorTooLarge: 1, ErrorShutdownDeadline: 3}
	if !maps.Equal(got, want) {
		t.Errorf("exported by error.type %v, want %v", got, want)
	}
	if ok, failed, unknown := e.Exported(); ok != 4 || failed != 7 || unknown != 3 {
		t.Errorf("Exported() = %d, %d, %d; want 4, 7, 3", ok, failed, unknown)
	}
}
