package spanbatch

import (
	"io"
	"time"

	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// Defaults of the processor: those of the OTel specification and of the SDK's
// BatchSpanProcessor (the OTEL_BSP_* variables).
const (
	// DefaultScheduleDelay is the longest a span waits before it is exported
	// (OTEL_BSP_SCHEDULE_DELAY).
	DefaultScheduleDelay = 5 * time.Second
	// DefaultExportTimeout bounds one call of the exporter's ExportSpans
	// (OTEL_BSP_EXPORT_TIMEOUT).
	DefaultExportTimeout = 30 * time.Second
	// DefaultMaxQueueSize is the most spans waiting for export; more are
	// dropped and counted (OTEL_BSP_MAX_QUEUE_SIZE).
	DefaultMaxQueueSize = 2048
	// DefaultMaxExportBatchSize is the most spans in one export
	// (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).
	DefaultMaxExportBatchSize = 512
	// DefaultWarningInterval is the least time between two warnings about
	// dropped spans.
	DefaultWarningInterval = selfobs.DefaultWarningInterval
)

type config struct {
	scheduleDelay time.Duration
	exportTimeout time.Duration
	maxQueue      int
	maxBatch      int
	meterProvider metric.MeterProvider
	warnWriter    io.Writer
	warnInterval  time.Duration
}

func newConfig(opts []Option) config {
	c := config{
		scheduleDelay: DefaultScheduleDelay,
		exportTimeout: DefaultExportTimeout,
		maxQueue:      DefaultMaxQueueSize,
		maxBatch:      DefaultMaxExportBatchSize,
	}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	if c.maxBatch > c.maxQueue {
		c.maxBatch = c.maxQueue // as the SDK does
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	return c
}

// Option configures a [Processor].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithScheduleDelay sets the longest time a span waits in the queue before it
// is exported; a full batch is exported at once. Zero or less means the
// default: [DefaultScheduleDelay] (5 s), as OTEL_BSP_SCHEDULE_DELAY.
func WithScheduleDelay(d time.Duration) Option {
	return optionFunc(func(c config) config {
		if d > 0 {
			c.scheduleDelay = d
		}
		return c
	})
}

// WithExportTimeout bounds each call of the exporter's ExportSpans; every
// export is bounded. Zero or less means the default: [DefaultExportTimeout]
// (30 s), as OTEL_BSP_EXPORT_TIMEOUT.
func WithExportTimeout(d time.Duration) Option {
	return optionFunc(func(c config) config {
		if d > 0 {
			c.exportTimeout = d
		}
		return c
	})
}

// WithMaxQueueSize sets how many ended spans may wait for export; a span that
// ends while the queue is full is dropped and counted. Zero or less means the
// default: [DefaultMaxQueueSize] (2048), as OTEL_BSP_MAX_QUEUE_SIZE.
func WithMaxQueueSize(n int) Option {
	return optionFunc(func(c config) config {
		if n > 0 {
			c.maxQueue = n
		}
		return c
	})
}

// WithMaxExportBatchSize sets the most spans handed to the exporter in one
// call, and the queue length at which an export starts without waiting for
// the schedule delay. It is capped at the queue size; zero or less means the
// default: [DefaultMaxExportBatchSize] (512), as
// OTEL_BSP_MAX_EXPORT_BATCH_SIZE.
func WithMaxExportBatchSize(n int) Option {
	return optionFunc(func(c config) config {
		if n > 0 {
			c.maxBatch = n
		}
		return c
	})
}

// WithMeterProvider sets the MeterProvider that receives the processor's own
// metrics (see the package documentation). nil means the default: the global
// one (otel.GetMeterProvider), read when the processor is created.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c config) config {
		c.meterProvider = mp
		return c
	})
}

// WithWarningWriter sets where rate-limited warnings about dropped spans and
// failed exports are written; they never go through a telemetry pipeline. nil
// means the default: os.Stderr. To discard them, pass io.Discard.
func WithWarningWriter(w io.Writer) Option {
	return optionFunc(func(c config) config {
		c.warnWriter = w
		return c
	})
}

// WithWarningInterval sets the least time between two warnings. Zero or less
// means the default: [DefaultWarningInterval] (10 s).
func WithWarningInterval(d time.Duration) Option {
	return optionFunc(func(c config) config {
		c.warnInterval = d
		return c
	})
}
