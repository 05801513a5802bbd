// Package logpipe is obskit's log pipeline: a [log.LoggerProvider] (the OTel
// log API, fed by the otelslog bridge) that encodes each record to OTLP
// protobuf as it is emitted, queues the bytes in a sharded, memory-bounded
// queue, and exports them in batches over OTLP gRPC or HTTP/protobuf.
//
// The entry point is [NewProvider]; [NewOTLPExporter] builds the OTLP
// exporter from an [OTLPConfig], and [Discard] is an exporter for benchmarks:
//
//	exp, err := logpipe.NewOTLPExporter(logpipe.OTLPConfig{Protocol: logpipe.ProtocolGRPC, Endpoint: "collector:4317"})
//	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(res), logpipe.WithMeterProvider(mp))
//	logger := slog.New(otelslog.NewHandler("my/pkg", otelslog.WithLoggerProvider(lp)))
//	defer lp.Shutdown(ctx)
//
// # Why the stock pieces are replaced
//
// The stock pipeline is otelslog → sdk/log LoggerProvider → BatchProcessor →
// otlploggrpc. Measured on the 2-core machine this package is developed on
// (bench_test.go; InfoContext with 4 slog.Attr arguments and a span in the
// context; slog.NewJSONHandler(io.Discard) as the reference, interleaved in
// the same run):
//
//   - Per call, stock costs 2.1–2.8× slog JSON serially and 1.8–6.6× in
//     parallel, with 6 allocations and 1,088 B (slog JSON: 4 allocations,
//     192 B, all of them slog boxing the slog.Attr arguments). Profiles of
//     the stock path put most of the cost in sdk/log's newRecord (attribute
//     de-duplication through pooled maps, limits) and in copying the 896 B
//     sdk Record into the ring (2 allocations: the Record escaping to the
//     heap, and otelslog's attribute buffer).
//   - A burst of 200,000 records into an OTLP gRPC receiver on loopback:
//     stock delivers ~95k records/s and drops ~59% of the burst without a
//     trace (its 2,048-record ring overwrites the oldest records); with a busy
//     goroutine per core it drops ~95%.
//
// logpipe keeps the API, the bridge and OTLP on the wire and replaces the
// SDK's record path, processor and exporter:
//
//   - [Logger.Emit] encodes the log.Record straight into OTLP LogRecord bytes
//     in a pooled buffer (no sdk Record, no clone, no map: duplicate keys are
//     found by comparing keys pairwise, attributes are gathered on the stack),
//     then copies the bytes into the current batch of one of several
//     independently locked shards (chosen at random; a locked shard is
//     skipped). Per call it costs a median 1.15× slog JSON serially and
//     1.1× in parallel at GOMAXPROCS 2 and 8 (BenchmarkRatio, 14 runs each
//     on a machine with a load average near 10: range 0.9–1.6), against
//     2.1–2.8× and 1.8–6.6× for stock in the same runs; it adds no
//     allocation of its own:
//     5 allocations and ~455 B per call, of which 4 are slog's and 1 (256 B)
//     is otelslog's attribute buffer. With key-value arguments (no boxing):
//     1 allocation, against stock's 2 and 896 B.
//   - Export workers ([WithWorkers]) take whole batches, one wake-up per
//     batch, and build the ExportLogsServiceRequest by copying the encoded
//     records behind a resource and scope prefix encoded once. The gRPC
//     exporter sends these bytes through a pass-through codec; the HTTP one
//     posts them.
//   - The same 200,000-record burst: ~400k records/s delivered (4.2× stock in
//     the same run; 2.9–3.1× in later runs on a loaded machine) and none
//     dropped; with a busy goroutine per core, none dropped either (stock:
//     90–95%), and sent = delivered + dropped is checked after every burst.
//
// What the wire carries is checked field by field against what stock
// otlploggrpc sends for the same records (resource, scope, severity, body,
// every attribute value kind, trace and span ids, flags, timestamps, event
// name, dropped attribute count, exception attributes from Record.Err), and
// a real Collector accepts it over gRPC and HTTP, with and without gzip.
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
// may map to them (this package reads no environment itself):
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
//	WithWarningWriter             os.Stderr
//	WithWarningInterval           10s
//	WithAttributeCountLimit       128                   OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT
//	WithAttributeValueLengthLimit unlimited             OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT
//
// [OTLPConfig] carries OTEL_EXPORTER_OTLP_{,LOGS_}{ENDPOINT, PROTOCOL,
// HEADERS, TIMEOUT, COMPRESSION, INSECURE}; its field comments give each
// mapping and default. Header values are treated as secrets and never
// printed.
//
// # Memory bound
//
// The queue holds at most WithQueueBytes / WithBatchBytes batches (256 by
// default), each at most WithBatchBytes of encoded records and WithBatchSize
// records, whether waiting, being filled or being exported: with the
// defaults, at most 64 MiB of encoded records plus a 16-byte index entry per
// record (at most 524,288 records). Beyond that come one request buffer per
// worker (up to one batch each, gzip adds one more) and any single record
// larger than a batch, which is exported alone. A typical record (a message,
// 4 attributes, trace context) takes ~165 bytes, so the default queue holds
// ~400,000 of them: a 200,000-record burst is absorbed even if the receiver
// stalls. Batches come from a free list (kept to shards + workers entries)
// and are allocated only when needed, so an idle pipeline holds about one
// batch per shard.
//
// # Emitted telemetry
//
// Through the MeterProvider of [WithMeterProvider], under the scope
// github.com/esper-platform/obskit/exporters/logpipe, as observable
// instruments read from [Provider.Stats] (nothing is recorded on the logging
// path):
//
//	obskit.log.records.emitted    counter   {record}  records given to Emit
//	obskit.log.records.exported   counter   {record}  records delivered
//	obskit.log.records.dropped    counter   {record}  records lost, attribute reason:
//	                                                  queue_full, export_failed, rejected, shutdown
//	obskit.log.export.failures    counter   {export}  failed export calls
//	obskit.log.queue.records      updown    {record}  records queued or being exported
//
// At all times emitted = exported + dropped + queued; after Shutdown, queued
// is 0. The metrics stay registered after Shutdown and report the final
// counts, so a MeterProvider shut down after the pipeline (as telemetry does)
// still exports them; only those counts, not the provider, stay reachable. When records are dropped, a one-line warning with the counts (and
// the last export error) is written to the WithWarningWriter writer, at most
// once per WithWarningInterval and once more at Shutdown; it never goes
// through the pipeline. No spans are emitted.
//
// # Shutdown
//
// [Provider.Shutdown] stops accepting records (later ones are dropped and
// counted as shutdown), seals every shard, waits for the workers to export
// everything queued, then shuts the exporter down. If ctx expires first,
// in-flight exports are cancelled, the records still queued are dropped, and
// the error says how many records were not exported. It is idempotent, and
// no goroutine of the provider outlives it. A caller blocked by
// [WithBlocking] is released by Shutdown (its record is dropped and
// counted). [Provider.ForceFlush] exports what was emitted before the call
// and waits for it, bounded by ctx.
package logpipe
