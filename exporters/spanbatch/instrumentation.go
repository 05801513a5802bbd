package spanbatch

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// instrumentationName is the scope of the processor's own metrics.
const instrumentationName = "github.com/esper-platform/obskit/exporters/spanbatch"

// Metric names; see the package documentation.
const (
	metricEnded          = "obskit.trace.spans.ended"
	metricExported       = "obskit.trace.spans.exported"
	metricDropped        = "obskit.trace.spans.dropped"
	metricExportFailures = "obskit.trace.export.failures"
	metricQueued         = "obskit.trace.queue.spans"
)

// instrumentation reports the processor's Stats as observable instruments:
// nothing is recorded when a span ends; the callback reads Stats. As in
// logpipe, the callback keeps reporting the final counts after Shutdown
// (telemetry shuts traces down before metrics), without holding the processor.
type instrumentation struct {
	live  atomic.Pointer[Processor]
	final atomic.Pointer[Stats]
}

func (i *instrumentation) counts() Stats {
	if p := i.live.Load(); p != nil {
		return p.Stats()
	}
	if f := i.final.Load(); f != nil {
		return *f
	}
	return Stats{}
}

// freeze keeps p's final counts for the callback and drops the reference to p.
func (i *instrumentation) freeze(p *Processor) {
	s := p.Stats()
	i.final.Store(&s)
	i.live.Store(nil)
}

func newInstrumentation(mp metric.MeterProvider, p *Processor) (*instrumentation, error) {
	m := mp.Meter(instrumentationName)
	ended, err1 := m.Int64ObservableCounter(metricEnded, metric.WithUnit("{span}"),
		metric.WithDescription("Sampled spans given to the batch span processor."))
	exported, err2 := m.Int64ObservableCounter(metricExported, metric.WithUnit("{span}"),
		metric.WithDescription("Spans delivered by the span exporter."))
	dropped, err3 := m.Int64ObservableCounter(metricDropped, metric.WithUnit("{span}"),
		metric.WithDescription("Spans lost, by reason: queue_full, export_failed, shutdown."))
	failures, err4 := m.Int64ObservableCounter(metricExportFailures, metric.WithUnit("{export}"),
		metric.WithDescription("Failed span export calls."))
	queued, err5 := m.Int64ObservableUpDownCounter(metricQueued, metric.WithUnit("{span}"),
		metric.WithDescription("Spans waiting in the queue or being exported."))
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return nil, fmt.Errorf("spanbatch: create metrics: %w", err)
		}
	}
	full := metric.WithAttributes(attribute.String("reason", "queue_full"))
	failed := metric.WithAttributes(attribute.String("reason", "export_failed"))
	shutdown := metric.WithAttributes(attribute.String("reason", "shutdown"))
	inst := &instrumentation{}
	inst.live.Store(p)
	_, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := inst.counts()
		o.ObserveInt64(ended, int64(s.Ended))
		o.ObserveInt64(exported, int64(s.Exported))
		o.ObserveInt64(dropped, int64(s.DroppedQueueFull), full)
		o.ObserveInt64(dropped, int64(s.DroppedExportFailed), failed)
		o.ObserveInt64(dropped, int64(s.DroppedShutdown), shutdown)
		o.ObserveInt64(failures, int64(s.ExportFailures))
		o.ObserveInt64(queued, int64(s.Queued))
		return nil
	}, ended, exported, dropped, failures, queued)
	if err != nil {
		return nil, fmt.Errorf("spanbatch: register metrics callback: %w", err)
	}
	return inst, nil
}
