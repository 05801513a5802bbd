// Package telemetry sets up OpenTelemetry traces, metrics and logs for a service in one call,
// with log/slog feeding a batched OTel log pipeline. The entry point is [Setup]:
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
// OTEL_BSP_*, OTEL_BLRP_*, OTEL_METRIC_EXPORT_INTERVAL/TIMEOUT, OTEL_LOG_LEVEL) and obskit's
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
// Backpressure: a logging call never waits for the network. The batch processor queues up to
// OTEL_BLRP_MAX_QUEUE_SIZE records; when the queue is full, records are dropped, counted in
// obskit.log.records.dropped and reported on the diagnostics writer at most once per 10
// seconds. OBSKIT_LOG_BLOCK or [WithBlockingLogs] makes logging calls wait for room instead.
//
// # Emitted telemetry
//
//   - obskit.log.records.dropped (counter, {record}): log records dropped because the export
//     queue was full.
//   - the exporters' own metrics (package exporters): obskit.exporter.exported and
//     obskit.exporter.failures, by signal and exporter.
//   - Go runtime metrics (go.opentelemetry.io/contrib/instrumentation/runtime), unless
//     OBSKIT_RUNTIME_METRICS=false.
//
// # Shutdown
//
// [Telemetry.Shutdown] flushes and shuts down logs, then traces, then metrics, each with an
// equal share of the time left before ctx's deadline, and joins their errors; it is
// idempotent. [Telemetry.ForceFlush] exports what is pending without shutting down. After
// Shutdown no goroutine of obskit's remains.
package telemetry
