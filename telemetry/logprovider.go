package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
)

// logPipeline is the OTel side of logging: the LoggerProvider the otelslog bridge emits into,
// with the lifecycle [Telemetry] drives. This file is the only place that builds one, so that
// another pipeline (exporters/logpipe) can replace sdk/log here without touching the rest.
type logPipeline interface {
	log.LoggerProvider
	ForceFlush(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// MetricLogRecordsDropped counts log records dropped because the export queue was full.
const MetricLogRecordsDropped = "obskit.log.records.dropped"

// newLogPipeline builds sdk/log's LoggerProvider with obskit's batch processor around exp,
// and registers the dropped-records counter on meter. The returned unregister function
// removes that counter's callback.
func newLogPipeline(exp sdklog.Exporter, res *resource.Resource, s batchSettings, meter metric.Meter, diag *diagnostics) (logPipeline, func() error, error) {
	proc := newBatchProcessor(exp, s, diag.drops, diag.logExport)
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(proc))
	dropped, err := meter.Int64ObservableCounter(MetricLogRecordsDropped, metric.WithUnit("{record}"),
		metric.WithDescription("Log records dropped because the export queue was full."))
	if err != nil {
		_ = lp.Shutdown(context.Background())
		return nil, nil, err
	}
	reg, err := meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(dropped, proc.Dropped())
		return nil
	}, dropped)
	if err != nil {
		_ = lp.Shutdown(context.Background())
		return nil, nil, err
	}
	return lp, reg.Unregister, nil
}
