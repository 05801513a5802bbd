package exporters

import (
	"context"
	"errors"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// ScopeName is the instrumentation scope of the metrics this package emits.
const ScopeName = "github.com/esper-platform/obskit/exporters"

// otlpComponentTypes are the semantic conventions' otel.component.type of the OTLP exporters,
// by signal and protocol.
var otlpComponentTypes = map[Signal]map[string]otelconv.ComponentTypeAttr{
	Traces:  {otlpconf.ProtocolGRPC: otelconv.ComponentTypeOtlpGRPCSpanExporter, otlpconf.ProtocolHTTPProtobuf: otelconv.ComponentTypeOtlpHTTPSpanExporter},
	Metrics: {otlpconf.ProtocolGRPC: otelconv.ComponentTypeOtlpGRPCMetricExporter, otlpconf.ProtocolHTTPProtobuf: otelconv.ComponentTypeOtlpHTTPMetricExporter},
	Logs:    {otlpconf.ProtocolGRPC: otelconv.ComponentTypeOtlpGRPCLogExporter, otlpconf.ProtocolHTTPProtobuf: otelconv.ComponentTypeOtlpHTTPLogExporter},
}

// componentType returns the otel.component.type of the exporter name of sig whose OTLP target
// (for otlp) is t: the semantic conventions' type for otlp, and obskit_<name>_<signal>_exporter
// (obskit_file_span_exporter …) for the others, which the conventions do not name.
func componentType(sig Signal, name string, t otlpconf.Target) otelconv.ComponentTypeAttr {
	if name == OTLP {
		return otlpComponentTypes[sig][t.Protocol]
	}
	item := map[Signal]string{Traces: "span", Metrics: "metric", Logs: "log"}[sig]
	return otelconv.ComponentTypeAttr("obskit_" + name + "_" + item + "_exporter")
}

// selfobsSignal maps a signal to the instruments its exporters report.
var selfobsSignal = map[Signal]selfobs.Signal{Traces: selfobs.Spans, Metrics: selfobs.MetricDataPoints, Logs: selfobs.Logs}

// newExporterObservation returns the counts of the exporter name of sig, registered with mp.
func newExporterObservation(mp metric.MeterProvider, sig Signal, name string, c config) (*selfobs.Exporter, error) {
	var t otlpconf.Target
	if name == OTLP {
		t, _ = c.otlp.resolve(sig) // already resolved without error by the exporter's constructor
	}
	obs := selfobs.NewExporter(selfobsSignal[sig], selfobs.NewComponent(componentType(sig, name, t)))
	if err := obs.Register(mp, ScopeName); err != nil {
		return nil, err
	}
	return obs, nil
}

// instrumentedSpans decorates a SpanExporter with its otel.sdk.exporter.span.* counts.
type instrumentedSpans struct {
	sdktrace.SpanExporter
	obs *selfobs.Exporter
}

func (e instrumentedSpans) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	start := e.obs.Start(len(spans))
	err := e.SpanExporter.ExportSpans(ctx, spans)
	e.obs.End(start, len(spans), 0, err)
	return err
}

// instrumentedLogs decorates a logpipe Exporter with its otel.sdk.exporter.log.* counts. The
// records a receiver rejects (a partial success) are counted with error.type rejected, those
// too large for it with too_large.
type instrumentedLogs struct {
	logpipe.Exporter
	obs *selfobs.Exporter
}

func (e instrumentedLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	n := b.Len()
	start := e.obs.Start(n)
	err := e.Exporter.Export(ctx, b)
	var partial *logpipe.PartialSuccessError
	if errors.As(err, &partial) {
		e.obs.EndPartial(start, n, selfobs.Partial{Rejected: int(partial.Rejected - partial.TooLarge - partial.Failed),
			TooLarge: int(partial.TooLarge), Failed: int(partial.Failed), Err: partial.Err})
	} else {
		e.obs.End(start, n, 0, err)
	}
	return err
}

// instrumentedMetrics decorates a metric Exporter with its otel.sdk.exporter.metric_data_point.*
// counts. They can be reported to another MeterProvider once the one the exporter itself
// feeds exists (see [MetricReaders.SetMeterProvider]); nothing counted before is lost.
type instrumentedMetrics struct {
	sdkmetric.Exporter
	obs *selfobs.Exporter
}

func (e *instrumentedMetrics) Export(ctx context.Context, rm *metricdata.ResourceMetrics) error {
	n := dataPoints(rm)
	start := e.obs.Start(n)
	err := e.Exporter.Export(ctx, rm)
	e.obs.End(start, n, 0, err)
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
