package s3

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/objstore"
)

// Option configures [New] and [NewFromClient]. Options carry only what [Config] cannot: the
// telemetry providers and what is recorded; every setting of the bucket itself is a Config
// field. A nil Option is skipped.
type Option interface {
	apply(options) options
}

type options struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	instrument     bool
	sdkSpans       *bool // nil: Config.SDKSpans
	stats          *objstore.Stats
}

type optionFunc func(options) options

func (f optionFunc) apply(o options) options { return f(o) }

func newOptions(opts []Option) options {
	o := options{instrument: true}
	for _, opt := range opts {
		if opt != nil {
			o = opt.apply(o)
		}
	}
	if o.tracerProvider == nil {
		o.tracerProvider = otel.GetTracerProvider()
	}
	if o.meterProvider == nil {
		o.meterProvider = otel.GetMeterProvider()
	}
	return o
}

// WithTracerProvider sets the provider of the tracer for the objstore.* spans and, when they are
// on ([WithSDKSpans]), the SDK's own per-call and per-attempt spans beneath them. Default (and
// for nil): the global provider (otel.GetTracerProvider) when New or NewFromClient is called. No
// environment variable.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(o options) options { o.tracerProvider = tp; return o })
}

// WithMeterProvider sets the provider of the meter for the objstore.* metrics. Default (and for
// nil): the global provider (otel.GetMeterProvider) when New or NewFromClient is called. No
// environment variable.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(o options) options { o.meterProvider = mp; return o })
}

// WithInstrumentation turns on or off the instrumentation: the objstore.Instrument decorator
// (spans and metrics per operation), the SDK's spans and the attempt counting. Off, New and
// NewFromClient return the bare [*Bucket]. Default: on. No environment variable.
func WithInstrumentation(enabled bool) Option {
	return optionFunc(func(o options) options { o.instrument = enabled; return o })
}

// WithSDKSpans turns on or off the SDK's own spans, nested under the objstore.* span: one per S3
// call (e.g. "S3.PutObject", with rpc.* attributes) and one per attempt ("Attempt", with
// operation.attempt). Off, the objstore.* spans and metrics stay, and each retry is an event on
// the objstore.* span either way. Default: Config.SDKSpans (OBSKIT_S3_SDK_SPANS, default off);
// the option, when given, wins over it.
func WithSDKSpans(enabled bool) Option {
	return optionFunc(func(o options) options { o.sdkSpans = &enabled; return o })
}

// WithStats makes the bucket record every operation into s as well, for [objstore.Stats.Snapshot].
// Default (and for nil): none. Ignored when instrumentation is off. No environment variable.
func WithStats(s *objstore.Stats) Option {
	return optionFunc(func(o options) options { o.stats = s; return o })
}
