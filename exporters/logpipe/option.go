package logpipe

import (
	"io"
	"runtime"
	"time"

	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// Defaults of the pipeline.
const (
	// DefaultQueueBytes bounds the encoded records held in memory.
	DefaultQueueBytes = 64 << 20
	// DefaultBatchBytes is the largest encoded batch handed to the exporter.
	DefaultBatchBytes = 256 << 10
	// DefaultBatchSize is the largest number of records in one batch.
	DefaultBatchSize = 2048
	// DefaultExportInterval is how often partly filled batches are exported.
	DefaultExportInterval = time.Second
	// DefaultExportTimeout bounds one call of Exporter.Export.
	DefaultExportTimeout = 30 * time.Second
	// DefaultWorkers is the number of goroutines that export batches.
	DefaultWorkers = 2
	// DefaultWarningInterval is the least time between two warnings.
	DefaultWarningInterval = selfobs.DefaultWarningInterval
	// DefaultAttributeCountLimit is the most attributes kept per record.
	DefaultAttributeCountLimit = 128
)

type config struct {
	resource      *resource.Resource
	queueBytes    int
	batchBytes    int
	batchSize     int
	interval      time.Duration
	timeout       time.Duration
	workers       int
	shards        int
	blocking      bool
	meterProvider metric.MeterProvider
	warnWriter    io.Writer
	warnInterval  time.Duration
	limits        limits
	now           func() time.Time
}

func newConfig(opts []Option) config {
	c := config{
		queueBytes:   DefaultQueueBytes,
		batchBytes:   DefaultBatchBytes,
		batchSize:    DefaultBatchSize,
		interval:     DefaultExportInterval,
		timeout:      DefaultExportTimeout,
		workers:      DefaultWorkers,
		shards:       2 * runtime.GOMAXPROCS(0),
		warnInterval: DefaultWarningInterval,
		limits:       limits{count: DefaultAttributeCountLimit, valueLength: -1},
		now:          time.Now,
	}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	if c.resource == nil {
		c.resource = resource.Default()
	}
	if c.meterProvider == nil {
		c.meterProvider = otel.GetMeterProvider()
	}
	if c.batchBytes <= 0 {
		c.batchBytes = DefaultBatchBytes
	}
	if c.queueBytes <= 0 {
		c.queueBytes = DefaultQueueBytes
	}
	if c.queueBytes < c.batchBytes {
		c.queueBytes = c.batchBytes
	}
	if c.batchSize <= 0 {
		c.batchSize = DefaultBatchSize
	}
	if c.interval <= 0 {
		c.interval = DefaultExportInterval
	}
	if c.timeout <= 0 {
		c.timeout = DefaultExportTimeout
	}
	if c.workers <= 0 {
		c.workers = DefaultWorkers
	}
	if c.shards <= 0 {
		c.shards = 2 * runtime.GOMAXPROCS(0)
	}
	return c
}

// Option configures a [Provider].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithResource sets the resource that every exported record carries. nil
// means the default: [resource.Default] (which reads OTEL_RESOURCE_ATTRIBUTES and
// OTEL_SERVICE_NAME), as sdk/log does.
func WithResource(r *resource.Resource) Option {
	return optionFunc(func(c config) config { c.resource = r; return c })
}

// WithQueueBytes bounds the memory held by queued, encoded records, in bytes.
// When the bound is reached, new records are dropped and counted (or the
// caller waits, with [WithBlocking]). Values below the batch size in bytes
// are raised to it; zero or less means the default. Default: [DefaultQueueBytes] (64 MiB). There is no
// standard variable in bytes; OTEL_BLRP_MAX_QUEUE_SIZE counts records and
// may be mapped to bytes by the caller (for example × 256).
func WithQueueBytes(n int) Option {
	return optionFunc(func(c config) config { c.queueBytes = n; return c })
}

// WithBatchBytes sets the largest encoded size of one exported batch.
// A single record larger than this is exported alone. Zero or less means the
// default: [DefaultBatchBytes] (256 KiB).
func WithBatchBytes(n int) Option {
	return optionFunc(func(c config) config { c.batchBytes = n; return c })
}

// WithBatchSize sets the largest number of records in one exported batch.
// Zero or less means the default: [DefaultBatchSize] (2048); env OTEL_BLRP_MAX_EXPORT_BATCH_SIZE.
func WithBatchSize(n int) Option {
	return optionFunc(func(c config) config { c.batchSize = n; return c })
}

// WithExportInterval sets how often batches that are not full are exported.
// Zero or less means the default: [DefaultExportInterval] (1s); env OTEL_BLRP_SCHEDULE_DELAY.
func WithExportInterval(d time.Duration) Option {
	return optionFunc(func(c config) config { c.interval = d; return c })
}

// WithExportTimeout bounds each call of [Exporter.Export].
// Zero or less means the default: [DefaultExportTimeout] (30s); env OTEL_BLRP_EXPORT_TIMEOUT.
func WithExportTimeout(d time.Duration) Option {
	return optionFunc(func(c config) config { c.timeout = d; return c })
}

// WithWorkers sets the number of goroutines exporting batches concurrently.
// Zero or less means the default: [DefaultWorkers] (2). No env var.
func WithWorkers(n int) Option {
	return optionFunc(func(c config) config { c.workers = n; return c })
}

// WithShards sets the number of independent queue shards that logging
// goroutines spread over. Zero or less means the default: 2 × GOMAXPROCS.
// No env var.
func WithShards(n int) Option {
	return optionFunc(func(c config) config { c.shards = n; return c })
}

// WithBlocking makes a logging call wait for queue space instead of dropping
// the record when the queue is full, for batch jobs that must lose nothing.
// A waiting call returns (dropping its record, counted) when the provider is
// shut down. Default: off (drop and count). No env var.
func WithBlocking() Option {
	return optionFunc(func(c config) config { c.blocking = true; return c })
}

// WithMeterProvider sets the MeterProvider for the pipeline's own metrics (see
// the package documentation, # Emitted telemetry). nil means the default: the
// global MeterProvider (otel.GetMeterProvider), read when the provider is
// created.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c config) config { c.meterProvider = mp; return c })
}

// WithWarningWriter sets where rate-limited warnings about dropped records and
// failed exports are written; they never go through the pipeline itself.
// nil means the default: os.Stderr. To discard them, pass io.Discard.
func WithWarningWriter(w io.Writer) Option {
	return optionFunc(func(c config) config { c.warnWriter = w; return c })
}

// WithWarningInterval sets the least time between two warnings. Zero or less
// means the default: [DefaultWarningInterval] (10s).
func WithWarningInterval(d time.Duration) Option {
	return optionFunc(func(c config) config { c.warnInterval = d; return c })
}

// WithAttributeCountLimit sets the most attributes kept per record; the rest
// are dropped and counted in the record's dropped_attributes_count. A negative
// value means no limit. Default: [DefaultAttributeCountLimit] (128); env
// OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT.
func WithAttributeCountLimit(n int) Option {
	return optionFunc(func(c config) config { c.limits.count = n; return c })
}

// WithAttributeValueLengthLimit sets the most characters kept in a string
// attribute value (including strings inside slices). A negative value means
// no limit. Default: no limit; env OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT.
func WithAttributeValueLengthLimit(n int) Option {
	return optionFunc(func(c config) config { c.limits.valueLength = n; return c })
}
