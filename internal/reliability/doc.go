// Package reliability holds obskit's reliability and security tests. It has no code of its own:
// each item below is a test, run against the real OpenTelemetry Collector and the real versitygw
// S3 server that internal/testserver starts on loopback (testserver.Require: skipped without
// the tools, failed under CI=true). RELIABILITY.md at the repository root shows the figures
// they measured.
//
//  1. TestCollectorOutage: 5,000 records/s logged through telemetry.Setup (obskit's log
//     pipeline, OTLP/gRPC) while uploading to S3; the Collector stopped for 4 s (10 s long) and
//     restarted. Logging calls never block (p99 per-call latency during the outage within 2× of
//     the healthy phase), the live heap stays within the queue bound, uploads keep working,
//     sent = delivered + dropped exactly (delivered counted by a unique attribute in the
//     Collector's file, dropped by the pipeline's metrics), and export resumes by itself.
//  2. TestShutdownLosesNothing: 100,000 records logged, then Shutdown: all reach the Collector.
//     A Shutdown whose deadline expires returns an error saying how many records were not
//     exported, and the count is right.
//  3. TestS3Faults: slow and hung responses, a caller's deadline, the server stopped mid-upload
//     briefly and for longer than the retries last (objstore/s3/fault_test.go covers SlowDown,
//     resets and delays at scale): no success for an object not stored whole, no multipart
//     upload left open.
//  4. TestSoak: mixed logging and uploads for 60 s (10 min long); live heap and goroutine count
//     flat after the warm-up (growth under 5%), goleak clean after Shutdown.
//  5. Fuzzing: the Fuzz targets live beside the code they test (envconfig, objstore,
//     telemetry, exporters); CI runs each briefly, and TestReliabilityReport records their
//     executions.
//  6. TestSecretCanaries: the examples, built with go build and run as processes, with canary
//     credentials, OTLP headers and an envconfig.Secret, on their success and failure paths; no
//     canary in any output, file or Collector record. Also the SDK's client log modes with a
//     caller-built client (objstore/s3 has no switch for them).
//  7. TestBadInput: malformed environment values, invalid keys, unreachable endpoints, wrong
//     credentials, cancelled contexts and failing readers give clear errors naming what is
//     wrong; nothing panics; nothing is half-written.
//
// # Configuration
//
// Flags of go test (after the package):
//
//	-reliability.long         the long variants (10 s outage, 10 min soak); OBSKIT_LONG=1 does the same
//	-update                   TestReliabilityReport measures everything and rewrites RELIABILITY.md
//	-reliability.fuzztime=10s how long TestReliabilityReport -update runs each fuzz target
//
// The short variants run by default, so go test ./... in CI runs every item in about two and a
// half minutes. The long ones need a longer -timeout:
//
//	go test ./internal/reliability -reliability.long -timeout 30m
//
// # RELIABILITY.md
//
// The report is rewritten only by
//
//	go test ./internal/reliability -run TestReliabilityReport -update -timeout 30m [-reliability.long]
//
// which runs every measurement (the item tests skip themselves under -update, so nothing runs
// twice) and writes the file even when a check fails, marking the item FAILED. The file ends
// with the figures as JSON; without -update, TestReliabilityReport renders the text again from
// them and fails if it differs (hand edits, or a template change without a new run), if a
// recorded figure breaks its claim (sent ≠ delivered + dropped, a lost record at Shutdown,
// soak growth of 5% or more, a canary found), or if a fuzz target of the root module is
// missing from the report. Figures are therefore never rewritten by CI; the structure is
// checked on every run.
//
// # Emitted telemetry
//
// None of its own: the tests send the telemetry of the code under test to the Collector.
//
// # Shutdown
//
// Every test shuts down what it started (telemetry, buckets, servers, example processes);
// goleak checks in TestMain that no goroutine is left.
package reliability
