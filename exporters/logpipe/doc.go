// Package logpipe is obskit's log pipeline: a [log.LoggerProvider] (the OTel
// log API, fed by the otelslog bridge) that encodes each record to OTLP
// protobuf as it is emitted, queues the bytes in a sharded, memory-bounded
// queue, and exports them in batches over OTLP gRPC or HTTP/protobuf.
//
// The entry point is [NewProvider]; [NewOTLPExporter] is the OTLP transport,
// taking the target that the exporters package resolves from the
// environment, and [Discard] is an exporter for benchmarks:
//
//	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: "collector:4317"})
//	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(res), logpipe.WithMeterProvider(mp))
//	logger := slog.New(otelslog.NewHandler("my/pkg", otelslog.WithLoggerProvider(lp)))
//	defer lp.Shutdown(ctx)
//
// logpipe keeps the log API, the bridge and OTLP on the wire, and replaces
// sdk/log's record path, processor and exporter:
//
//   - [Logger.Emit] encodes the log.Record straight into OTLP LogRecord bytes
//     in a pooled buffer (no sdk Record, no clone, no map: duplicate keys are
//     found by comparing keys pairwise), then copies the bytes into the
//     current batch of one of several independently locked shards (chosen at
//     random; a locked shard is skipped). It adds no allocation of its own.
//     It never blocks (unless [WithBlocking]), but it may yield: while an
//     export is in flight or waiting and more than twice GOMAXPROCS
//     goroutines wait to run (the runtime's
//     /sched/goroutines/runnable:goroutines, read at most once a
//     millisecond), one call in 64 that a shard takes or drops yields the
//     processor (runtime.Gosched), so that export keeps pace with CPU-bound
//     loggers that outnumber the processors (the goroutines an export needs
//     would otherwise wait behind them for whole time slices).
//   - Export workers ([WithWorkers]) take whole batches, one wake-up per
//     batch, and build the ExportLogsServiceRequest by copying the encoded
//     records behind a resource and scope prefix encoded once. The gRPC
//     transport sends these bytes through a pass-through codec; the HTTP one
//     posts them. Retryable failures (gRPC UNAVAILABLE and the like, HTTP
//     429/502/503/504) are retried with backoff within the target's timeout,
//     waiting at least the delay the receiver asks for (gRPC RetryInfo, HTTP
//     Retry-After) and giving up at once when that delay ends after the
//     timeout. As the specification says, gRPC RESOURCE_EXHAUSTED is retried
//     only when it carries RetryInfo. A request the receiver refuses for its
//     size (gRPC RESOURCE_EXHAUSTED for a message over its limit, HTTP 413)
//     is split in halves, recursively, so that only a record too large alone
//     is dropped (counted as too large), at once.
//
// What the wire carries is checked field by field against what stock
// otlploggrpc sends for the same records, and a real Collector accepts it
// over gRPC and HTTP, with and without gzip. bench/README.md has the
// figures against slog, zap, zerolog and the stock otelslog → sdk/log
// pipeline (per call, allocations, bursts, drops).
//
// Differences from sdk/log: there are no processors; a record without an
// observed timestamp gets its own timestamp as observed time (the bridge sets
// it when it observes the record, in the same call) instead of a second
// clock read; records logged by one goroutine may be exported out of order
// across batches (each carries its timestamp); nesting deeper than 32 levels
// is exported as an empty value.
//
// # Configuration
//
// Options of [NewProvider], with their defaults and the variable a caller
// may map to them (this package reads no environment itself). A nil Option
// is skipped; a zero or negative size, count or duration, and a nil
// writer, resource or MeterProvider, mean the default:
//
//	WithResource                  resource.Default()
//	WithQueueBytes                64 MiB                (OTEL_BLRP_MAX_QUEUE_SIZE counts records; map × 256 if wanted)
//	WithBatchBytes                256 KiB
//	WithBatchSize                 2048 records          OTEL_BLRP_MAX_EXPORT_BATCH_SIZE
//	WithExportInterval            1s                    OTEL_BLRP_SCHEDULE_DELAY
//	WithExportTimeout             30s                   OTEL_BLRP_EXPORT_TIMEOUT
//	WithWorkers                   2
//	WithShards                    2 × GOMAXPROCS
//	WithBlocking                  off (drop and count)
//	WithMeterProvider             otel.GetMeterProvider()
//	WithWarningWriter             os.Stderr             (io.Discard to discard)
//	WithWarningInterval           10s
//	WithAttributeCountLimit       128                   OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT
//	WithAttributeValueLengthLimit unlimited             OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT
//
// The two attribute limits follow sdk/log: a negative value means no limit.
// [NewOTLPExporter] takes an otlpconf.Target as exporters resolves it from
// OTEL_EXPORTER_OTLP_{,LOGS_}*; header values are secrets and never printed.
//
// # Memory bound
//
// The queue holds at most WithQueueBytes / WithBatchBytes batches (256 by
// default), each at most WithBatchBytes of encoded records and WithBatchSize
// records, whether waiting, being filled or being exported: with the
// defaults, at most 64 MiB of encoded records plus a 16-byte index entry per
// record. Beyond that come one request buffer per worker (up to one batch
// each, gzip adds one more) and any single record larger than a batch, which
// is exported alone. Batches come from a free list (kept to shards + workers
// entries) and are allocated only when needed, so an idle pipeline holds
// about one batch per shard.
//
// # Emitted telemetry
//
// Through the MeterProvider of [WithMeterProvider], under the scope
// [ScopeName], the semantic conventions' instruments of a batching log
// processor, observable and read from [Provider.Stats] at collection
// (nothing is recorded on the logging path). Every point carries
// otel.component.type batching_log_processor and otel.component.name
// batching_log_processor/N:
//
//	otel.sdk.log.created                     counter  {log_record}  records given to Emit
//	otel.sdk.processor.log.processed         counter  {log_record}  records handed to the exporter (no error.type),
//	                                                                or dropped here: error.type queue_full or shutdown
//	otel.sdk.processor.log.queue.size        updown   {log_record}  records queued or being exported
//	otel.sdk.processor.log.queue.capacity    updown   {log_record}  the most records the queue can hold
//	                                                                (batches × WithBatchSize; the bound is in bytes)
//
// The outcome of an export (delivered, failed, rejected by the receiver, too
// large for it) is the exporter's to count: exporters decorates the exporters
// it builds with otel.sdk.exporter.log.exported (error.type rejected,
// too_large, shutdown_deadline, or the failure's), so that each lost record
// is counted once.
// [Provider.Stats] still gives every count (DroppedExportFailed and
// DroppedRejected included), and at all times Emitted = Exported + Dropped +
// Unknown + Queued. Dropped means lost. Unknown counts the records whose
// export was cancelled in flight when Shutdown's deadline expired: the
// receiver may have taken them, so they are not counted lost; the OTLP
// transport returns such an error wrapping selfobs's shutdown-deadline cause,
// and exporters counts the records as otel.sdk.exporter.log.exported with
// error.type shutdown_deadline. The metrics stay registered after Shutdown and report the final
// counts, so a MeterProvider shut down after the pipeline (as telemetry
// does) still exports them; only those counts, not the provider, stay
// reachable.
//
// When records are dropped, for any reason, a one-line warning with the
// counts and the last export error is written to the WithWarningWriter
// writer, at most once per WithWarningInterval and once more at Shutdown; it
// never goes through the pipeline. No spans are emitted.
//
// # Shutdown
//
// [Provider.Shutdown] stops accepting records (later ones are dropped and
// counted as shutdown), seals every shard, waits for the workers to export
// everything queued, then shuts the exporter down. If ctx expires first,
// in-flight exports are cancelled (their records are counted as of unknown
// fate, see # Emitted telemetry), the records still queued are dropped, and
// the error says how many records were not exported. After Shutdown, Logger's
// Enabled reports false, so that a bridge that asks skips the record; a
// record emitted anyway is dropped, without being encoded, and counted. It is idempotent, and
// no goroutine of the provider outlives it. A caller blocked by
// [WithBlocking] is released by Shutdown (its record is dropped and
// counted). [Provider.ForceFlush] exports what was emitted before the call
// and waits for it, bounded by ctx.
package logpipe
