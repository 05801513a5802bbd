package logpipe

import (
	"context"
	"fmt"
	"sync/atomic"

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
//
// The callback stays registered after Shutdown, reporting the final counts, so that a metric
// collection after the log pipeline is shut down (telemetry shuts logs down before metrics)
// still sees every record delivered or dropped. At Shutdown the callback lets go of the
// provider, so only the final counts stay reachable from the MeterProvider.
type instrumentation struct {
	live  atomic.Pointer[Provider]
	final atomic.Pointer[finalCounts]
}

type finalCounts struct {
	stats    Stats
	failures uint64
}

// counts returns the provider's current counts, or the final ones once it is shut down.
func (i *instrumentation) counts() (Stats, uint64) {
	if p := i.live.Load(); p != nil {
		return p.Stats(), p.exportFailures.Load()
	}
	if f := i.final.Load(); f != nil {
		return f.stats, f.failures
	}
	return Stats{}, 0
}

// freeze keeps p's final counts for the callback and drops the reference to p.
func (i *instrumentation) freeze(p *Provider) {
	i.final.Store(&finalCounts{stats: p.Stats(), failures: p.exportFailures.Load()})
	i.live.Store(nil)
}

func newInstrumentation(mp metric.MeterProvider, p *Provider) (*instrumentation, error) {
	m := mp.Meter(instrumentationName)
	emitted, err1 := m.Int64ObservableCounter(metricEmitted, metric.WithUnit("{record}"),
		metric.WithDescription("Log records given to the pipeline."))
	exported, err2 := m.Int64ObservableCounter(metricExported, metric.WithUnit("{record}"),
		metric.WithDescription("Log records delivered by the exporter."))
	dropped, err3 := m.Int64ObservableCounter(metricDropped, metric.WithUnit("{record}"),
		metric.WithDescription("Log records lost, by reason: queue_full, export_failed, rejected, shutdown."))
	failuresCounter, err4 := m.Int64ObservableCounter(metricExportFailures, metric.WithUnit("{export}"),
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
	inst := &instrumentation{}
	inst.live.Store(p)
	_, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s, failures := inst.counts()
		o.ObserveInt64(emitted, int64(s.Emitted))
		o.ObserveInt64(exported, int64(s.Exported))
		o.ObserveInt64(dropped, int64(s.DroppedQueueFull), attrsFull)
		o.ObserveInt64(dropped, int64(s.DroppedExportFailed), attrsFailed)
		o.ObserveInt64(dropped, int64(s.DroppedRejected), attrsRejected)
		o.ObserveInt64(dropped, int64(s.DroppedShutdown), attrsShutdown)
		o.ObserveInt64(failuresCounter, int64(failures))
		o.ObserveInt64(queued, int64(s.Queued))
		return nil
	}, emitted, exported, dropped, failuresCounter, queued)
	if err != nil {
		return nil, fmt.Errorf("logpipe: register metrics callback: %w", err)
	}
	return inst, nil
}
