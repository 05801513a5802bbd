package exporters

import (
	"io"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// Option configures the constructors of this package ([NewSpanExporter], [NewMetricReaders],
// [NewLogExporter]).
type Option interface {
	apply(config) config
}

type config struct {
	otlp           OTLPSettings
	console        io.Writer
	fileDir        string
	promAddr       string
	metricInterval time.Duration
	metricTimeout  time.Duration
	meterProvider  metric.MeterProvider
	getenv         func(string) string // for the OTLP TLS files; os.Getenv
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	c := config{
		console:        os.Stdout,
		promAddr:       DefaultPrometheusAddr,
		metricInterval: 60 * time.Second,
		metricTimeout:  30 * time.Second,
		getenv:         os.Getenv,
	}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	return c
}

// WithOTLP sets the OTLP exporters' endpoint, protocol, headers, timeout, compression and TLS,
// shared and per signal. Default: the zero OTLPSettings, that is the specification's defaults
// (http/protobuf to http://localhost:4318). Usually read by telemetry from
// OTEL_EXPORTER_OTLP_*. The TLS files (OTEL_EXPORTER_OTLP_{,<SIGNAL>_}CERTIFICATE,
// CLIENT_CERTIFICATE and CLIENT_KEY) are read from the process environment: by the OTLP
// exporters of opentelemetry-go for spans and metrics, and by this package for logs.
func WithOTLP(s OTLPSettings) Option {
	return optionFunc(func(c config) config { c.otlp = s; return c })
}

// WithConsoleWriter sets where the console exporters write: one JSON document per span batch or
// metric collection, one OTLP-JSON line per log batch. nil means the default: os.Stdout.
func WithConsoleWriter(w io.Writer) Option {
	return optionFunc(func(c config) config {
		if w != nil {
			c.console = w
		}
		return c
	})
}

// WithFileDir sets the folder in which the file exporters append OTLP-JSON lines, to
// traces.jsonl, metrics.jsonl and logs.jsonl. Required by the file exporter; no default
// (telemetry reads it from OBSKIT_FILE_EXPORTER_DIR).
func WithFileDir(dir string) Option {
	return optionFunc(func(c config) config { c.fileDir = dir; return c })
}

// WithPrometheusAddr sets the address on which the prometheus exporter serves /metrics.
// "" means the default: [DefaultPrometheusAddr] (loopback only; telemetry reads it from
// OTEL_EXPORTER_PROMETHEUS_HOST and _PORT). Port 0 picks a free port; see
// [MetricReaders.PrometheusAddr].
func WithPrometheusAddr(addr string) Option {
	return optionFunc(func(c config) config {
		if addr != "" {
			c.promAddr = addr
		}
		return c
	})
}

// WithMetricInterval sets how often push metric exporters (otlp, console, file) are collected
// and exported, and the timeout of one export. Defaults: 60s and 30s (OTEL_METRIC_EXPORT_INTERVAL
// and OTEL_METRIC_EXPORT_TIMEOUT in telemetry). Zero or less keeps the default.
func WithMetricInterval(interval, timeout time.Duration) Option {
	return optionFunc(func(c config) config {
		if interval > 0 {
			c.metricInterval = interval
		}
		if timeout > 0 {
			c.metricTimeout = timeout
		}
		return c
	})
}

// WithMeterProvider sets the MeterProvider that receives the exporters' own metrics (see the
// package documentation, # Emitted telemetry). nil means the default: the global MeterProvider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c config) config { c.meterProvider = mp; return c })
}
