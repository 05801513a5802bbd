// Command service is an HTTP file store on S3, instrumented end to end:
//
//	go run ./examples/service
//
// listens on 127.0.0.1:8080 (SERVICE_ADDR) and serves
//
//	PUT    /files/{key...}   store the request body under key (201, JSON {"key","bytes"})
//	GET    /files/{key...}   the stored content (404 if none)
//	GET    /files?prefix=p   the stored objects under p, as JSON
//	DELETE /files/{key...}   remove the object (204)
//	GET    /healthz          200 "ok"
//
// Every request gets an HTTP server span from otelhttp (named by its route, e.g.
// "PUT /files/{key...}", continuing a trace given in a traceparent header), which parents the
// objstore.* span of the storage call, which parents the AWS SDK's spans. Log records written
// while handling a request carry its trace and span ids.
//
// # Configuration
//
// Its own variables are SERVICE_* (see Config). Storage: with AWS_ENDPOINT_URL_S3 or
// OBSKIT_S3_BUCKET set, the S3 server and bucket of objstore/s3.Config; with neither, an embedded
// S3 server (gofakes3, in memory) on 127.0.0.1. Telemetry: telemetry.ConfigFromEnv (OTEL_*,
// OBSKIT_*); with nothing set, logs go to stderr as text and nothing is exported, and with
// OTEL_EXPORTER_OTLP_ENDPOINT set, traces, metrics and logs go there. OTEL_SERVICE_NAME defaults
// to obskit-service.
//
// # Emitted telemetry
//
// otelhttp's server spans and http.server.* metrics, the objstore.* spans and metrics, the AWS
// SDK's spans, the telemetry pipeline's own metrics, Go runtime metrics, and one log record per
// request handled (stored, served, listed, deleted or failed) plus start and stop records.
//
// # Shutdown
//
// On SIGINT or SIGTERM the service stops accepting connections, lets requests in flight finish,
// closes the bucket and shuts telemetry down, flushing every pending span, metric and log record,
// all within SERVICE_SHUTDOWN_TIMEOUT; then it exits with status 0.
package main
