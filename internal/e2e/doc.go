// Package e2e holds obskit's end-to-end test: the examples run against the local stack as
// scripts/stack.sh starts it (the Collector otelcol-obskit with deploy/otelcol/stack.yaml,
// Jaeger v2, Prometheus scraping the Collector's prometheus exporter, versitygw as the S3
// server, all on 127.0.0.1 through internal/testserver), and what they emitted is checked where
// a user would look for it:
//
//   - Jaeger's HTTP API: the service's traces have the HTTP server span at the root, objstore.*
//     spans beneath it carrying objstore.success and objstore.latency_ms, and the AWS SDK's
//     spans beneath those;
//   - Prometheus: the objstore metrics, the log pipeline's and exporters' metrics and the Go
//     runtime metrics, under the names the dashboards use, with exemplars that name traces
//     Jaeger has;
//   - the Collector's file output: the service's log records carry the ids of those traces;
//   - every PromQL query of every panel in deploy/grafana/dashboards returns at least one
//     series from that Prometheus.
//
// Between the examples and versitygw sits a small HTTP proxy that answers some requests with
// S3 errors (503 SlowDown now and then, 500 for keys starting with "fail-"), so that the
// retry and failure panels have data; one example run sends its logs to a closed port, so
// that the export-failure panels do.
//
// A second test, TestScaleOutThroughAgent (scaleout_test.go), runs the examples against the
// scale-out topology of deploy/scale-out as scripts/scale-out.sh starts it (an agent Collector
// load-balancing by trace id over two tail-sampling gateways) and checks that every trace
// reaches exactly one gateway whole, also while one gateway is stopped.
//
// It also validates docker-compose.otel.yml (Debian's docker-compose, `config -q`) and the
// Collector configs deploy/otelcol/stack.yaml and deploy/otelcol/compose.yaml (the built
// Collector's validate subcommand).
//
// # Configuration
//
// Nothing to set: ports are free loopback ports, folders are t.TempDir(). The tools come from
// scripts/install-tools.sh; testserver.Require skips the tests when one is missing, or fails
// them under CI=true.
//
// # Emitted telemetry
//
// None of its own; the examples it runs send theirs to the stack.
//
// # Shutdown
//
// Every server and example process is stopped by a t.Cleanup (SIGTERM, then a kill).
//
// The package has no non-test code besides this file.
package e2e
