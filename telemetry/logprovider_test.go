package telemetry_test

import (
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/log/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// counter collects reader and returns the sum of the named counter's points whose reason
// attribute is reason ("" for every point), and whether the counter was there.
func counter(t *testing.T, reader *sdkmetric.ManualReader, name, reason string) (int64, bool) {
	t.Helper()
	rm := testkit.Collect(t, reader)
	var match []attribute.KeyValue
	if reason != "" {
		match = append(match, attribute.String("error.type", reason))
	}
	return testkit.SumInt64(rm, name, match...), len(testkit.Int64Points(rm, name)) > 0
}

// eventually polls cond for up to 5 seconds.
func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

var dropWarning = regexp.MustCompile(`WARNING: dropped \d+ log records`)

func TestFullQueueDropsCountsAndWarns(t *testing.T) {
	exp := &memLogs{block: make(chan struct{})} // the "network" is stuck
	reader := sdkmetric.NewManualReader()
	var diag, console testkit.SyncBuffer
	// The smallest queue: one batch of 2 records.
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "text", "OTEL_BLRP_MAX_QUEUE_SIZE": "1",
		"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "2", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none"},
		telemetry.WithLogExporter(exp), telemetry.WithMetricReader(reader),
		telemetry.WithDiagnostics(&diag), telemetry.WithConsoleWriter(&console))

	const sent = 100
	start := time.Now()
	for range sent {
		tel.Logger().Info("x")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("%d logging calls against a stuck exporter took %v", sent, d)
	}
	// At most one batch (2 records) is kept.
	if got, _ := counter(t, reader, "otel.sdk.processor.log.processed", "queue_full"); got < sent-2 || got > sent {
		t.Errorf("otel.sdk.processor.log.processed{error.type=queue_full} = %d, want %d..%d", got, sent-2, sent)
	}
	if !eventually(func() bool { return dropWarning.MatchString(diag.String()) }) {
		t.Fatalf("no drop warning on the diagnostics writer: %q", diag.String())
	}
	if n := len(dropWarning.FindAllString(diag.String(), -1)); n != 1 {
		t.Errorf("got %d drop warnings, want 1 (rate-limited): %q", n, diag.String())
	}
	if strings.Contains(console.String(), "dropped") {
		t.Errorf("the drop warning went to the console log: %q", console.String())
	}

	// Once the exporter recovers, every record is accounted for: sent = delivered + dropped.
	close(exp.block)
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	full, _ := counter(t, reader, "otel.sdk.processor.log.processed", "queue_full")
	shutdown, _ := counter(t, reader, "otel.sdk.processor.log.processed", "shutdown")
	dropped := full + shutdown
	emitted, _ := counter(t, reader, "otel.sdk.log.created", "")
	if delivered := int64(len(exp.all())); emitted != sent || delivered+dropped != sent {
		t.Errorf("emitted %d, delivered %d + dropped %d, want %d = delivered + dropped", emitted, delivered, dropped, sent)
	}
}

func TestBlockingModeLosesNothing(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		opts []telemetry.Option
	}{
		{"OBSKIT_LOG_BLOCK", map[string]string{"OBSKIT_LOG_BLOCK": "true"}, nil},
		{"WithBlockingLogs", nil, []telemetry.Option{telemetry.WithBlockingLogs()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			exp := &memLogs{}
			reader := sdkmetric.NewManualReader()
			env := map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OTEL_BLRP_MAX_QUEUE_SIZE": "1",
				"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "2", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none"}
			for k, v := range tt.env {
				env[k] = v
			}
			tel := setup(t, env, append(tt.opts, telemetry.WithLogExporter(exp), telemetry.WithMetricReader(reader))...)
			const sent = 2000
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for range sent / 4 {
						tel.Logger().Info("x")
					}
				})
			}
			wg.Wait()
			if err := tel.ForceFlush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := len(exp.all()); got != sent {
				t.Errorf("exported %d records, want %d", got, sent)
			}
			if got, found := counter(t, reader, "otel.sdk.processor.log.processed", "queue_full"); got != 0 || !found {
				t.Errorf("otel.sdk.processor.log.processed{error.type=queue_full} = %d (reported: %t), want 0", got, found)
			}
		})
	}
}

// TestShutdownDeadlineSaysWhatWasLost: when the exporter is stuck past Shutdown's deadline,
// Shutdown returns, in time, an error that says how many records were not exported, and so do
// later calls.
func TestShutdownDeadlineSaysWhatWasLost(t *testing.T) {
	exp := &memLogs{block: make(chan struct{})}
	defer close(exp.block)
	env := map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none"}
	tel, err := telemetry.Setup(context.Background(), config(t, env),
		telemetry.WithLogExporter(exp), telemetry.WithDiagnostics(&testkit.SyncBuffer{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		tel.Logger().Info("x")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = tel.Shutdown(ctx)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Shutdown took %v with a 300ms deadline", d)
	}
	if err == nil || !strings.Contains(err.Error(), "10 log records not exported") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown error %v, want one saying 10 log records were not exported", err)
	}
	if again := tel.Shutdown(context.Background()); again == nil || again.Error() != err.Error() {
		t.Errorf("second Shutdown returned %v, want the first call's %v", again, err)
	}
}

// shutdownRecorder records, in order, which signal's exporter was shut down.
type shutdownRecorder struct {
	mu    sync.Mutex
	order []string
}

func (r *shutdownRecorder) add(sig string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = append(r.order, sig)
}

type recordingLogs struct {
	memLogs
	r *shutdownRecorder
}

func (e *recordingLogs) Shutdown(context.Context) error { e.r.add("logs"); return nil }

type recordingSpans struct {
	sdktrace.SpanExporter
	r *shutdownRecorder
}

func (e recordingSpans) Shutdown(context.Context) error { e.r.add("traces"); return nil }

type recordingMetrics struct {
	sdkmetric.Exporter
	r *shutdownRecorder
}

func (e recordingMetrics) Shutdown(context.Context) error { e.r.add("metrics"); return nil }

func TestShutdownOrderLogsTracesMetrics(t *testing.T) {
	rec := &shutdownRecorder{}
	metricExp, err := stdoutmetric.New(stdoutmetric.WithWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false"}
	tel, err := telemetry.Setup(context.Background(), config(t, env),
		telemetry.WithLogExporter(&recordingLogs{r: rec}),
		telemetry.WithSpanExporter(recordingSpans{SpanExporter: tracetest.NewNoopExporter(), r: rec}),
		telemetry.WithMetricReader(sdkmetric.NewPeriodicReader(recordingMetrics{Exporter: metricExp, r: rec})))
	if err != nil {
		t.Fatal(err)
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := tel.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"logs", "traces", "metrics"}; !slices.Equal(rec.order, want) {
		t.Errorf("shut down %v, want %v once each", rec.order, want)
	}
}

// TestNoLogExporterMeansNoPipeline: with OTEL_LOGS_EXPORTER=none the Logger writes to the
// console only, and there is no log pipeline (nothing is queued, so nothing is counted).
func TestNoLogExporterMeansNoPipeline(t *testing.T) {
	var console testkit.SyncBuffer
	reader := sdkmetric.NewManualReader()
	tel := setup(t, map[string]string{"OTEL_LOGS_EXPORTER": "none", "OBSKIT_RUNTIME_METRICS": "false"},
		telemetry.WithConsoleWriter(&console), telemetry.WithMetricReader(reader))
	tel.Logger().Info("console only")
	if _, ok := tel.LoggerProvider().(noop.LoggerProvider); !ok {
		t.Errorf("LoggerProvider is %T, want the no-op one", tel.LoggerProvider())
	}
	if !strings.Contains(console.String(), "console only") {
		t.Errorf("console: %q", console.String())
	}
	if points := testkit.Int64Points(testkit.Collect(t, reader), "otel.sdk.processor.log.processed"); len(points) > 0 {
		t.Errorf("otel.sdk.processor.log.processed reported without a log pipeline: %v", points)
	}
}

func TestLogRecordAttributeLimits(t *testing.T) {
	exp := &memLogs{}
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none",
		"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "2", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "3"},
		telemetry.WithLogExporter(exp))
	tel.Logger().Info("limited", "a", "abcdef", "b", "x", "c", "y", "d", "z")
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := byBody(exp.all(), "limited")
	if r == nil {
		t.Fatalf("record not exported: %v", exp.all())
	}
	if got := otelAttrs(r); len(got) != 2 || got["a"] != "abc" || r.GetDroppedAttributesCount() != 2 {
		t.Errorf("attributes %v, dropped %d; want a=abc and one more, 2 dropped", got, r.GetDroppedAttributesCount())
	}

	for _, v := range []string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT"} {
		_, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(map[string]string{v: "-1"}))
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("%s=-1: error %v, want one naming the variable", v, err)
		}
	}
}

// countingLogs counts the records of the batches it exports, after gate (if set) is closed.
type countingLogs struct {
	gate    chan struct{}
	mu      sync.Mutex
	records int
}

func (c *countingLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	select {
	case <-c.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records += b.Len()
	return nil
}

func (c *countingLogs) Shutdown(context.Context) error { return nil }

// TestBurstFitsTheDefaultQueue: with the default configuration, a burst of 200,000 records
// (a message, 4 attributes, trace context) logged while the exporter stalls is held whole,
// then delivered whole.
func TestBurstFitsTheDefaultQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("200,000 records take seconds under the race detector")
	}
	exp := &countingLogs{gate: make(chan struct{})}
	reader := sdkmetric.NewManualReader()
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none"},
		telemetry.WithLogExporter(exp), telemetry.WithMetricReader(reader), telemetry.WithDiagnostics(&testkit.SyncBuffer{}))
	const burst = 200_000
	ctx := benchContext()
	for range burst {
		benchCall(ctx, tel.Logger())
	}
	if dropped := testkit.ReadLogPipeline(testkit.Collect(t, reader)).LostTotal(); dropped != 0 {
		t.Fatalf("the default queue dropped %d of %d records while the exporter stalled", dropped, burst)
	}
	close(exp.gate)
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	exp.mu.Lock()
	defer exp.mu.Unlock()
	if exp.records != burst {
		t.Errorf("delivered %d records, want %d", exp.records, burst)
	}
}
