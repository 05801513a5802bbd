// Command quickstart is obskit's demo. With nothing configured,
//
//	go run ./examples/quickstart
//
// starts an embedded S3 server (gofakes3) on 127.0.0.1, sets up telemetry that writes OTLP-JSON
// lines to a local folder (the file exporter, for traces, metrics and logs) and prints where,
// uploads a set of objects of mixed sizes through objstore/s3 (instrumented, with
// objstore.UploadMany), reads them back and checks that they are byte-identical, logs through
// slog, and prints a short summary: objects, bytes, success rate, latency p50/p95/p99, and the
// spans and log records written, counted from the files once telemetry is shut down.
//
// # Configuration
//
// Its own variables are QUICKSTART_* (see Config). With OTEL_EXPORTER_OTLP_ENDPOINT (or a
// signal's own endpoint) set, telemetry also goes to that OTLP endpoint; with AWS_ENDPOINT_URL_S3
// or OBSKIT_S3_BUCKET set, objects go to that S3 server (the variables of objstore/s3.Config;
// the bucket must exist). Every other telemetry variable (OTEL_*, OBSKIT_*) is honoured as in
// telemetry.ConfigFromEnv; an exporter list set explicitly is used as given, and the summary
// counts from the files only the signals whose list names file.
//
// # Emitted telemetry
//
// A root span quickstart.run with quickstart.upload and quickstart.verify beneath it, under which
// the objstore.* spans and the AWS SDK's spans nest; the objstore.* metrics, the telemetry
// pipeline's own metrics and Go runtime metrics; a handful of log records, each in a span.
//
// # Shutdown
//
// Telemetry is shut down (everything flushed to the files) before the summary is printed; the run
// is bounded by QUICKSTART_TIMEOUT.
package main
