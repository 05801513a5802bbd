package testkit

import (
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// Names of the log pipeline's self-metrics, the semantic conventions' SDK instruments.
var (
	metricLogCreated   = otelconv.SDKLogCreatedObservable{}.Name()
	metricLogProcessed = otelconv.SDKProcessorLogProcessedObservable{}.Name()
	metricLogExported  = otelconv.SDKExporterLogExportedObservable{}.Name()
	metricLogQueued    = otelconv.SDKProcessorLogQueueSize{}.Name()
)

// LogPipeline is what the log pipeline's own metrics say of it.
type LogPipeline struct {
	Created  int64            // otel.sdk.log.created
	Exported int64            // otel.sdk.exporter.log.exported without error.type: delivered
	Queued   int64            // otel.sdk.processor.log.queue.size
	Dropped  map[string]int64 // by error.type: records the processor dropped (queue_full, shutdown, …)
	Failed   map[string]int64 // by error.type: records lost in failed or rejected exports
	// Unknown are records whose export was cancelled in flight by Shutdown's deadline
	// (error.type shutdown_deadline): the receiver may have taken them, so they are not lost.
	Unknown int64
}

// LostTotal is every record lost, whatever the reason (Unknown not included).
func (p LogPipeline) LostTotal() int64 {
	var n int64
	for _, m := range []map[string]int64{p.Dropped, p.Failed} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

// ReadLogPipeline reads the log pipeline's counts from collected metrics. A loss is counted
// once, where it happens: by the processor (otel.sdk.processor.log.processed with error.type)
// or by the exporter (otel.sdk.exporter.log.exported with error.type).
func ReadLogPipeline(rm metricdata.ResourceMetrics) LogPipeline {
	p := LogPipeline{Dropped: map[string]int64{}, Failed: map[string]int64{}}
	for _, dp := range Int64Points(rm, metricLogCreated) {
		p.Created += dp.Value
	}
	for _, dp := range Int64Points(rm, metricLogQueued) {
		p.Queued += dp.Value
	}
	for _, dp := range Int64Points(rm, metricLogProcessed) {
		if errType, ok := dp.Attributes.Value("error.type"); ok {
			p.Dropped[errType.AsString()] += dp.Value
		}
	}
	for _, dp := range Int64Points(rm, metricLogExported) {
		errType, ok := dp.Attributes.Value("error.type")
		switch {
		case ok && errType.AsString() == "shutdown_deadline":
			p.Unknown += dp.Value
		case ok:
			p.Failed[errType.AsString()] += dp.Value
		default:
			p.Exported += dp.Value
		}
	}
	return p
}
