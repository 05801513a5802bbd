// Package selfobs is obskit's one self-observability core, shared by the batching span
// processor (exporters/spanbatch), the log pipeline (exporters/logpipe) and the exporter
// decorators of exporters:
//
//   - [Component] names one instance with the semantic conventions' otel.component.type
//     and otel.component.name ("type/N") attributes.
//   - [RegisterProcessor] reports a batching processor's counts under
//     otel.sdk.processor.{span,log}.processed (error.type on the items the processor itself
//     dropped: [ErrorQueueFull], [ErrorShutdown]), .queue.size and .queue.capacity, and,
//     for logs, otel.sdk.log.created.
//   - [Exporter] counts an exporter's items, by outcome, in atomics and reports them under
//     otel.sdk.exporter.{span,log,metric_data_point}.exported (error.type on failed items, and
//     [ErrorShutdownDeadline] on items whose export was cancelled in flight by a Shutdown's
//     deadline: their fate is unknown)
//     and .inflight, and times each export call as otel.sdk.exporter.operation.duration.
//   - [Warner] writes rate-limited warnings about losses to a plain writer.
//
// # Configuration
//
// Each constructor takes what it reports: a MeterProvider, a [Component] and a function
// that reads the counts. A nil MeterProvider means the OTel global one.
//
// # Emitted telemetry
//
// Counts are observable instruments: nothing is recorded on the path that logs a record or
// ends a span; each collection calls the registered read function, or reads atomics. The one
// synchronous instrument is the exporters' operation duration, recorded once per export call. Instrument
// names, units and attributes are those of go.opentelemetry.io/otel/semconv/v1.43.0/otelconv.
//
// # Shutdown
//
// [Processor.Freeze] reads the counts one last time and keeps them: collections after the
// processor is shut down report its final counts without holding the processor. An
// [Exporter]'s counts are its own atomics and stay readable as they are.
package selfobs
