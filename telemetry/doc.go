// Package telemetry sets up OpenTelemetry traces, metrics and logs for a service in one call,
// with log/slog feeding obskit's OTel log pipeline (exporters/logpipe). The entry point is [Setup]:
//
//	cfg, err := telemetry.ConfigFromEnv()
//	if err != nil { ... }
//	tel, err := telemetry.Setup(ctx, cfg)
//	if err != nil { ... }
//	defer tel.Shutdown(context.WithoutCancel(ctx))
//	log := tel.Logger()
//
// [Telemetry.TracerProvider], [Telemetry.MeterProvider] and [Telemetry.LoggerProvider] are for
// injecting into instrumented libraries. Setup never sets the OTel globals;
// [Telemetry.InstallGlobals] does, once, from main, and returns the function that undoes it.
//
// # Configuration
//
// [Config] is read by [ConfigFromEnv] through envconfig: the OpenTelemetry environment
// variables (OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_{TRACES,METRICS,LOGS}_EXPORTER, OTEL_EXPORTER_OTLP_* with per-signal overrides,
// OTEL_EXPORTER_PROMETHEUS_HOST/PORT, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER and _ARG,
// OTEL_BSP_*, OTEL_BLRP_*, OTEL_LOGRECORD_ATTRIBUTE_{COUNT,VALUE_LENGTH}_LIMIT,
// OTEL_METRIC_EXPORT_INTERVAL/TIMEOUT, OTEL_LOG_LEVEL) and obskit's
// own: OBSKIT_LOG_LEVEL (default INFO, changeable with [Telemetry.SetLevel]),
// OBSKIT_LOG_CONSOLE (text, json or off; default text on stderr), OBSKIT_LOG_REDACT_KEYS,
// OBSKIT_LOG_BLOCK, OBSKIT_RUNTIME_METRICS (default true), OBSKIT_FILE_EXPORTER_DIR,
// OBSKIT_SERVICE_VERSION, OBSKIT_DEPLOYMENT_ENVIRONMENT. Each field's desc tag says what it
// does. OTLP headers are an [envconfig.Secret]. A bad value is an [*envconfig.Error] from
// ConfigFromEnv or Setup, naming the variable and never its value. An OTEL_* variable that is
// set but not recognised gets one warning at Setup, on the diagnostics writer (stderr).
//
// Defaults when nothing is configured: no exporter at all, and logs as text on stderr. The
// specification's default, otlp to localhost, means on a laptop without a Collector an export
// attempt, a retry loop and an error message every second for logs, every five for spans and
// every minute for metrics, for as long as the program runs. So an exporter list that is not
// set means otlp when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT or the signal's
// own), and none otherwise; setting OTEL_*_EXPORTER explicitly restores full control. When
// OTLP is used, an export, retries included, is bounded by OTEL_EXPORTER_OTLP_TIMEOUT
// (default 10s): retries back off from 1s and stop at that timeout rather than after the
// exporters' default minute. Spans are still recorded without an exporter, so that log
// records carry trace and span ids.
//
// The resource holds service.name (default unknown_service:<executable>), service.version
// (default: the main module's version from the binary's build info), deployment.environment.name,
// host, process (pid, executable name; not the command line, which may hold secrets) and
// runtime attributes, overridden by OTEL_RESOURCE_ATTRIBUTES.
//
// # Logging
//
// Records go through one slog.Handler that applies the level, redacts, and fans out to the
// OTel bridge (go.opentelemetry.io/contrib/bridges/otelslog) and the console handler. In a
// span's context, the OTel record carries the trace and span ids and the console record gets
// trace_id and span_id attributes. Redaction: [envconfig.Secret] values print [REDACTED]
// through their LogValue; attributes whose key is in OBSKIT_LOG_REDACT_KEYS (exact key,
// case-insensitive, at any group depth, including Logger.With attributes) are replaced by
// [REDACTED] before either output sees them.
//
// # Trace pipeline
//
// Spans are batched by obskit's span processor, exporters/spanbatch, with the OTEL_BSP_*
// settings, in place of the SDK's BatchSpanProcessor: the same queue bound, batch size,
// schedule delay and export timeout, but ending a span does not wake the export goroutine
// (the SDK's costs a futex wake-up per span: about 1 µs more per span, 9–14 µs per S3 Put
// of three spans on the 2-core machine obskit is measured on). Its metrics
// (obskit.trace.spans.{ended,exported,dropped}, obskit.trace.export.failures,
// obskit.trace.queue.spans) go to the MeterProvider that Setup builds, so dropped spans are
// counted, where the SDK's batcher only logs them.
//
// # Log pipeline
//
// The OTel side of logging is obskit's own pipeline, exporters/logpipe, not sdk/log: the
// otelslog bridge emits into a logpipe.Provider, which encodes each record to OTLP protobuf in
// the logging call, copies the bytes into a sharded queue bounded in memory, and lets export
// workers send whole batches through the exporters of OTEL_LOGS_EXPORTER (otlp over grpc or
// http/protobuf; file and console write each batch as one OTLP-JSON line; several names fan
// out; none, alone, means no pipeline at all: records go to the console only, nothing is
// queued, counted or lost). The stock pieces (sdk/log's record path and BatchProcessor, the
// otlplog exporters) were replaced because, measured on a 2-core machine, they cost 2.1–2.8×
// slog's JSON handler per call with 6 allocations, and their 2,048-record ring silently
// overwrote 56–95% of a 200,000-record burst; logpipe's package documentation has the
// figures and the reasons. Through Setup, the full tel.Logger() path (level, redaction with
// the default deny-list, otelslog, logpipe with a discarding exporter, console off) costs a
// median 1.2× slog.NewJSONHandler(io.Discard) per InfoContext call with 4 attributes in a
// span's context, serially and in parallel at GOMAXPROCS 2 and 8 (1.19–1.32; runs ranged
// 0.97–1.76 on a machine shared with other builds), against 2.0–4.0× for otelslog over
// sdk/log's BatchProcessor and 1.1–1.15× for otelslog straight over logpipe, in the same run
// (BenchmarkRatio in bench_test.go, 6 runs each). It allocates 5 times per call, ~450 B:
// slog's 4 (boxing the slog.Attr arguments) and otelslog's attribute buffer; against 6 and
// 1,088 B for stock. Profiled, this package's handler (level, the redaction scan, fan-out)
// is ~5% of the call; otelslog's conversion ~20% and logpipe's encoding ~22%.
//
// Queue memory bound: OTEL_BLRP_MAX_QUEUE_SIZE × 256 bytes of encoded records (default
// 262,144, that is 64 MiB), plus one request buffer per export worker. The queue is made of
// batches of at most 256 KiB and OTEL_BLRP_MAX_EXPORT_BATCH_SIZE records (default 2,048, not
// the specification's 512), 256 of them by default; a small queue is cut into smaller
// batches so that the logging goroutines, which fill one batch per queue shard, never hold
// all of them. A typical record (a message, 4 attributes, trace context) takes ~165 bytes, so
// when records come in a burst ~400,000 of them fit, and a 200,000-record burst is absorbed
// even while the receiver stalls. When they trickle in while the receiver is down, each
// export interval hands every shard's partly filled batch to the exporter, and a partly
// filled batch takes a whole batch's share of the bound: the queue then fills after about
// 256 / (2 × GOMAXPROCS) export intervals (a minute on 2 cores by default), whatever the
// rate. The specification's default of 2,048 records would drop most of any burst.
//
// Backpressure and drops: a logging call never waits for the network. When the queue is full
// the record is dropped; records are also lost when an export fails (after retries within
// OTEL_EXPORTER_OTLP_TIMEOUT), when the receiver rejects them, or when Shutdown's deadline
// expires. Every loss is counted in obskit.log.records.dropped (attribute reason: queue_full,
// export_failed, rejected, shutdown) and reported on the diagnostics writer (stderr; see
// [WithDiagnostics]) at most once per 10 seconds and once more at Shutdown, never through the
// log pipeline itself. At all times emitted = exported + dropped + queued. OBSKIT_LOG_BLOCK or
// [WithBlockingLogs] makes logging calls wait for room instead, for batch jobs that must lose
// nothing. OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT (default 128) and
// OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT (default none) limit each record's attributes.
//
// # Emitted telemetry
//
// The log pipeline's own metrics, under the scope github.com/esper-platform/obskit/exporters/logpipe,
// observed from its counters (nothing is recorded in the logging call), until its Shutdown:
//
//   - obskit.log.records.emitted (counter, {record}): records given to the pipeline.
//   - obskit.log.records.exported (counter, {record}): records delivered.
//   - obskit.log.records.dropped (counter, {record}, reason): records lost, see above.
//   - obskit.log.export.failures (counter, {export}): failed export calls.
//   - obskit.log.queue.records (up-down counter, {record}): records queued or being exported.
//
// And:
//
//   - the exporters' own metrics (package exporters): obskit.exporter.exported and
//     obskit.exporter.failures, by signal and exporter.
//   - Go runtime metrics (go.opentelemetry.io/contrib/instrumentation/runtime), unless
//     OBSKIT_RUNTIME_METRICS=false.
//
// # Shutdown
//
// [Telemetry.Shutdown] flushes and shuts down logs, then traces, then metrics, each with an
// equal share of the time left before ctx's deadline, and joins their errors; it is
// idempotent. When the logs' share runs out before everything queued is exported, the error
// says how many log records were not exported (they are counted as dropped, reason shutdown). [Telemetry.ForceFlush] exports what is pending without shutting down. After
// Shutdown no goroutine of obskit's remains.
package telemetry
