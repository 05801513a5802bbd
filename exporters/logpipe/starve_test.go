package logpipe_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/testkit"
)

// TestExportKeepsPaceWithBusyLoggers: 16 goroutines log as fast as they can (CPU-bound, far
// more than GOMAXPROCS) for busyFor; the export workers must still get CPU and deliver records
// while they do, not only once they stop. Without the loggers' yields (see yieldEvery), on 2
// cores, 0 to 5,000 records/s arrived (0 to 5 batches of 2048 in the 2 s); with them, 20,000
// to 150,000 records/s, on a 2-core machine more or less loaded (the test logs the rate).
func TestExportKeepsPaceWithBusyLoggers(t *testing.T) {
	const (
		loggers = 16
		busyFor = 2 * time.Second
	)
	// floor is the least delivery rate, in records per second, while the loggers are busy:
	// half the least rate measured on a loaded machine, twice the most measured before.
	const floor = 10000
	if raceEnabled {
		t.Skip("the race detector's slowdown, not scheduling, sets the rates")
	}
	rcv := startReceiver(t, false)
	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: rcv.GRPCEndpoint, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	warnings := &testkit.SyncBuffer{}
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithWarningWriter(warnings))
	if err != nil {
		t.Fatal(err)
	}
	l := lp.Logger("busy")
	// Warm up: the connection is made before the loggers start.
	var first log.Record
	first.SetBody(attribute.StringValue("first"))
	l.Emit(context.Background(), first)
	if err := lp.ForceFlush(context.Background()); err != nil || rcv.records.Load() != 1 {
		t.Fatalf("warm-up: ForceFlush = %v, %d records received", err, rcv.records.Load())
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := range loggers {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				var r log.Record
				r.SetTimestamp(time.Now())
				r.SetSeverity(log.SeverityInfo)
				r.SetBody(attribute.StringValue("request handled"))
				r.AddAttributes(attribute.Int("g", g), attribute.Int("i", i), attribute.String("url.path", "/api/v1/items"))
				l.Emit(context.Background(), r)
			}
		})
	}
	start := time.Now()
	time.Sleep(busyFor)
	delivered := rcv.records.Load() - 1
	elapsed := time.Since(start)
	stop.Store(true)
	wg.Wait()
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := lp.Stats()
	rate := float64(delivered) / elapsed.Seconds()
	t.Logf("while %d loggers were busy: %d records delivered in %v (%.0f records/s, %d requests by the end); emitted %d, dropped %d (queue full %d)",
		loggers, delivered, elapsed.Round(time.Millisecond), rate, rcv.requests.Load(), s.Emitted, s.Dropped, s.DroppedQueueFull)
	if rate < floor {
		t.Errorf("export delivered %.0f records/s while the loggers were busy, want at least %d", rate, floor)
	}
}
