// Package exporters builds OpenTelemetry exporters by name, as OTEL_TRACES_EXPORTER,
// OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER name them, several per signal. The entry points
// are [NewSpanExporter], [NewMetricReaders] and [NewLogExporter]:
//
//	exp, err := exporters.NewSpanExporter(ctx, []string{"otlp", "file"},
//		exporters.WithOTLP(settings), exporters.WithFileDir("/var/lib/app/otel"))
//
// The names are otlp (grpc or http/protobuf), console (JSON on stdout), file (OTLP-JSON lines,
// the format of the Collector's file exporter, which its otlpjsonfile receiver reads back),
// none, and, for metrics, prometheus (pull, served on a loopback address). The package does
// not import telemetry; telemetry uses it.
//
// Spans and metrics get opentelemetry-go's exporters (sdktrace.SpanExporter, sdkmetric
// readers); telemetry batches spans with exporters/spanbatch. Logs get exporters of obskit's
// log pipeline, [logpipe.Exporter]: otlp is [logpipe.NewOTLPExporter], which sends the
// pipeline's pre-encoded requests as they are;
// file and console decode each batch's request and write it as one OTLP-JSON line (console:
// to the writer of [WithConsoleWriter], one line per batch rather than one document per
// record). [FanOutLogs] combines several; a batch counts as delivered only if every exporter
// took it.
//
// # Configuration
//
// [OTLPSettings] carries OTEL_EXPORTER_OTLP_{ENDPOINT,PROTOCOL,HEADERS,TIMEOUT,COMPRESSION,INSECURE}
// and their per-signal overrides (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT …), with env tags, so
// that a configuration struct read by envconfig can embed it. It is resolved here, once per
// signal, into an [otlpconf.Target] that every OTLP exporter takes as it is (logpipe's
// transport included). The specification's rules apply: a per-signal setting wins; the shared
// endpoint is a base to which /v1/<signal> is appended for http/protobuf; default protocol
// http/protobuf; default timeout 10s. An export, retries included, never outlasts the
// timeout. Headers are an envconfig.Secret and never appear in an error. TLS files
// (OTEL_EXPORTER_OTLP_{,<SIGNAL>_}CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY) are read from
// the process environment, as opentelemetry-go's exporters do; for logs, a file that cannot
// be read is an error naming the variable. Everything else is a With* [Option], each saying
// its default; a nil Option is skipped, and a zero or negative value means the default.
//
// # Emitted telemetry
//
// Every exporter but prometheus is decorated so that it reports, into the MeterProvider of
// [WithMeterProvider] (default: the global one), under the scope [ScopeName], the semantic
// conventions' exporter instruments; the counts are observable instruments read from atomic
// counters (a few atomic adds per export call, nothing per item):
//
//   - otel.sdk.exporter.span.exported, otel.sdk.exporter.log.exported,
//     otel.sdk.exporter.metric_data_point.exported (counters, {span}, {log_record},
//     {data_point}): the items whose export finished. Items that failed carry error.type:
//     timeout, canceled, rejected (refused by the receiver in an OTLP partial success),
//     too_large (log records the receiver refused for their size, even alone) or _OTHER;
//     items of unknown fate carry shutdown_deadline (see the loss rule below).
//   - otel.sdk.exporter.span.inflight, otel.sdk.exporter.log.inflight,
//     otel.sdk.exporter.metric_data_point.inflight (up-down counters): items being exported.
//   - otel.sdk.exporter.operation.duration (histogram, s): the duration of each export call,
//     with error.type when it failed or the receiver rejected items. It is the one
//     synchronous measurement, one per export call; it times calls and counts no items.
//
// Every point carries otel.component.type and otel.component.name ("type/N", N counting the
// components of that type in the process). The type is the conventions' own for otlp
// (otlp_grpc_span_exporter, otlp_http_log_exporter, otlp_http_metric_exporter …) and
// obskit_<name>_<span|log|metric>_exporter for console and file (obskit_file_span_exporter).
//
// A lost item is counted once, by the layer where it is lost. The batching processors
// (exporters/spanbatch, exporters/logpipe) count, as otel.sdk.processor.{span,log}.processed,
// the items they hand to the exporter (no error.type) and those they drop themselves
// (error.type queue_full or shutdown). An item handed to an exporter whose export fails is
// counted by the exporter's decorator above, with error.type, and by nobody else. Neither
// layer counts export calls: a failed call shows as its items. One error.type is not a loss:
// shutdown_deadline counts the items of an export cancelled in flight when a pipeline's
// Shutdown deadline expired, which the receiver may have taken (their fate is unknown), so
// that sent = delivered + lost + shutdown_deadline exactly.
//
// # Shutdown
//
// The exporters are shut down by the provider, processor or log pipeline that owns them; the
// file exporters close their file then. [MetricReaders.Close] stops the prometheus exporter's HTTP
// server once the MeterProvider is shut down. The decorators' counts stay readable after
// Shutdown, so a MeterProvider shut down last still exports them.
package exporters
