package objstore

import (
	"context"
	"sync/atomic"
)

// attemptKey is the context key under which [Instrument] stores the counters of one operation.
type attemptKey struct{}

// attemptCounter counts what a provider reports about one logical operation.
type attemptCounter struct {
	attempts atomic.Int64
	retries  atomic.Int64
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
