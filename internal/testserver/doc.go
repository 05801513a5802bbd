// Package testserver starts the real servers that obskit's tests talk to, on
// loopback ports, one set per test: the OpenTelemetry Collector
// ([StartCollector], which writes what it receives to files that
// [Collector.ReadLogs], [Collector.ReadSpans] and [Collector.ReadMetrics]
// parse back), the versitygw S3 gateway ([StartVersity]), MinIO with a built-in
// KMS key for tests of server-side encryption ([StartMinIO]), Jaeger v2
// ([StartJaeger]) and Prometheus ([StartPrometheus]).
//
//	func TestExport(t *testing.T) {
//		c := testserver.StartCollector(t)
//		// ... export to "http://" + c.HTTPEndpoint ...
//		testserver.WaitFor(t, func() bool { return len(c.ReadLogs(t)) > 0 }, 10*time.Second)
//	}
//
// # Configuration
//
// The programs are installed by scripts/install-tools.sh into
// [ToolsDir]/bin ($OBSKIT_TOOLS_DIR/bin, by default
// ${XDG_CACHE_HOME:-$HOME/.cache}/obskit-tools/bin, shared by every clone);
// aws, prometheus and docker-compose come from Debian packages in /usr/bin.
// [Tool] finds one; [Require] skips the test when one is missing, or fails it
// when the environment variable CI is true, so that a test needing a real
// server never passes unseen in CI. Every Start function calls Require.
//
// The servers read their config from deploy/ at the repository root:
// deploy/otelcol/test.yaml (or another file, [WithCollectorConfig]),
// deploy/jaeger/config.yaml and deploy/prometheus/prometheus.yml. Ports,
// folders and credentials reach them through environment variables, listed
// at each Start function and in each config file. Everything binds
// 127.0.0.1; ports come from [FreePort].
//
// # Emitted telemetry
//
// None: the package only starts processes and reads what they wrote.
//
// # Shutdown
//
// Every Start function registers a t.Cleanup that stops the server (SIGTERM,
// then a kill after 10s) and, if the test failed, writes the server's output
// to the test log. Stop and Restart on the returned value stop a server early
// and start it again on the same ports with the same data, for tests of
// outages. On Linux a server is also killed when the test binary dies.
//
// # Concurrency
//
// The returned values may be used from several goroutines. Functions and
// methods taking a testing.TB may end the test with t.Fatalf and must be
// called from the test goroutine, as testing requires.
package testserver
