package s3

import (
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/objstore"
)

// Option configures [New] and [NewFromClient].
type Option interface {
	apply(options) options
}

type options struct {
	tracerProvider trace.TracerProvider
	meterProvider  metric.MeterProvider
	instrument     bool
	sdkSpans       bool
	stats          *objstore.Stats

	partSize        int64 // 0: from Config (New) or 8 MiB (NewFromClient)
	partConcurrency int   // 0: from Config (New) or 5
	checksum        string
	verifyGet       *bool
}

type optionFunc func(options) options

func (f optionFunc) apply(o options) options { return f(o) }

func newOptions(opts []Option) options {
	o := options{instrument: true, sdkSpans: true}
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

// WithTracerProvider sets the provider of the tracer for the objstore.* spans and the SDK's own
// per-call and per-attempt spans beneath them. Default: the global provider
// (otel.GetTracerProvider) when New or NewFromClient is called. No environment variable.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(o options) options { o.tracerProvider = tp; return o })
}

// WithMeterProvider sets the provider of the meter for the objstore.* metrics. Default: the
// global provider (otel.GetMeterProvider) when New or NewFromClient is called. No environment
// variable.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(o options) options { o.meterProvider = mp; return o })
}

// WithInstrumentation turns the objstore.Instrument decorator (spans and metrics per operation)
// and the SDK's spans on or off. Default: on. No environment variable.
func WithInstrumentation(enabled bool) Option {
	return optionFunc(func(o options) options { o.instrument = enabled; return o })
}

// WithSDKSpans turns on or off the SDK's own spans, nested under the objstore.* span: one per S3
// call (e.g. "S3.PutObject", with rpc.* attributes) and one per attempt ("Attempt", with
// operation.attempt). Off keeps the objstore.* spans and metrics and saves two spans per call
// (more with retries and multipart uploads). Default: on. No environment variable.
func WithSDKSpans(enabled bool) Option {
	return optionFunc(func(o options) options { o.sdkSpans = enabled; return o })
}

// WithStats makes the bucket record every operation into s as well, for [objstore.Stats.Snapshot].
// Default: none. Ignored when instrumentation is off. No environment variable.
func WithStats(s *objstore.Stats) Option {
	return optionFunc(func(o options) options { o.stats = s; return o })
}

// WithPartSize sets the multipart part size in bytes (at least [MinPartSize]); objects of at
// least this size are uploaded in parts. Default: Config.PartSize (OBSKIT_S3_PART_SIZE) for New,
// 8 MiB for NewFromClient.
func WithPartSize(n int64) Option {
	return optionFunc(func(o options) options { o.partSize = n; return o })
}

// WithPartConcurrency sets how many parts of one object are uploaded at once. Default:
// Config.PartConcurrency (OBSKIT_S3_PART_CONCURRENCY) for New, 5 for NewFromClient.
func WithPartConcurrency(n int) Option {
	return optionFunc(func(o options) options { o.partConcurrency = n; return o })
}

// WithChecksum sets the checksum algorithm sent with every upload: "CRC32", "CRC32C", "SHA1" or
// "SHA256". Default: Config.Checksum (OBSKIT_S3_CHECKSUM) for New, "CRC32C" for NewFromClient.
func WithChecksum(algorithm string) Option {
	return optionFunc(func(o options) options { o.checksum = algorithm; return o })
}

// WithVerifyGet sets whether Get verifies the stored checksum of what it reads (whole objects
// with a full-object checksum; ranges and composite multipart checksums are not verifiable).
// Default: Config.VerifyGet (OBSKIT_S3_VERIFY_GET) for New, true for NewFromClient.
func WithVerifyGet(enabled bool) Option {
	return optionFunc(func(o options) options { o.verifyGet = &enabled; return o })
}
