// Package reliability holds obskit's reliability and security tests: a Collector outage under
// load, a lossless Shutdown, S3 faults, a soak, secret canaries and a table of bad input, each
// run against the real OpenTelemetry Collector and the real versitygw S3 server that
// internal/testserver starts. The package has no code of its own; see RELIABILITY.md at the
// repository root for the figures.
package reliability
