package testserver

import (
	"path/filepath"
	"testing"
)

// DefaultCollectorConfig is the Collector config StartCollector uses unless
// [WithCollectorConfig] says otherwise, relative to the repository root.
const DefaultCollectorConfig = "deploy/otelcol/test.yaml"

// Collector is an otelcol-obskit process started by [StartCollector]. Its
// fields do not change after the start. Stop waits until the Collector has
// exited, so its file exporters have flushed; Restart keeps the ports and the
// output folder (the files are appended to). All methods are safe for
// concurrent use, but those taking a testing.TB must be called from the test
// goroutine.
type Collector struct {
	// GRPCEndpoint is the OTLP/gRPC receiver's address, "127.0.0.1:PORT".
	GRPCEndpoint string
	// HTTPEndpoint is the OTLP/HTTP receiver's address, "127.0.0.1:PORT";
	// the signals are at http://HTTPEndpoint/v1/{traces,metrics,logs}.
	HTTPEndpoint string
	// OutputDir holds traces.jsonl, metrics.jsonl and logs.jsonl written by
	// the file exporters of deploy/otelcol/test.yaml (a t.TempDir()).
	OutputDir string

	*process // provides Stop and Restart
}

// CollectorOption changes how [StartCollector] runs the Collector.
type CollectorOption interface {
	apply(collectorConfig) collectorConfig
}

type collectorConfig struct {
	configPath string
	env        []string
}

type collectorOptionFunc func(collectorConfig) collectorConfig

func (f collectorOptionFunc) apply(c collectorConfig) collectorConfig { return f(c) }

// WithCollectorConfig runs the Collector with the config file at path
// (absolute, or relative to the repository root) instead of
// [DefaultCollectorConfig]. The config may use the environment variables
// StartCollector sets (see there) and those given with [WithCollectorEnv].
func WithCollectorConfig(path string) CollectorOption {
	return collectorOptionFunc(func(c collectorConfig) collectorConfig {
		c.configPath = path
		return c
	})
}

// WithCollectorEnv sets an environment variable for the Collector process,
// for instance OTELCOL_PROMETHEUS_ENDPOINT or OTELCOL_JAEGER_ENDPOINT for
// deploy/otelcol/stack.yaml. Default: nothing beyond what StartCollector sets.
func WithCollectorEnv(key, value string) CollectorOption {
	return collectorOptionFunc(func(c collectorConfig) collectorConfig {
		c.env = append(c.env, key+"="+value)
		return c
	})
}

// StartCollector starts otelcol-obskit (see [Require]) on free loopback
// ports and returns once both OTLP receivers accept connections. The process
// gets the environment variables OTELCOL_GRPC_ENDPOINT, OTELCOL_HTTP_ENDPOINT,
// OTELCOL_OUTPUT_DIR and OTELCOL_TELEMETRY_PORT (a free port, so that
// stack.yaml's own metrics never take 8888). A t.Cleanup stops it; its
// output goes to the test log if the test failed. Call it from the test
// goroutine.
func StartCollector(t testing.TB, opts ...CollectorOption) *Collector {
	t.Helper()
	cfg := collectorConfig{configPath: DefaultCollectorConfig}
	for _, o := range opts {
		cfg = o.apply(cfg)
	}
	configPath, err := repoFile(cfg.configPath)
	if err != nil {
		t.Fatalf("testserver: collector config %s: %v", cfg.configPath, err)
	}
	c := &Collector{
		GRPCEndpoint: FreePort(t),
		HTTPEndpoint: FreePort(t),
		OutputDir:    t.TempDir(),
	}
	_, telemetryPort := splitPort(t, FreePort(t))
	env := []string{
		"OTELCOL_GRPC_ENDPOINT=" + c.GRPCEndpoint,
		"OTELCOL_HTTP_ENDPOINT=" + c.HTTPEndpoint,
		"OTELCOL_OUTPUT_DIR=" + c.OutputDir,
		"OTELCOL_TELEMETRY_PORT=" + telemetryPort,
	}
	c.process = &process{
		tool:  ToolCollector,
		args:  []string{"--config=" + configPath},
		env:   append(env, cfg.env...),
		ready: tcpReady(c.GRPCEndpoint, c.HTTPEndpoint),
	}
	startProcess(t, c.process)
	return c
}

// ReadLogs returns every log record in OutputDir/logs.jsonl so far, in the
// order written. A missing file gives none; a line that does not parse ends
// the test.
func (c *Collector) ReadLogs(t testing.TB) []LogRecord {
	t.Helper()
	return readJSONLines(t, filepath.Join(c.OutputDir, "logs.jsonl"), logRecordOf)
}

// ReadSpans returns every span in OutputDir/traces.jsonl so far, in the order
// written. A missing file gives none; a line that does not parse ends the
// test.
func (c *Collector) ReadSpans(t testing.TB) []Span {
	t.Helper()
	return readJSONLines(t, filepath.Join(c.OutputDir, "traces.jsonl"), spanOf)
}

// ReadMetrics returns every metric in OutputDir/metrics.jsonl so far, one
// entry per metric per export, in the order written. A missing file gives
// none; a line that does not parse ends the test.
func (c *Collector) ReadMetrics(t testing.TB) []Metric {
	t.Helper()
	return readJSONLines(t, filepath.Join(c.OutputDir, "metrics.jsonl"), metricOf)
}
