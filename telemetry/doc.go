// Package telemetry sets up OpenTelemetry traces, metrics and logs for a program in one call,
// with log/slog feeding obskit's OTel log pipeline (exporters/logpipe). The entry point is
// [Setup], on a [Config] read by [ConfigFromEnv]:
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
// [ConfigFromEnv] reads the environment, once, through envconfig (tests inject a map with
// envconfig.WithEnvironment): the variables of the OpenTelemetry environment specification
// that obskit honours (OTEL_SDK_DISABLED, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_{TRACES,METRICS,LOGS}_EXPORTER, OTEL_EXPORTER_OTLP_* with per-signal overrides,
// OTEL_EXPORTER_PROMETHEUS_*, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER*, OTEL_BSP_*, OTEL_BLRP_*,
// OTEL_LOGRECORD_ATTRIBUTE_*, OTEL_METRIC_EXPORT_*, OTEL_LOG_LEVEL) and obskit's own OBSKIT_*
// variables. [Config]'s fields name each variable, its default and what it does; the README
// has the table. OTLP headers are an envconfig.Secret. A bad value is an [*envconfig.Error]
// from ConfigFromEnv or Setup that names every bad variable and never quotes a value. An
// OTEL_* variable that is set but read neither by obskit nor by the OpenTelemetry SDK (a
// misspelt name) is recorded by ConfigFromEnv, and Setup writes one warning for it on the
// diagnostics writer. Setup's options add what the environment cannot say (writers,
// exporters and readers from code); a nil [Option], or an option given nil, leaves its setting
// at its default.
//
// What a service brings of its own composes with the environment, in a documented order:
// [WithSampler] is used unless the environment sets OTEL_TRACES_SAMPLER; [WithSpanProcessor]
// adds processors after obskit's batcher; [WithView], [WithCardinalityLimit] and
// [WithMetricReader] shape the MeterProvider beside OTEL_METRICS_EXPORTER's readers;
// [WithResourceDetectors] adds detectors (cloud ones included, which obskit never runs by
// itself) below [WithResourceAttributes], which is below OTEL_RESOURCE_ATTRIBUTES, all bounded
// by [ResourceDetectionTimeout]; [WithPropagator] adds propagators after OTEL_PROPAGATORS's
// (tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace or none).
//
// Defaults when nothing is configured: no exporter at all, and logs as text on stderr. An
// exporter list that is not set means otlp when an OTLP endpoint is set
// (OTEL_EXPORTER_OTLP_ENDPOINT or the signal's own) and none otherwise, rather than the
// specification's otlp to localhost, which without a Collector means an endless retry loop
// and an error message every few seconds; setting OTEL_*_EXPORTER explicitly restores full
// control. An OTLP export, retries included, is bounded by OTEL_EXPORTER_OTLP_TIMEOUT. Spans
// are recorded even without an exporter, so that log records carry trace and span ids.
//
// The resource holds service.name (default unknown_service:<executable>), service.version
// (default: the main module's version from the binary's build info), service.instance.id,
// deployment.environment.name, and the detected host, process (never the command line, which
// may hold secrets), runtime and container attributes, and the Kubernetes attributes of
// [KubernetesConfig]; OTEL_RESOURCE_ATTRIBUTES overrides them.
//
// # Logging
//
// [Telemetry.Logger] goes through one slog.Handler that applies the level (OBSKIT_LOG_LEVEL,
// changeable with [Telemetry.SetLevel]), redacts, and fans out to the OTel bridge
// (go.opentelemetry.io/contrib/bridges/otelslog) and the console handler (OBSKIT_LOG_CONSOLE).
// In a span's context, the OTel record carries the trace and span ids and the console record
// gets trace_id and span_id attributes. Redaction: envconfig.Secret values print [REDACTED]
// through their LogValue; attributes whose key is in OBSKIT_LOG_REDACT_KEYS (exact key,
// case-insensitive, at any group depth, including Logger.With attributes) are replaced by
// [REDACTED] before either output sees them.
//
// The OTel side is exporters/logpipe, not sdk/log: each record is encoded to OTLP in the
// logging call and queued, and export workers send whole batches through the exporters of
// OTEL_LOGS_EXPORTER (several names fan out; none alone means no pipeline: records go to the
// console only, and nothing is queued or lost). The queue holds at most
// OTEL_BLRP_MAX_QUEUE_SIZE × 256 bytes of encoded records, in batches of at most 256 KiB and
// OTEL_BLRP_MAX_EXPORT_BATCH_SIZE records. A logging call never waits for the network: when
// the queue is full the record is dropped, unless OBSKIT_LOG_BLOCK or [WithBlockingLogs]
// makes the call wait for room instead. Records are also lost when an export fails (after
// retries within OTEL_EXPORTER_OTLP_TIMEOUT), when the receiver rejects them, or when
// Shutdown's deadline expires. Every loss is counted (see Emitted telemetry) and reported on
// the diagnostics writer ([WithDiagnostics], stderr by default) at most once per 10 seconds
// and once more at Shutdown, never through the log pipeline itself. logpipe's package
// documentation says why the pipeline replaces sdk/log and how the queue is shared out.
//
// # Traces
//
// Spans are batched by exporters/spanbatch with the OTEL_BSP_* settings, in place of the
// SDK's BatchSpanProcessor: the same queue bound, batch size, schedule delay and export
// timeout, without waking the export goroutine for every ended span, and with the spans it
// drops counted.
//
// # Emitted telemetry
//
// Into the MeterProvider that Setup builds, under the semantic conventions' otel.sdk.* names
// (nothing is recorded on the logging or span-ending path):
//
//   - the log pipeline's and the span processor's own counts (otel.sdk.log.created,
//     otel.sdk.processor.{log,span}.processed with error.type on the items they drop,
//     otel.sdk.processor.{log,span}.queue.size and .queue.capacity): see the documentation
//     of exporters/logpipe and exporters/spanbatch;
//   - the exporters' counts (otel.sdk.exporter.{span,log,metric_data_point}.exported with
//     error.type on failed items, and .inflight) and the duration of each export call
//     (otel.sdk.exporter.operation.duration): see the documentation of exporters.
//
// A lost record or span is counted once, where it is lost. Go runtime metrics
// (go.opentelemetry.io/contrib/instrumentation/runtime) are emitted too, unless
// OBSKIT_RUNTIME_METRICS=false. The Logger's records carry the instrumentation scope
// [ScopeName]. Setup itself emits no spans.
//
// # Shutdown
//
// [Telemetry.Shutdown] flushes and shuts down logs, then traces, then metrics, and joins their
// errors; it is idempotent. Each step gets the time left before ctx's deadline less what the
// later steps reserve (traces are flushed first and reserve twice the flush's time; metrics
// reserve an equal share only when an exporter pushes them), so logs get nearly the whole
// deadline when traces and metrics have nothing to do. When the logs' time runs out before
// everything queued is exported, the error says how many log records were not exported; those
// still in flight are counted under error.type shutdown_deadline (their fate is unknown), the
// others as dropped. After Shutdown
// no goroutine of obskit's remains. [Telemetry.ForceFlush] exports what is pending without
// shutting down.
//
// The cost of the logging call, of a span and of a burst, against slog and the stock OTel
// pipelines, is measured by this package's benchmarks (BenchmarkRatio in bench_test.go) and
// by bench/; the README and bench/README.md have the figures.
package telemetry
