package telemetry

import (
	"context"
	"errors"
	"io"
	"runtime"
	"time"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// queueBytesPerRecord converts OTEL_BLRP_MAX_QUEUE_SIZE, a number of records, into the
// memory bound of logpipe's queue: a typical record (a message, a few attributes, trace
// context) encodes to about 165 bytes, so the bound holds at least as many such records as
// the variable says.
const queueBytesPerRecord = 256

// logPipelineSettings are the OTEL_BLRP_* and OBSKIT_LOG_BLOCK settings of the log pipeline.
type logPipelineSettings struct {
	queueSize, batchSize         int
	interval, timeout            time.Duration
	block                        bool
	attrCountLimit, attrValueLen int
}

// newLogPipeline builds obskit's log pipeline: a logpipe.Provider exporting through exp, with
// the resource every record carries, its own metrics in mp and its warnings about lost records
// written to warn. This is the only place that builds the LoggerProvider the otelslog bridge
// emits into.
func newLogPipeline(exp logpipe.Exporter, res *resource.Resource, s logPipelineSettings, mp metric.MeterProvider, warn io.Writer) (*logpipe.Provider, error) {
	queueBytes, batchBytes, shards := queueLayout(s.queueSize*queueBytesPerRecord, runtime.GOMAXPROCS(0))
	opts := []logpipe.Option{
		logpipe.WithResource(res),
		logpipe.WithMeterProvider(mp),
		logpipe.WithWarningWriter(warn),
		logpipe.WithWarningInterval(warnEvery),
		logpipe.WithQueueBytes(queueBytes),
		logpipe.WithBatchBytes(batchBytes),
		logpipe.WithShards(shards),
		logpipe.WithBatchSize(s.batchSize),
		logpipe.WithExportInterval(s.interval),
		logpipe.WithExportTimeout(s.timeout),
		logpipe.WithAttributeCountLimit(s.attrCountLimit),
		logpipe.WithAttributeValueLengthLimit(s.attrValueLen),
	}
	if s.block {
		opts = append(opts, logpipe.WithBlocking())
	}
	return logpipe.NewProvider(exp, opts...)
}

// minBatchBytes is the smallest batch queueLayout makes, for very small queues.
const minBatchBytes = 4 << 10

// queueLayout divides a queue of queueBytes into batches for logpipe. logpipe's queue is made
// of batches (queueBytes / batchBytes of them), and each of its shards (logging goroutines
// spread over 2 × GOMAXPROCS of them) may hold a partly filled one: with no more batches than
// shards, logging calls find no room (and drop, or wait for the export interval) while the
// queue is nearly empty. So a small queue gets smaller batches, enough for two per shard plus
// one per export worker, and never more shards than batches minus one.
func queueLayout(queueBytes, gomaxprocs int) (qBytes, batchBytes, shards int) {
	batchBytes, shards = logpipe.DefaultBatchBytes, 2*gomaxprocs
	if want := 2*shards + logpipe.DefaultWorkers; queueBytes/batchBytes < want {
		batchBytes = max(queueBytes/want, minBatchBytes)
	}
	queueBytes = max(queueBytes, batchBytes)
	if batches := queueBytes / batchBytes; batches <= shards {
		shards = max(1, batches-1)
	}
	return queueBytes, batchBytes, shards
}

// flushLogs is the pipeline's ForceFlush for [Telemetry.ForceFlush]: after Shutdown there is
// nothing left to flush, which is not an error.
func flushLogs(lp *logpipe.Provider) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := lp.ForceFlush(ctx); !errors.Is(err, logpipe.ErrShutdown) {
			return err
		}
		return nil
	}
}
