package spanbatch

import (
	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// ScopeName is the instrumentation scope of the processor's own metrics.
const ScopeName = "github.com/esper-platform/obskit/exporters/spanbatch"

// newInstrumentation registers p's self-metrics (see the package documentation, # Emitted
// telemetry): observable instruments that read [Processor.Stats] at collection, so nothing is
// recorded when a span ends.
func newInstrumentation(p *Processor) (*selfobs.Processor, error) {
	c := selfobs.NewComponent(otelconv.ComponentTypeBatchingSpanProcessor)
	return selfobs.RegisterProcessor(p.cfg.meterProvider, ScopeName, selfobs.Spans, c, int64(p.cfg.maxQueue), func() selfobs.ProcessorCounts {
		s := p.Stats()
		return selfobs.ProcessorCounts{
			Processed: s.Exported + s.DroppedExportFailed,
			QueueFull: s.DroppedQueueFull,
			Shutdown:  s.DroppedShutdown,
			QueueSize: int64(s.Queued),
		}
	})
}
