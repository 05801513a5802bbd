package objstore

import (
	"context"
	"errors"
	"io"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and meter used by [Instrument].
const ScopeName = "github.com/esper-platform/obskit/objstore"

// Attribute keys recorded by [Instrument], besides the semantic conventions aws.s3.bucket,
// aws.s3.key and error.type.
const (
	AttrOperation = attribute.Key("objstore.operation")  // an Op: "put", "get", …
	AttrSuccess   = attribute.Key("objstore.success")    // bool
	AttrOutcome   = attribute.Key("objstore.outcome")    // an Outcome
	AttrLatencyMs = attribute.Key("objstore.latency_ms") // float64, milliseconds
	AttrBytes     = attribute.Key("objstore.bytes")      // int64
	AttrAttempts  = attribute.Key("objstore.attempts")   // int64, from RecordAttempt
	AttrPrefix    = attribute.Key("objstore.prefix")     // List only
	AttrObjects   = attribute.Key("objstore.objects")    // List only: objects yielded
	AttrDirection = attribute.Key("objstore.direction")  // metric objstore.bytes: "upload" | "download"
)

// Metric names recorded by [Instrument].
const (
	MetricOperations = "objstore.operations"
	MetricDuration   = "objstore.operation.duration"
	MetricBytes      = "objstore.bytes"
	MetricInflight   = "objstore.inflight"
	MetricRetries    = "objstore.retries"
)

// durationBuckets are the explicit bucket boundaries, in seconds, of the
// objstore.operation.duration histogram: from 1 ms (a memory or cached read) to 5 min (a large
// multipart upload).
var durationBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// ops lists the operations in index order (the op* constants); opIndex is its inverse.
var ops = [...]Op{OpPut, OpGet, OpGetRange, OpAttributes, OpExists, OpList, OpDelete, OpCopy, OpDeleteMany}

const (
	opPut = iota
	opGet
	opGetRange
	opAttributes
	opExists
	opList
	opDelete
	opCopy
	opDeleteMany
)

var outcomes = [...]Outcome{OutcomeSuccess, OutcomeNotFound, OutcomeCanceled, OutcomeFailure, OutcomePreconditionFailed}

func outcomeIndex(o Outcome) int {
	switch o {
	case OutcomeSuccess:
		return 0
	case OutcomeNotFound:
		return 1
	case OutcomeCanceled:
		return 2
	case OutcomePreconditionFailed:
		return 4
	default:
		return 3
	}
}

// Instrument returns a Bucket that records one span and a set of metrics for every operation on
// b (see the package documentation, section OpenTelemetry), and optionally feeds a [Stats]. The
// span is started before b is called, so spans the provider or its SDK start from the context
// nest beneath it. Keys are recorded on spans only, never as metric attributes.
//
// The decorator adds no behaviour: errors and results are b's, unchanged. For a streamed Get the
// operation ends when the reader is closed; a reader never closed leaves its span unended.
//
// A bucket is instrumented once: when b is already instrumented (b comes from Instrument, or
// decorates, through an Unwrap() Bucket method, a bucket that does; objstore/s3's buckets are
// instrumented by default), Instrument returns b itself and opts are ignored, so that no path
// records two spans per operation. The returned decorator has Unwrap, and [As] reaches through
// it.
func Instrument(b Bucket, opts ...InstrumentOption) Bucket {
	if isInstrumented(b) {
		return b
	}
	c := newInstrumentConfig(opts)
	in := &instrumented{
		next:   b,
		tracer: c.tracerProvider.Tracer(ScopeName),
		stats:  c.stats,
		bucket: c.bucketName,
	}
	var common []attribute.KeyValue
	if c.bucketName != "" {
		common = append(common, semconv.AWSS3BucketKey.String(c.bucketName))
	}
	attrs := func(kv ...attribute.KeyValue) metric.MeasurementOption {
		return metric.WithAttributeSet(attribute.NewSet(append(kv, common...)...))
	}
	var obs observeOptions
	for i, op := range ops {
		oi := &in.ops[i]
		oi.spanName = "objstore." + string(op)
		opAttr := AttrOperation.String(string(op))
		spanAttrs := append([]attribute.KeyValue{opAttr}, common...)
		oi.start = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(spanAttrs...)}
		obs.opOnly[i] = attrs(opAttr)
		for j, o := range outcomes {
			set := attrs(opAttr, AttrOutcome.String(string(o)))
			oi.recordByOutcome[j] = []metric.RecordOption{set}
			obs.byOutcome[i][j] = set
		}
	}
	obs.upload = attrs(AttrDirection.String("upload"))
	obs.download = attrs(AttrDirection.String("download"))
	in.counts = &counts{}
	in.newInstruments(c.meterProvider.Meter(ScopeName), obs)
	return in
}

// instrumented is the Bucket returned by Instrument.
type instrumented struct {
	next   Bucket
	tracer trace.Tracer
	stats  *Stats
	bucket string // for aws.s3.copy_source

	duration metric.Float64Histogram
	counts   *counts // read by the callback of the other metrics

	ops [len(ops)]opInstruments
}

// opInstruments holds what is precomputed for one operation. Options are kept as slices and
// passed with "...", so recording allocates no variadic slice.
type opInstruments struct {
	spanName        string
	start           []trace.SpanStartOption
	recordByOutcome [len(outcomes)][]metric.RecordOption
}

// counts are the counters behind objstore.operations, objstore.inflight, objstore.retries and
// objstore.bytes. An operation only adds to atomics; the metrics are observable instruments
// whose callback reads them at collection, so that an operation records one synchronous
// measurement (the duration, with its exemplar) instead of five.
type counts struct {
	started  [len(ops)]atomic.Int64
	ended    [len(ops)][len(outcomes)]atomic.Int64
	retries  [len(ops)]atomic.Int64
	upload   atomic.Int64
	download atomic.Int64
}

// observeOptions are the attribute sets of the observable metrics, precomputed.
type observeOptions struct {
	opOnly           [len(ops)]metric.ObserveOption
	byOutcome        [len(ops)][len(outcomes)]metric.ObserveOption
	upload, download metric.ObserveOption
}

// newInstruments creates the duration histogram and the observable metrics, whose callback
// reads in.counts (and nothing else of in, so a closed bucket is not kept alive by it). The
// callback stays registered after Close, reporting the final counts, so that a metric export
// after the bucket is closed (a batch job closing its bucket before telemetry's Shutdown) still
// sees every operation. An instrument the meter refuses is reported to otel.Handle and left out.
func (in *instrumented) newInstruments(meter metric.Meter, obs observeOptions) {
	var err error
	if in.duration, err = meter.Float64Histogram(MetricDuration,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of object store operations; for Get, until the reader is closed."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		otel.Handle(err)
		in.duration, _ = metricnoop.Meter{}.Float64Histogram(MetricDuration)
	}
	operations, err1 := meter.Int64ObservableCounter(MetricOperations,
		metric.WithUnit("{operation}"),
		metric.WithDescription("Object store operations, by operation and outcome."))
	bytes, err2 := meter.Int64ObservableCounter(MetricBytes,
		metric.WithUnit("By"),
		metric.WithDescription("Object content bytes transferred, by direction (upload, download)."))
	inflight, err3 := meter.Int64ObservableUpDownCounter(MetricInflight,
		metric.WithUnit("{operation}"),
		metric.WithDescription("Object store operations in progress, by operation."))
	retries, err4 := meter.Int64ObservableCounter(MetricRetries,
		metric.WithUnit("{retry}"),
		metric.WithDescription("Request attempts retried by the provider, by operation."))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		otel.Handle(err)
		return
	}
	c := in.counts
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i := range ops {
			// Ended before started: an operation that begins in between makes inflight
			// larger, never negative.
			var ended int64
			for j := range outcomes {
				if n := c.ended[i][j].Load(); n > 0 {
					ended += n
					o.ObserveInt64(operations, n, obs.byOutcome[i][j])
				}
			}
			if started := c.started[i].Load(); started > 0 {
				o.ObserveInt64(inflight, started-ended, obs.opOnly[i])
			}
			if r := c.retries[i].Load(); r > 0 {
				o.ObserveInt64(retries, r, obs.opOnly[i])
			}
		}
		if n := c.upload.Load(); n > 0 {
			o.ObserveInt64(bytes, n, obs.upload)
		}
		if n := c.download.Load(); n > 0 {
			o.ObserveInt64(bytes, n, obs.download)
		}
		return nil
	}, operations, bytes, inflight, retries)
	if err != nil {
		otel.Handle(err)
	}
}

// operation is the state of one logical operation between begin and end.
type operation struct {
	attemptCounter
	in     *instrumented
	op     int // index into ops
	span   trace.Span
	target attribute.KeyValue // aws.s3.key, or objstore.prefix for List
	ctx    context.Context    // the span's context, for recording metrics
	start  time.Time
}

// begin starts o: span, inflight, and the context handed to the provider.
func (in *instrumented) begin(ctx context.Context, o *operation, op int, target attribute.KeyValue) context.Context {
	oi := &in.ops[op]
	o.in, o.op = in, op
	ctx, o.span = in.tracer.Start(ctx, oi.spanName, oi.start...)
	o.opSpan = o.span
	o.target = target // set with the result attributes in end: one SetAttributes call
	o.ctx = ctx
	in.counts.started[op].Add(1)
	o.start = time.Now()
	return withAttemptCounter(ctx, &o.attemptCounter)
}

// end records the result of o and ends its span. Extra span attributes (List's object count)
// come in extra.
func (o *operation) end(err error, bytes int64, extra ...attribute.KeyValue) {
	d := time.Since(o.start)
	in, oi := o.in, &o.in.ops[o.op]
	outcome := Classify(ops[o.op], err)
	attempts := o.attempts.Load()
	if o.span.IsRecording() {
		o.span.SetAttributes(
			o.target,
			AttrSuccess.Bool(outcome == OutcomeSuccess),
			AttrOutcome.String(string(outcome)),
			AttrLatencyMs.Float64(float64(d)/float64(time.Millisecond)),
			AttrBytes.Int64(bytes),
			AttrAttempts.Int64(attempts),
		)
		if len(extra) > 0 {
			o.span.SetAttributes(extra...)
		}
		if outcome == OutcomeFailure {
			o.span.SetAttributes(semconv.ErrorTypeKey.String(ErrorType(err)))
			o.span.RecordError(err)
			o.span.SetStatus(codes.Error, err.Error())
		}
	}
	// The duration is recorded with the span's context, so that its exemplars link latency to
	// traces; the other metrics are counts read at collection (see counts), with no exemplar.
	oc := outcomeIndex(outcome)
	in.duration.Record(o.ctx, d.Seconds(), oi.recordByOutcome[oc]...)
	c := in.counts
	if r := o.retries.Load(); r > 0 {
		c.retries[o.op].Add(r)
	}
	if bytes > 0 {
		switch o.op {
		case opPut:
			c.upload.Add(bytes)
		case opGet, opGetRange:
			c.download.Add(bytes)
		}
	}
	c.ended[o.op][oc].Add(1) // last: inflight drops once the rest is counted
	if in.stats != nil {
		in.stats.Record(ops[o.op], outcome, d, bytes)
	}
	o.span.End()
}

func keyAttr(key string) attribute.KeyValue { return semconv.AWSS3KeyKey.String(key) }

// Put implements Bucket. The bytes recorded are size once the object is stored; when size is
// unknown (-1) the reader is wrapped to count them, so the provider sees only an io.Reader.
func (in *instrumented) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...PutOption) error {
	o := &operation{}
	ctx = in.begin(ctx, o, opPut, keyAttr(key))
	if size >= 0 {
		err := in.next.Put(ctx, key, r, size, opts...)
		o.end(err, sizeIfOK(err, size))
		return err
	}
	cr := &countingReader{r: r}
	err := in.next.Put(ctx, key, cr, size, opts...)
	o.end(err, sizeIfOK(err, cr.n))
	return err
}

func sizeIfOK(err error, n int64) int64 {
	if err != nil {
		return 0
	}
	return n
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Get implements Bucket. The operation ends when the returned reader is closed (or at once if
// Get fails); its bytes are those read by then.
func (in *instrumented) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	g := &getReader{}
	ctx = in.begin(ctx, &g.operation, opGet, keyAttr(key))
	rc, err := in.next.Get(ctx, key)
	if err != nil {
		g.end(err, 0)
		return nil, err
	}
	g.rc = rc
	return g, nil
}

// GetRange implements Bucket, like Get.
func (in *instrumented) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	g := &getReader{}
	ctx = in.begin(ctx, &g.operation, opGetRange, keyAttr(key))
	rc, err := in.next.GetRange(ctx, key, off, length)
	if err != nil {
		g.end(err, 0)
		return nil, err
	}
	g.rc = rc
	return g, nil
}

// getReader counts the bytes read and ends the operation on Close. Read does not allocate.
// Like most readers it is not safe for concurrent use.
type getReader struct {
	operation
	rc     io.ReadCloser
	n      atomic.Int64
	mu     sync.Mutex // guards err
	err    error      // first read error other than io.EOF
	closed atomic.Bool
}

func (g *getReader) Read(p []byte) (int, error) {
	n, err := g.rc.Read(p)
	g.n.Add(int64(n))
	if err != nil && err != io.EOF {
		g.mu.Lock()
		if g.err == nil {
			g.err = err
		}
		g.mu.Unlock()
	}
	return n, err
}

// Close closes the provider's reader and ends the operation; later calls return nil. It may be
// called while a Read is in progress on another goroutine (to stop it, as with an HTTP body):
// the operation then records the bytes read and the error seen until then.
func (g *getReader) Close() error {
	if !g.closed.CompareAndSwap(false, true) {
		return nil
	}
	cerr := g.rc.Close()
	g.mu.Lock()
	err := g.err
	g.mu.Unlock()
	if err == nil {
		err = cerr
	}
	g.end(err, g.n.Load())
	return cerr
}

// Attributes implements Bucket.
func (in *instrumented) Attributes(ctx context.Context, key string) (Attributes, error) {
	o := &operation{}
	ctx = in.begin(ctx, o, opAttributes, keyAttr(key))
	a, err := in.next.Attributes(ctx, key)
	o.end(err, 0)
	return a, err
}

// Exists implements Bucket.
func (in *instrumented) Exists(ctx context.Context, key string) (bool, error) {
	o := &operation{}
	ctx = in.begin(ctx, o, opExists, keyAttr(key))
	ok, err := in.next.Exists(ctx, key)
	o.end(err, 0)
	return ok, err
}

// List implements Bucket. The span starts when iteration starts and ends when it stops; its
// objstore.objects counts the entries yielded, directories included.
func (in *instrumented) List(ctx context.Context, prefix string, opts ...ListOption) iter.Seq2[ObjectInfo, error] {
	return func(yield func(ObjectInfo, error) bool) {
		o := &operation{}
		lctx := in.begin(ctx, o, opList, AttrPrefix.String(prefix))
		var (
			n   int64
			err error
		)
		defer func() { o.end(err, 0, AttrObjects.Int64(n)) }()
		for info, e := range in.next.List(lctx, prefix, opts...) {
			if e != nil {
				err = e
				yield(info, e)
				return
			}
			n++
			if !yield(info, nil) {
				return
			}
		}
	}
}

// Delete implements Bucket.
func (in *instrumented) Delete(ctx context.Context, key string) error {
	o := &operation{}
	ctx = in.begin(ctx, o, opDelete, keyAttr(key))
	err := in.next.Delete(ctx, key)
	o.end(err, 0)
	return err
}

// Copy implements Bucket. The span's aws.s3.key is dst, its aws.s3.copy_source src (as
// bucket/key when the bucket name is known).
func (in *instrumented) Copy(ctx context.Context, dst, src string, opts ...PutOption) error {
	o := &operation{}
	ctx = in.begin(ctx, o, opCopy, keyAttr(dst))
	source := src
	if in.bucket != "" {
		source = in.bucket + "/" + src
	}
	err := in.next.Copy(ctx, dst, src, opts...)
	o.end(err, 0, semconv.AWSS3CopySource(source))
	return err
}

// DeleteMany implements Bucket. The span has objstore.objects, the number of keys given, and no
// key.
func (in *instrumented) DeleteMany(ctx context.Context, keys []string) error {
	o := &operation{}
	ctx = in.begin(ctx, o, opDeleteMany, AttrObjects.Int(len(keys)))
	err := in.next.DeleteMany(ctx, keys)
	o.end(err, 0)
	return err
}

// Close implements Bucket: it closes the decorated bucket. It records nothing.
func (in *instrumented) Close() error { return in.next.Close() }

// Unwrap returns the decorated bucket, for [As] and for Instrument's check.
func (in *instrumented) Unwrap() Bucket { return in.next }

// isInstrumented reports whether b, or a bucket it decorates, is Instrument's decorator.
func isInstrumented(b Bucket) bool {
	for b != nil {
		if _, ok := b.(*instrumented); ok {
			return true
		}
		u, ok := b.(interface{ Unwrap() Bucket })
		if !ok {
			return false
		}
		b = u.Unwrap()
	}
	return false
}
