// Package otlpfile reads back what the file exporters (package exporters, name "file") wrote:
// the OTLP-JSON lines of traces.jsonl, logs.jsonl and metrics.jsonl in one folder. The examples
// use it to report how many spans and log records they wrote, counted from the files rather
// than estimated. The entry points are MarkFiles, taken before telemetry starts, and Read, which
// parses only what was appended since the mark (the exporters append, so a folder may hold
// earlier runs).
//
// # Configuration
//
// None: the folder is an argument.
//
// # Emitted telemetry
//
// None.
//
// # Shutdown
//
// Nothing to shut down. Read the files after the telemetry that writes them is shut down, so
// that every batch has been written.
package otlpfile
