package telemetry

import (
	"context"
	"errors"
	"time"
)

// Shutdown flushes and shuts down logs, then traces, then metrics (so that the last log and
// span exports are still counted by the metrics). When ctx has a deadline, each step gets an
// equal share of the time left when it starts (what a step does not use goes to the next).
// It returns the steps' errors joined. Shutdown is idempotent: later calls return the first
// call's result. A ctx already done makes each step give up at once (the log step says how many
// records were not exported) and stops the background goroutines anyway, dropping what they
// held, so no goroutine outlives a Shutdown. The Logger keeps writing to the console afterwards.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	t.shutdownOnce.Do(func() {
		steps := []func(context.Context) error{t.logsShutdown, t.tracesShutdown, t.metricsShutdown}
		t.shutdownErr = runSteps(ctx, steps)
	})
	return t.shutdownErr
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
