package logpipe

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// instrumentationName is the scope of the pipeline's own metrics.
const instrumentationName = "github.com/esper-platform/obskit/exporters/logpipe"

// Metric names; see the package documentation.
const (
	metricEmitted        = "obskit.log.records.emitted"
	metricExported       = "obskit.log.records.exported"
	metricDropped        = "obskit.log.records.dropped"
	metricExportFailures = "obskit.log.export.failures"
	metricQueued         = "obskit.log.queue.records"
)

// Values of the reason attribute of obskit.log.records.dropped.
const (
	reasonQueueFull    = "queue_full"
	reasonExportFailed = "export_failed"
	reasonRejected     = "rejected"
	reasonShutdown     = "shutdown"
)

// instrumentation reports the provider's counters as observable instruments:
// nothing is recorded on the logging path; the callback reads Stats.
type instrumentation struct {
	reg metric.Registration
}

func newInstrumentation(mp metric.MeterProvider, p *Provider) (*instrumentation, error) {
	m := mp.Meter(instrumentationName)
	emitted, err1 := m.Int64ObservableCounter(metricEmitted, metric.WithUnit("{record}"),
		metric.WithDescription("Log records given to the pipeline."))
	exported, err2 := m.Int64ObservableCounter(metricExported, metric.WithUnit("{record}"),
		metric.WithDescription("Log records delivered by the exporter."))
	dropped, err3 := m.Int64ObservableCounter(metricDropped, metric.WithUnit("{record}"),
		metric.WithDescription("Log records lost, by reason: queue_full, export_failed, rejected, shutdown."))
	failures, err4 := m.Int64ObservableCounter(metricExportFailures, metric.WithUnit("{export}"),
		metric.WithDescription("Failed export calls."))
	queued, err5 := m.Int64ObservableUpDownCounter(metricQueued, metric.WithUnit("{record}"),
		metric.WithDescription("Log records waiting in the queue or being exported."))
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return nil, fmt.Errorf("logpipe: create metrics: %w", err)
		}
	}
	attrsFull := metric.WithAttributes(attribute.String("reason", reasonQueueFull))
	attrsFailed := metric.WithAttributes(attribute.String("reason", reasonExportFailed))
	attrsRejected := metric.WithAttributes(attribute.String("reason", reasonRejected))
	attrsShutdown := metric.WithAttributes(attribute.String("reason", reasonShutdown))
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := p.Stats()
		o.ObserveInt64(emitted, int64(s.Emitted))
		o.ObserveInt64(exported, int64(s.Exported))
		o.ObserveInt64(dropped, int64(s.DroppedQueueFull), attrsFull)
		o.ObserveInt64(dropped, int64(s.DroppedExportFailed), attrsFailed)
		o.ObserveInt64(dropped, int64(s.DroppedRejected), attrsRejected)
		o.ObserveInt64(dropped, int64(s.DroppedShutdown), attrsShutdown)
		o.ObserveInt64(failures, int64(p.exportFailures.Load()))
		o.ObserveInt64(queued, int64(s.Queued))
		return nil
	}, emitted, exported, dropped, failures, queued)
	if err != nil {
		return nil, fmt.Errorf("logpipe: register metrics callback: %w", err)
	}
	return &instrumentation{reg: reg}, nil
}

func (i *instrumentation) unregister() error {
	if err := i.reg.Unregister(); err != nil {
		return fmt.Errorf("logpipe: unregister metrics: %w", err)
	}
	return nil
}
