package objstore

import (
	"context"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// attemptKey is the context key under which [Instrument] stores the counters of one operation.
type attemptKey struct{}

// attemptCounter counts what a provider reports about one logical operation.
type attemptCounter struct {
	attempts atomic.Int64
	retries  atomic.Int64
	opSpan   trace.Span // the operation's span, for RecordRetryEvent
}

// RecordAttempt notes that the provider sent one request attempt (one HTTP request, first try
// or retry alike) on behalf of the operation whose context is ctx. [Instrument] sums these into
// the span attribute objstore.attempts. Without an instrumented caller it does nothing, and it
// never allocates, so providers call it unconditionally.
//
// Providers must pass the context they received from the Bucket method (or one derived from it),
// and may call it from any goroutine, e.g. once per part of a multipart upload.
func RecordAttempt(ctx context.Context) {
	if c, ok := ctx.Value(attemptKey{}).(*attemptCounter); ok {
		c.attempts.Add(1)
	}
}

// RecordRetry notes that the provider is about to retry a request that failed (an attempt that
// is not a first try). Call it in addition to [RecordAttempt] for that attempt. [Instrument]
// adds these to the objstore.retries metric. Like RecordAttempt it is a no-op without an
// instrumented caller.
func RecordRetry(ctx context.Context) {
	if c, ok := ctx.Value(attemptKey{}).(*attemptCounter); ok {
		c.retries.Add(1)
	}
}

// withAttemptCounter returns ctx carrying c, for the provider call of one operation.
func withAttemptCounter(ctx context.Context, c *attemptCounter) context.Context {
	return context.WithValue(ctx, attemptKey{}, c)
}

// EventRetry is the name of the span event [RecordRetryEvent] adds to the operation's span.
const EventRetry = "objstore.retry"

// Attributes of the [EventRetry] event, besides error.type and http.response.status_code.
const (
	AttrRetryAttempt   = attribute.Key("objstore.retry.attempt")    // int: the attempt that failed, from 1
	AttrRetryBackoffMs = attribute.Key("objstore.retry.backoff_ms") // float64: wait before the next attempt
)

// Retry describes one failed request attempt that the provider is about to retry, for
// [RecordRetryEvent].
type Retry struct {
	Attempt    int           // number of the attempt that failed, from 1
	ErrorType  string        // its error.type: an error code, or a low-cardinality class of error
	HTTPStatus int           // the status of its response; 0 when none came
	Backoff    time.Duration // the wait before the next attempt
}

// RecordRetryEvent adds r as an event (objstore.retry) to the span of the operation whose
// context is ctx: the span [Instrument] started, whatever span is current on ctx (the provider's
// own, for example). Without an instrumented caller, or when that span is not recording, it does
// nothing. Providers may call it from any goroutine.
func RecordRetryEvent(ctx context.Context, r Retry) {
	c, ok := ctx.Value(attemptKey{}).(*attemptCounter)
	if !ok || c.opSpan == nil || !c.opSpan.IsRecording() {
		return
	}
	attrs := make([]attribute.KeyValue, 0, 4)
	attrs = append(attrs, AttrRetryAttempt.Int(r.Attempt), AttrRetryBackoffMs.Float64(float64(r.Backoff)/float64(time.Millisecond)))
	if r.ErrorType != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(r.ErrorType))
	}
	if r.HTTPStatus != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(r.HTTPStatus))
	}
	c.opSpan.AddEvent(EventRetry, trace.WithAttributes(attrs...))
}

// EventResolved is the name of the span event [RecordResolution] adds to the operation's span:
// a write whose outcome was ambiguous, and what the provider found out about it.
const EventResolved = "objstore.outcome_resolved"

// AttrResolution is the attribute of the [EventResolved] event: one of the Resolution values.
const AttrResolution = attribute.Key("objstore.resolution")

// Resolution is what a provider found when it looked at the key after an ambiguous write.
type Resolution string

// The values of [AttrResolution].
const (
	// ResolvedStored: the object under the key is the content sent; the write succeeded.
	ResolvedStored Resolution = "stored"
	// ResolvedNotStored: the write is known not to have been applied, and cannot be later.
	ResolvedNotStored Resolution = "not_stored"
	// ResolvedUnknown: the content sent is not (or not yet) under the key, and a request still
	// in the network might store it; the write fails with [ErrOutcomeUnknown].
	ResolvedUnknown Resolution = "unknown"
)

// RecordResolution adds the event objstore.outcome_resolved with r to the span of the operation
// whose context is ctx, as [RecordRetryEvent] does.
func RecordResolution(ctx context.Context, r Resolution) {
	c, ok := ctx.Value(attemptKey{}).(*attemptCounter)
	if !ok || c.opSpan == nil || !c.opSpan.IsRecording() {
		return
	}
	c.opSpan.AddEvent(EventResolved, trace.WithAttributes(AttrResolution.String(string(r))))
}
