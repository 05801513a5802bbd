package logpipe

import (
	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// ScopeName is the instrumentation scope of the pipeline's own metrics.
const ScopeName = "github.com/esper-platform/obskit/exporters/logpipe"

// newInstrumentation registers p's self-metrics (see the package documentation, # Emitted
// telemetry): observable instruments that read [Provider.Stats] at collection, so nothing is
// recorded on the logging path.
func newInstrumentation(p *Provider) (*selfobs.Processor, error) {
	c := selfobs.NewComponent(otelconv.ComponentTypeBatchingLogProcessor)
	return selfobs.RegisterProcessor(p.cfg.meterProvider, ScopeName, selfobs.Logs, c, p.queue.capacity(), func() selfobs.ProcessorCounts {
		s := p.Stats()
		return selfobs.ProcessorCounts{
			Created:   s.Emitted,
			Processed: s.Exported + s.DroppedExportFailed + s.DroppedRejected + s.DroppedTooLarge + s.Unknown,
			QueueFull: s.DroppedQueueFull,
			Shutdown:  s.DroppedShutdown,
			QueueSize: int64(s.Queued),
		}
	})
}
