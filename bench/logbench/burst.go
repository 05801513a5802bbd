package logbench

import (
	"context"
	"fmt"
	"time"
)

// BurstRecords is the size of the burst of the targets: 200,000 records logged as fast
// as one goroutine can.
const BurstRecords = 200_000

// BurstResult is what one burst into a Receiver delivered.
type BurstResult struct {
	// Logger is the pipeline's name.
	Logger string
	// Contended says whether a busy goroutine per core ran beside the logger.
	Contended bool
	// Sent is the number of records logged.
	Sent int64
	// Delivered is the number of records the receiver got.
	Delivered int64
	// Dropped is Sent - Delivered: records lost on the way, seen or not.
	Dropped int64
	// Reported is the number of records the pipeline itself says it dropped (-1: it keeps no count).
	Reported int64
	// Elapsed runs from the first record logged to the pipeline's shutdown, flush included.
	Elapsed time.Duration
}

// DeliveredPerSecond is Delivered / Elapsed.
func (r BurstResult) DeliveredPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Delivered) / r.Elapsed.Seconds()
}

// DropRate is Dropped / Sent.
func (r BurstResult) DropRate() float64 {
	if r.Sent == 0 {
		return 0
	}
	return float64(r.Dropped) / float64(r.Sent)
}

// Accounted reports whether the drops are all visible: the pipeline's own drop count equals
// Sent - Delivered.
func (r BurstResult) Accounted() bool { return r.Reported == r.Dropped }

// Burst logs n records from one goroutine, as fast as it can, into the named pipeline (see
// OpenOTLP) exporting with default settings over OTLP gRPC to a fresh Receiver on loopback,
// then shuts the pipeline down and counts what arrived. With contended, BusyLoops runs beside
// it.
func Burst(ctx context.Context, name string, n int, contended bool) (BurstResult, error) {
	rcv, err := StartReceiver()
	if err != nil {
		return BurstResult{}, err
	}
	defer rcv.Close()
	t, err := OpenOTLP(ctx, name, rcv.Endpoint)
	if err != nil {
		return BurstResult{}, err
	}
	stopBusy := func() {}
	if contended {
		stopBusy = BusyLoops()
	}
	lctx := SpanContext()
	start := time.Now()
	for range n {
		t.Log(lctx)
	}
	closeErr := t.Close(ctx)
	elapsed := time.Since(start)
	stopBusy()
	res := BurstResult{
		Logger: name, Contended: contended, Sent: int64(n), Delivered: rcv.Records(),
		Reported: t.Dropped(), Elapsed: elapsed,
	}
	res.Dropped = res.Sent - res.Delivered
	if closeErr != nil && res.Dropped == 0 {
		return res, fmt.Errorf("logbench: %s: shutdown: %w", name, closeErr)
	}
	return res, nil
}
