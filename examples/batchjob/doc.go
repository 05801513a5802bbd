// Command batchjob is a benchmark-run-style job, instrumented the way a batch job should be:
//
//	go run ./examples/batchjob
//
// runs a few steps (each simulating work for BATCHJOB_STEP_DURATION and producing artifacts:
// a JSON result and binary blobs), logs progress, then uploads every artifact and a manifest
// concurrently with objstore.UploadMany, records run metrics, and prints a summary. Progress shows
// as a bar when stdout is a terminal and as plain lines otherwise (BATCHJOB_PROGRESS overrides).
//
// # Configuration
//
// Its own variables are BATCHJOB_* (see Config). Storage: with AWS_ENDPOINT_URL_S3 or
// OBSKIT_S3_BUCKET set, the S3 server and bucket of objstore/s3.Config; with neither, an embedded
// S3 server (gofakes3, in memory, gone when the job ends). Telemetry: telemetry.ConfigFromEnv
// (OTEL_*, OBSKIT_*); with nothing set, logs go to stderr and nothing is exported.
// OTEL_SERVICE_NAME defaults to obskit-batchjob. Logging blocks rather than drops when the export
// queue is full (telemetry.WithBlockingLogs): a batch job must not lose its records.
//
// # Emitted telemetry
//
// Spans: batchjob.run, with batchjob.step per step and batchjob.upload, under which the
// objstore.put spans and the AWS SDK's spans nest. Metrics (scope ScopeName):
//
//	batchjob.steps           counter    {step}      batchjob.outcome (success, failure)
//	batchjob.step.duration   histogram  s           batchjob.step
//	batchjob.artifacts       counter    {artifact}  batchjob.outcome
//	batchjob.artifact.size   histogram  By
//	batchjob.run.duration    histogram  s           batchjob.outcome
//
// plus the objstore.* metrics, the telemetry pipeline's own and Go runtime metrics. Log records:
// start, each step, the upload, the end, each in its span.
//
// # Shutdown
//
// The run is bounded by BATCHJOB_TIMEOUT; telemetry is shut down (flushed) before the summary is
// printed, within its own 15 seconds.
package main
