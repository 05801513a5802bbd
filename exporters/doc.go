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
// readers); telemetry batches spans with exporters/spanbatch. Logs get exporters of obskit's log pipeline, [logpipe.Exporter]: otlp is
// [logpipe.NewOTLPExporter], which sends the pipeline's pre-encoded requests as they are;
// file and console decode each batch's request and write it as one OTLP-JSON line (console:
// to the writer of [WithConsoleWriter], one line per batch rather than one document per
// record). [FanOutLogs] combines several; a batch counts as delivered only if every exporter
// took it.
//
// # Configuration
//
// [OTLPSettings] carries OTEL_EXPORTER_OTLP_{ENDPOINT,PROTOCOL,HEADERS,TIMEOUT,COMPRESSION,INSECURE}
// and their per-signal overrides (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT …), with env tags, so
// that a configuration struct read by envconfig can embed it. The specification's rules
// apply: a per-signal setting wins; the shared endpoint is a base to which /v1/<signal> is
// appended for http/protobuf; default protocol http/protobuf; default timeout 10s. An export,
// retries included, never outlasts the timeout. Headers are an envconfig.Secret and never
// appear in an error. TLS files (OTEL_EXPORTER_OTLP_{,<SIGNAL>_}CERTIFICATE, CLIENT_CERTIFICATE,
// CLIENT_KEY) are read from the process environment, as opentelemetry-go's exporters do; for
// logs, a file that cannot be read is an error naming the variable. Everything else is a With*
// [Option], each saying its default.
//
// # Emitted telemetry
//
// Every exporter but prometheus is decorated so that it records, into the MeterProvider of
// [WithMeterProvider] (default: the global one):
//
//   - obskit.exporter.exported (counter, {item}): spans, metric data points or log records
//     handed to the exporter, with obskit.signal and obskit.exporter; those whose export
//     failed, and are therefore lost, also carry error.type (timeout, canceled or _OTHER).
//   - obskit.exporter.failures (counter, {export}): failed export calls, same attributes.
//
// # Shutdown
//
// The exporters are shut down by the provider, processor or log pipeline that owns them; the
// file exporters close their file then. [MetricReaders.Close] stops the prometheus exporter's HTTP
// server once the MeterProvider is shut down.
package exporters
