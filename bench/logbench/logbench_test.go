package logbench_test

import (
	"context"
	"testing"

	"github.com/esper-platform/obskit/bench/logbench"
)

// TestBurstDelivers checks that every OTel pipeline really exports to the receiver: a small
// burst arrives whole (or, for stock, with the losses its ring buffer allows), and obskit's and
// logpipe's own drop counts match what was lost.
func TestBurstDelivers(t *testing.T) {
	for _, name := range []string{logbench.StockOTel, logbench.Obskit, logbench.Logpipe} {
		t.Run(name, func(t *testing.T) {
			r, err := logbench.Burst(context.Background(), name, 1000, false)
			if err != nil {
				t.Fatal(err)
			}
			if r.Delivered == 0 || r.Delivered+r.Dropped != r.Sent {
				t.Errorf("%+v: want records delivered and sent = delivered + dropped", r)
			}
			if name != logbench.StockOTel && (r.Dropped != 0 || !r.Accounted()) {
				t.Errorf("%+v: want 1,000 records delivered, none dropped, drops counted", r)
			}
		})
	}
}

// TestOpen checks that every logger the benchmarks compare can be built, logs and closes.
func TestOpen(t *testing.T) {
	ctx := logbench.SpanContext()
	for _, name := range logbench.Names() {
		tg, err := logbench.Open(context.Background(), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tg.Log(ctx)
		if err := tg.Close(context.Background()); err != nil {
			t.Errorf("%s: close: %v", name, err)
		}
	}
	if _, err := logbench.Open(context.Background(), "nope"); err == nil {
		t.Error("Open of an unknown logger succeeded")
	}
}
