package objstore

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// InstrumentOption configures [Instrument].
type InstrumentOption interface {
	applyInstrument(instrumentConfig) instrumentConfig
}

type instrumentConfig struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	bucketName     string
	stats          *Stats
}

type instrumentOptionFunc func(instrumentConfig) instrumentConfig

func (f instrumentOptionFunc) applyInstrument(c instrumentConfig) instrumentConfig { return f(c) }

func newInstrumentConfig(opts []InstrumentOption) instrumentConfig {
	var c instrumentConfig
	for _, o := range opts {
		if o != nil {
			c = o.applyInstrument(c)
		}
	}
	if c.tracerProvider == nil {
		c.tracerProvider = otel.GetTracerProvider()
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	return c
}

// WithTracerProvider sets the provider of the tracer that records one span per operation.
// Default: the global provider (otel.GetTracerProvider) at the time Instrument is called. No
// environment variable.
func WithTracerProvider(tp trace.TracerProvider) InstrumentOption {
	return instrumentOptionFunc(func(c instrumentConfig) instrumentConfig { c.tracerProvider = tp; return c })
}

// WithMeterProvider sets the provider of the meter that records the objstore.* metrics.
// Default: the global provider (otel.GetMeterProvider) at the time Instrument is called. No
// environment variable.
func WithMeterProvider(mp metric.MeterProvider) InstrumentOption {
	return instrumentOptionFunc(func(c instrumentConfig) instrumentConfig { c.meterProvider = mp; return c })
}

// WithBucketName sets the bucket name recorded as the aws.s3.bucket attribute on spans and
// metrics. Default: none, and the attribute is left out. No environment variable (objstore/s3
// passes its configured bucket).
func WithBucketName(name string) InstrumentOption {
	return instrumentOptionFunc(func(c instrumentConfig) instrumentConfig { c.bucketName = name; return c })
}

// WithStats makes the decorator also record every operation into s, for a report ([Stats.Snapshot]).
// Default: none. No environment variable.
func WithStats(s *Stats) InstrumentOption {
	return instrumentOptionFunc(func(c instrumentConfig) instrumentConfig { c.stats = s; return c })
}
