package main

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/telemetry"
)

// point is what the tests read of a metric data point: its attributes and its value (the sum
// for a histogram), and the count for a histogram.
type point struct {
	attrs map[string]string
	value float64
	count uint64
}

// metricSink is a metric exporter that keeps the points of the last export of each metric, so
// that the final export made at shutdown can be read after the run.
type metricSink struct {
	mu     sync.Mutex
	points map[string][]point
}

func (m *metricSink) Temporality(k sdkmetric.InstrumentKind) metricdata.Temporality {
	return sdkmetric.DefaultTemporalitySelector(k)
}

func (m *metricSink) Aggregation(k sdkmetric.InstrumentKind) sdkmetric.Aggregation {
	return sdkmetric.DefaultAggregationSelector(k)
}

func (m *metricSink) Export(_ context.Context, rm *metricdata.ResourceMetrics) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.points == nil {
		m.points = map[string][]point{}
	}
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			var pts []point
			switch d := mt.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: float64(p.Value)})
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: p.Value})
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: float64(p.Sum), count: p.Count})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					pts = append(pts, point{attrs: attrMap(p.Attributes), value: p.Sum, count: p.Count})
				}
			}
			m.points[mt.Name] = pts
		}
	}
	return nil
}

func (m *metricSink) ForceFlush(context.Context) error { return nil }
func (m *metricSink) Shutdown(context.Context) error   { return nil }

// sum adds up the values (or, with counts, the counts) of metric name's points whose attributes
// include match.
func (m *metricSink) sum(name string, match map[string]string, counts bool) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var total float64
	for _, p := range m.points[name] {
		ok := true
		for k, v := range match {
			ok = ok && p.attrs[k] == v
		}
		switch {
		case !ok:
		case counts:
			total += float64(p.count)
		default:
			total += p.value
		}
	}
	return total
}

func attrMap(s attribute.Set) map[string]string {
	m := map[string]string{}
	for _, kv := range s.ToSlice() {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// recorders are the in-memory telemetry outputs of a test run.
type recorders struct {
	spans   *tracetest.InMemoryExporter
	metrics *metricSink
}

func newRecorders() *recorders {
	return &recorders{spans: tracetest.NewInMemoryExporter(), metrics: &metricSink{}}
}

func (r *recorders) options() []telemetry.Option {
	return []telemetry.Option{
		telemetry.WithSpanExporter(exampletest.KeepSpans(r.spans)),
		telemetry.WithMetricReader(sdkmetric.NewPeriodicReader(r.metrics, sdkmetric.WithInterval(time.Hour))),
	}
}
