package logbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
)

// obskitEnv is the environment telemetry.Setup reads for the benchmarks: no console output, no
// runtime metrics, no traces or metrics exported; logs as the caller adds.
func obskitEnv(extra map[string]string) map[string]string {
	env := map[string]string{
		"OTEL_SERVICE_NAME":      "obskit-bench",
		"OTEL_TRACES_EXPORTER":   "none",
		"OTEL_METRICS_EXPORTER":  "none",
		"OBSKIT_LOG_CONSOLE":     "off",
		"OBSKIT_RUNTIME_METRICS": "false",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func newObskit(ctx context.Context, env map[string]string, opts ...telemetry.Option) (*Target, error) {
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		return nil, err
	}
	reader := sdkmetric.NewManualReader()
	opts = append(opts, telemetry.WithMetricReader(reader), telemetry.WithDiagnostics(io.Discard))
	tel, err := telemetry.Setup(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	// The drop counter is an observable read through the MeterProvider, which Shutdown stops: so
	// Close flushes the logs first, keeps the count, then shuts down.
	var final atomic.Int64
	final.Store(-1)
	dropped := func() int64 {
		if n := final.Load(); n >= 0 {
			return n
		}
		return lostRecords(reader)
	}
	return &Target{
		Name:    Obskit,
		Log:     slogCall(tel.Logger()),
		Dropped: dropped,
		close: func(ctx context.Context) error {
			flushErr := tel.ForceFlush(ctx)
			final.Store(lostRecords(reader))
			return errors.Join(flushErr, tel.Shutdown(ctx))
		},
	}, nil
}

// NewObskit returns obskit's logger as a service gets it, telemetry.Setup(...).Logger(), with
// the console output off and logpipe.Discard as its only log exporter (telemetry.WithLogExporter).
func NewObskit(ctx context.Context) (*Target, error) {
	return newObskit(ctx, obskitEnv(map[string]string{"OTEL_LOGS_EXPORTER": "none"}), telemetry.WithLogExporter(logpipe.Discard{}))
}

// NewObskitOTLP returns obskit's logger from telemetry.Setup exporting logs over OTLP gRPC to
// endpoint (host:port, plaintext) with every other setting at its default.
func NewObskitOTLP(ctx context.Context, endpoint string) (*Target, error) {
	return newObskit(ctx, obskitEnv(map[string]string{
		"OTEL_LOGS_EXPORTER":          "otlp",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + endpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
		"OTEL_EXPORTER_OTLP_INSECURE": "true",
	}))
}

// NewLogpipe returns the otelslog bridge over obskit's exporters/logpipe provider with default
// settings, exporting to exp (logpipe.Discard{} to measure the record path alone).
func NewLogpipe(exp logpipe.Exporter) (*Target, error) {
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		return nil, err
	}
	return &Target{
		Name: Logpipe,
		Log:  slogCall(slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp)))),
		Dropped: func() int64 {
			return int64(lp.Stats().Dropped)
		},
		close: lp.Shutdown,
	}, nil
}

// NewLogpipeOTLP is NewLogpipe exporting over OTLP gRPC to endpoint (host:port, plaintext).
func NewLogpipeOTLP(endpoint string) (*Target, error) {
	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: endpoint, Insecure: true})
	if err != nil {
		return nil, err
	}
	return NewLogpipe(exp)
}

// lostRecords collects reader and returns the log records the pipeline counted as lost (its
// drops and its failed exports), or -1 when collection fails.
func lostRecords(reader sdkmetric.Reader) int64 {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		return -1
	}
	return testkit.ReadLogPipeline(rm).LostTotal()
}

// Open builds the named logger with a discarding exporter (the per-call comparison).
func Open(ctx context.Context, name string) (*Target, error) {
	switch name {
	case SlogJSON:
		return NewSlogJSON(), nil
	case Zap:
		return NewZap(), nil
	case Zerolog:
		return NewZerolog(), nil
	case StockOTel:
		return NewStockOTel(DiscardExporter{}), nil
	case Obskit:
		return NewObskit(ctx)
	case Logpipe:
		return NewLogpipe(logpipe.Discard{})
	}
	return nil, fmt.Errorf("%w named %q", errNoLogger, name)
}

// OpenOTLP builds the named OTel pipeline exporting over OTLP gRPC to endpoint: StockOTel,
// Obskit or Logpipe.
func OpenOTLP(ctx context.Context, name, endpoint string) (*Target, error) {
	switch name {
	case StockOTel:
		return NewStockOTLP(ctx, endpoint)
	case Obskit:
		return NewObskitOTLP(ctx, endpoint)
	case Logpipe:
		return NewLogpipeOTLP(endpoint)
	}
	return nil, fmt.Errorf("%w exporting over OTLP named %q", errNoLogger, name)
}

// Names lists every logger Open knows, the reference (SlogJSON) first.
func Names() []string { return []string{SlogJSON, Zap, Zerolog, StockOTel, Obskit, Logpipe} }
