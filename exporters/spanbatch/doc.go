// Package spanbatch is obskit's batching span processor: an
// [sdktrace.SpanProcessor] that does what the SDK's BatchSpanProcessor does
// (bounded queue, export by one goroutine in batches of at most
// OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans, when a batch is full or after
// OTEL_BSP_SCHEDULE_DELAY) without waking that goroutine for every span.
//
// The entry point is [New]; telemetry.Setup installs it for traces:
//
//	p, err := spanbatch.New(exp, spanbatch.WithMeterProvider(mp))
//	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
//	defer tp.Shutdown(ctx)
//
// The SDK's BatchSpanProcessor hands every ended span to its goroutine over a
// channel, so each span wakes that goroutine: a futex call on the path of the
// code that ends the span. [Processor] appends the span to a slice under a
// mutex and signals the goroutine once per full batch; otherwise the
// goroutine wakes on its timer. When the goroutine was woken for a full
// batch but has not yet taken the queue, a goroutine that ends a span with
// the queue more than half full yields its processor (runtime.Gosched) once,
// so that the export goroutine runs before the queue fills.
//
// The package exists only while it beats the SDK's batcher: BenchmarkSpan
// (bench_test.go) compares both, and no processor at all, in the same run;
// bench/README.md has the figures (time and allocations per span, share of
// spans delivered).
//
// # Configuration
//
// The options mirror the OTEL_BSP_* variables and have their defaults:
// [WithScheduleDelay] (5 s), [WithExportTimeout] (30 s), [WithMaxQueueSize]
// (2048), [WithMaxExportBatchSize] (512); and [WithMeterProvider] (the global
// MeterProvider), [WithWarningWriter] (os.Stderr), [WithWarningInterval]
// (10 s). A nil Option is skipped; a zero or negative value, or a nil
// writer or provider, means the default: every export is bounded by a
// timeout. telemetry reads the variables and passes them on; this package
// reads no environment.
//
// # Emitted telemetry
//
// Through [WithMeterProvider], under the scope [ScopeName], the semantic
// conventions' instruments of a batching span processor, observable and read
// from [Processor.Stats] at collection (nothing is recorded when a span
// ends). Every point carries otel.component.type batching_span_processor and
// otel.component.name batching_span_processor/N:
//
//	otel.sdk.processor.span.processed       counter  {span}  spans handed to the exporter (no error.type),
//	                                                         or dropped here: error.type queue_full or shutdown
//	otel.sdk.processor.span.queue.size      updown   {span}  spans queued or being exported
//	otel.sdk.processor.span.queue.capacity  updown   {span}  WithMaxQueueSize
//
// The outcome of an export is the exporter's to count: exporters decorates
// the exporters it builds with otel.sdk.exporter.span.exported (error.type on
// failed spans), so that each lost span is counted once. [Processor.Stats]
// still gives every count (DroppedExportFailed and ExportFailures included);
// every sampled span is in exactly one of Exported, Dropped* or Queued.
// After Shutdown the metrics keep reporting the final counts without
// holding the processor.
//
// When spans are lost, for any reason, a one-line warning with the counts
// and the last export error is written to the [WithWarningWriter] writer, by
// the export goroutine at most once per [WithWarningInterval], and once more
// at Shutdown; never from OnEnd.
//
// # Shutdown
//
// [Processor.Shutdown] exports what is queued under its context (bounded by
// the export timeout), stops the goroutine and shuts the exporter down; it is
// idempotent. With a context already done, the last export fails at once for
// an exporter that honours its context and the goroutine ends all the same.
// [Processor.ForceFlush] exports what is queued and then flushes the exporter.
// Neither waits past its context.
package spanbatch
