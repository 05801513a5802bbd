package telemetry_test

import (
	"context"
	"sync"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/telemetry"
)

// gatedSpans is a span exporter that holds every export until its gate is closed.
type gatedSpans struct {
	gate chan struct{}
	mu   sync.Mutex
	n    int
}

func (g *gatedSpans) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	g.n += len(spans)
	g.mu.Unlock()
	return nil
}

func (g *gatedSpans) Shutdown(context.Context) error { return nil }

// TestSpanPipelineCountsDrops: Setup batches spans with the OTEL_BSP_* settings, and a span that
// finds the queue full is counted in otel.sdk.processor.span.processed{error.type=queue_full};
// once the exporter recovers, ended = exported + dropped.
func TestSpanPipelineCountsDrops(t *testing.T) {
	exp := &gatedSpans{gate: make(chan struct{})}
	reader := sdkmetric.NewManualReader()
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		"OTEL_TRACES_EXPORTER": "none", "OTEL_BSP_MAX_QUEUE_SIZE": "4", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "4",
		"OTEL_BSP_SCHEDULE_DELAY": "3600000"},
		telemetry.WithSpanExporter(exp), telemetry.WithMetricReader(reader))
	tr := tel.TracerProvider().Tracer("test")
	for range 10 {
		_, s := tr.Start(context.Background(), "op")
		s.End()
	}
	// The first 4 fill a batch and go to the (stuck) exporter; of the 6 others, 4 wait in the
	// queue and 2 are dropped, unless the goroutine has not yet taken the first batch (then 6).
	dropped, found := counter(t, reader, "otel.sdk.processor.span.processed", "queue_full")
	if !found || dropped < 2 || dropped > 6 {
		t.Errorf("otel.sdk.processor.span.processed{error.type=queue_full} = %d (found %v), want 2..6", dropped, found)
	}
	close(exp.gate)
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	// With the queue empty, every ended span was handed to the exporter or dropped.
	ended, _ := counter(t, reader, "otel.sdk.processor.span.processed", "")
	exported := ended - dropped
	exp.mu.Lock()
	delivered := int64(exp.n)
	exp.mu.Unlock()
	if ended != 10 || exported != delivered || exported+dropped != 10 {
		t.Errorf("ended %d, exported %d (exporter got %d), dropped %d; want 10 = exported + dropped", ended, exported, delivered, dropped)
	}
}
