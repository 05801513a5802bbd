// Command obskit-bench runs obskit's benchmark scenario suite beside the libraries users would
// pick instead, and writes a report: REPORT.md (tables, targets with pass or fail, machine),
// results.json and PNG charts into results/<date>-<commit>/.
//
// Usage, from the bench module:
//
//	go run ./cmd/obskit-bench [-quick] [-out results] [-plain] [-only scenario,...] [-large-size bytes]
//	go run ./cmd/obskit-bench -render results/<date>-<commit>   # redraw a report from its results.json
//
// Scenarios: logging-per-call, logging-burst, s3-latency, s3-large, s3-overhead, s3-faults,
// config, soak. The S3 scenarios start versitygw from the tools folder ($OBSKIT_TOOLS_DIR/bin,
// by default ~/.cache/obskit-tools/bin; install it with scripts/install-tools.sh versitygw);
// without it they are skipped and the report says so.
//
// When OTEL_EXPORTER_OTLP_ENDPOINT is set, the run is exported through obskit's telemetry (the
// OTEL_* variables apply): a span per scenario and a gauge per figure (obskit.bench.*).
package main
