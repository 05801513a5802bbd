package telemetry

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/esper-platform/obskit/exporters"
)

// Shutdown flushes and shuts down logs, then traces, then metrics (so that the last log and
// span exports are still counted by the metrics). When ctx has a deadline, no step gets a fixed
// share of it: each step gets the time left minus what the steps after it reserve, and what a
// step does not use passes to the next. Traces are flushed first, within an equal share of the
// time left, and reserve twice what the flush took; metrics reserve an equal share if a
// configured exporter pushes them, almost nothing otherwise (none, prometheus). So logs get
// nearly the whole deadline when traces and metrics have nothing left to do. It returns the
// steps' errors joined (a failed flush is counted by the span pipeline, not returned).
// Shutdown is idempotent: later calls return
// the first call's result. A ctx already done makes each step give up at once (the log step
// says how many records were not exported) and stops the background goroutines anyway,
// dropping what they held, so no goroutine outlives a Shutdown. The Logger keeps writing to the
// console afterwards.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		t.shutdownErr = shutdownSteps(ctx, []shutdownStep{
			{shutdown: t.logsShutdown},
			{shutdown: t.tracesShutdown, flush: t.tracesFlush},
			// A metric flush would export the metrics twice; a pipeline without push exporters
			// exports nothing at shutdown.
			{shutdown: t.metricsShutdown, idle: !t.pushesMetrics()},
		})
	})
	return t.shutdownErr
}

// pushesMetrics reports whether a metric reader may export at shutdown: one given with
// WithMetricReader, or a configured exporter other than none and prometheus.
func (t *Telemetry) pushesMetrics() bool {
	if t.extraMetricReaders {
		return true
	}
	for _, n := range t.cfg.exporterNames(exporters.Metrics) {
		switch strings.ToLower(strings.TrimSpace(n)) {
		case "", exporters.None, exporters.Prometheus:
		default:
			return true
		}
	}
	return false
}

// ForceFlush exports what logs, traces and metrics hold, in that order, each with its share of
// ctx's deadline; it returns their errors joined.
func (t *Telemetry) ForceFlush(ctx context.Context) error {
	return runSteps(ctx, []func(context.Context) error{t.logsFlush, t.tracesFlush, t.metricsFlush})
}

// runSteps runs the non-nil steps in order, giving each an equal share of the time left.
func runSteps(ctx context.Context, steps []func(context.Context) error) error {
	var live []func(context.Context) error
	for _, s := range steps {
		if s != nil {
			live = append(live, s)
		}
	}
	var errs []error
	for i, step := range live {
		sctx, cancel := share(ctx, len(live)-i)
		errs = append(errs, step(sctx))
		cancel()
	}
	return errors.Join(errs...)
}

// share returns a context whose deadline is 1/n of the time left before ctx's deadline.
func share(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok || n <= 1 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Until(deadline)/time.Duration(n))
}

// shutdownStep is one signal's part of Shutdown. It reserves, out of the time of the steps
// before it: almost nothing if idle (it exports nothing at shutdown); if flush is not nil,
// twice the time a flush takes (flush exports what the signal holds, so that its shutdown has
// little left to do); otherwise an equal share of the time left.
type shutdownStep struct {
	shutdown, flush func(context.Context) error
	idle            bool
}

// reserveMargin is added to what a step reserves beyond its flush's duration, for the
// scheduling noise of a step that has nothing to do.
const reserveMargin = 10 * time.Millisecond

// shutdownSteps runs the steps' shutdowns in order. Without a deadline, that is all. With
// one, each step first works out what it reserves (see shutdownStep; at most an equal share of
// the time left, flushing within it), and each shutdown then runs until the deadline less what
// the later steps reserve.
func shutdownSteps(ctx context.Context, steps []shutdownStep) error {
	var live []shutdownStep
	for _, s := range steps {
		if s.shutdown != nil {
			live = append(live, s)
		}
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		var errs []error
		for _, s := range live {
			errs = append(errs, s.shutdown(ctx))
		}
		return errors.Join(errs...)
	}
	n := len(live)
	reserve := make([]time.Duration, n)
	for i, s := range live {
		limit := time.Until(deadline) / time.Duration(n)
		switch {
		case s.idle:
			reserve[i] = min(reserveMargin, limit)
		case s.flush != nil:
			fctx, cancel := context.WithTimeout(ctx, limit)
			start := time.Now()
			_ = s.flush(fctx) // a loss is counted and warned about by the pipeline
			cancel()
			reserve[i] = min(2*time.Since(start)+reserveMargin, limit)
		default:
			reserve[i] = limit
		}
	}
	var errs []error
	for i, s := range live {
		var later time.Duration
		for _, r := range reserve[i+1:] {
			later += r
		}
		sctx, cancel := context.WithDeadline(ctx, deadline.Add(-later))
		errs = append(errs, s.shutdown(sctx))
		cancel()
	}
	return errors.Join(errs...)
}
