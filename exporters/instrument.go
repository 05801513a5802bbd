package exporters

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/esper-platform/obskit/exporters/logpipe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// ScopeName is the instrumentation scope of the metrics this package emits.
const ScopeName = "github.com/esper-platform/obskit/exporters"

// Names of the metrics this package emits, and of their attributes.
const (
	// MetricExported counts the items (spans, metric data points, log records) handed to an
	// exporter; those that failed carry error.type.
	MetricExported = "obskit.exporter.exported"
	// MetricFailures counts failed export calls.
	MetricFailures = "obskit.exporter.failures"

	AttrSignal    = "obskit.signal"
	AttrExporter  = "obskit.exporter"
	AttrErrorType = "error.type"
)

// instrumentation records one exporter's metrics. Its attribute sets are built once.
type instrumentation struct {
	exported metric.Int64Counter
	failures metric.Int64Counter
	ok       metric.AddOption
	timeout  metric.AddOption
	canceled metric.AddOption
	other    metric.AddOption
}

func newInstrumentation(mp metric.MeterProvider, sig Signal, exporter string) *instrumentation {
	m := mp.Meter(ScopeName)
	// Instrument errors only come from invalid names and units, which are constants here;
	// a nil-safe noop instrument is returned alongside, so they are ignored.
	exported, _ := m.Int64Counter(MetricExported, metric.WithUnit("{item}"),
		metric.WithDescription("Items (spans, metric data points, log records) handed to an exporter; failed ones carry error.type."))
	failures, _ := m.Int64Counter(MetricFailures, metric.WithUnit("{export}"),
		metric.WithDescription("Export calls that failed."))
	base := []attribute.KeyValue{attribute.String(AttrSignal, string(sig)), attribute.String(AttrExporter, exporter)}
	with := func(errType string) metric.AddOption {
		return metric.WithAttributeSet(attribute.NewSet(append(base[:2:2], attribute.String(AttrErrorType, errType))...))
	}
	return &instrumentation{
		exported: exported,
		failures: failures,
		ok:       metric.WithAttributeSet(attribute.NewSet(base...)),
		timeout:  with("timeout"),
		canceled: with("canceled"),
		other:    with("_OTHER"),
	}
}

func (i *instrumentation) record(ctx context.Context, n int, err error) {
	ctx = context.WithoutCancel(ctx)
	if err == nil {
		if n > 0 {
			i.exported.Add(ctx, int64(n), i.ok)
		}
		return
	}
	opt := i.other
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		opt = i.timeout
	case errors.Is(err, context.Canceled):
		opt = i.canceled
	}
	i.exported.Add(ctx, int64(n), opt)
	i.failures.Add(ctx, 1, opt)
}

// instrumentedSpans decorates a SpanExporter with [MetricExported] and [MetricFailures].
type instrumentedSpans struct {
	sdktrace.SpanExporter
	inst *instrumentation
}

func (e instrumentedSpans) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.inst.record(ctx, len(spans), err)
	return err
}

// instrumentedLogs decorates a logpipe Exporter with [MetricExported] and [MetricFailures].
type instrumentedLogs struct {
	logpipe.Exporter
	inst *instrumentation
}

func (e instrumentedLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	n := b.Len()
	err := e.Exporter.Export(ctx, b)
	e.inst.record(ctx, n, err)
	return err
}

// instrumentedMetrics decorates a metric Exporter with [MetricExported] (in data points) and
// [MetricFailures]. Its instrumentation can be replaced once the MeterProvider that the
// exporter itself feeds exists (see [MetricReaders.SetMeterProvider]).
type instrumentedMetrics struct {
	sdkmetric.Exporter
	name string
	inst atomic.Pointer[instrumentation]
}

func (e *instrumentedMetrics) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	err := e.Exporter.Export(ctx, rm)
	e.inst.Load().record(ctx, dataPoints(rm), err)
	return err
}

// dataPoints counts the data points in rm.
func dataPoints(rm *metricdata.ResourceMetrics) int {
	n := 0
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				n += len(d.DataPoints)
			case metricdata.Sum[float64]:
				n += len(d.DataPoints)
			case metricdata.Gauge[int64]:
				n += len(d.DataPoints)
			case metricdata.Gauge[float64]:
				n += len(d.DataPoints)
			case metricdata.Histogram[int64]:
				n += len(d.DataPoints)
			case metricdata.Histogram[float64]:
				n += len(d.DataPoints)
			case metricdata.ExponentialHistogram[int64]:
				n += len(d.DataPoints)
			case metricdata.ExponentialHistogram[float64]:
				n += len(d.DataPoints)
			case metricdata.Summary:
				n += len(d.DataPoints)
			}
		}
	}
	return n
}
