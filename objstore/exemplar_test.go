package objstore_test

import (
	"bytes"
	"context"
	"testing"

	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/esper-platform/obskit/objstore"
)

// TestExemplarsOnlyOnDuration: the duration histogram carries exemplars linking latency to the
// operation's trace; the counters carry none (each would cost an exemplar capture per operation).
func TestExemplarsOnlyOnDuration(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	if err := h.bucket.Put(ctx, "a/b", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatal(err)
	}
	span := h.span(t)
	m := h.metrics(t)

	hist, ok := m[objstore.MetricDuration].Data.(metricdata.Histogram[float64])
	if !ok || len(hist.DataPoints) == 0 || len(hist.DataPoints[0].Exemplars) == 0 {
		t.Fatalf("%s has no exemplar: %+v", objstore.MetricDuration, m[objstore.MetricDuration].Data)
	}
	ex := hist.DataPoints[0].Exemplars[0]
	if tid := span.SpanContext.TraceID(); !bytes.Equal(ex.TraceID, tid[:]) {
		t.Errorf("exemplar trace id %x, want %s", ex.TraceID, tid)
	}
	for _, name := range []string{objstore.MetricOperations, objstore.MetricBytes, objstore.MetricInflight} {
		sum, ok := m[name].Data.(metricdata.Sum[int64])
		if !ok || len(sum.DataPoints) == 0 {
			t.Fatalf("%s missing", name)
		}
		for _, dp := range sum.DataPoints {
			if len(dp.Exemplars) != 0 {
				t.Errorf("%s carries %d exemplars, want none", name, len(dp.Exemplars))
			}
		}
	}
}
