package reliability_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
)

// shutdownFigures are what TestShutdownLosesNothing measured.
type shutdownFigures struct {
	Logged, Delivered, Duplicates int64
	LogS, ShutdownS               float64 // time to log the records, time Shutdown took
	// The expired-deadline case: records logged with the Collector down, the deadline given
	// to Shutdown, when it returned, and the count its error gave.
	DeadlineLogged      int64
	DeadlineS, ReturnS  float64
	DeadlineNotExported int64
	DeadlineError       string
}

// TestShutdownLosesNothing: see measureShutdown.
func TestShutdownLosesNothing(t *testing.T) {
	skipUnderUpdate(t)
	measureShutdown(t)
}

// notExported finds the count in logpipe's Shutdown error.
var notExported = regexp.MustCompile(`(\d+) log records not exported`)

// measureShutdown logs 100,000 records as fast as one goroutine can through telemetry.Setup
// with its defaults to a real Collector, shuts down, and checks that every record reached the
// Collector. Then, with the Collector stopped, it logs 20,000 records and calls Shutdown with
// a 1.5 s deadline: Shutdown must return near the deadline with an error saying that 20,000
// records were not exported.
func measureShutdown(t *testing.T) shutdownFigures {
	testserver.Require(t, testserver.ToolCollector)
	col := testserver.StartCollector(t)
	var f shutdownFigures

	t.Run("lossless", func(t *testing.T) {
		tel := startTelemetry(t, collectorEnv(col, "reliability-shutdown", nil), nil)
		run := fmt.Sprintf("shutdown-%d", time.Now().UnixNano())
		logger := tel.Logger()
		const n = 100_000
		ctx := context.Background()
		began := time.Now()
		for i := range int64(n) {
			logger.InfoContext(ctx, "shutdown test record", slog.Int64("seq", i), slog.String("run", run),
				slog.String("component", "reliability"), slog.Int("size", 42))
		}
		f.Logged = n
		f.LogS = time.Since(began).Seconds()
		began = time.Now()
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := tel.Shutdown(sctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		f.ShutdownS = time.Since(began).Seconds()
		got := waitDelivered(t, col, run, n, 30*time.Second)
		f.Delivered = int64(len(got))
		for _, c := range got {
			f.Duplicates += int64(c - 1)
		}
		t.Logf("logged %d in %.2fs, Shutdown took %.2fs, the Collector holds %d distinct (%d duplicates)",
			n, f.LogS, f.ShutdownS, f.Delivered, f.Duplicates)
		if f.Delivered != n {
			t.Errorf("the Collector holds %d of the %d records logged before Shutdown", f.Delivered, n)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		reader := sdkmetric.NewManualReader()
		var diag testkit.SyncBuffer
		tel := startTelemetry(t, collectorEnv(col, "reliability-shutdown-deadline", nil), reader, withDiagnostics(&diag))
		if err := col.Stop(); err != nil {
			t.Fatal(err)
		}
		const n = 20_000
		for i := range int64(n) {
			tel.Logger().Info("record for a Collector that is down", slog.Int64("seq", i))
		}
		f.DeadlineLogged = n
		before := readPipeline(t, reader)
		const deadline = 1500 * time.Millisecond
		f.DeadlineS = deadline.Seconds()
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		began := time.Now()
		err := tel.Shutdown(ctx)
		f.ReturnS = time.Since(began).Seconds()
		if err == nil {
			t.Fatal("Shutdown with the Collector down and a 1.5 s deadline returned no error")
		}
		f.DeadlineError = err.Error()
		t.Logf("Shutdown returned after %.2fs: %v (before: %+v)", f.ReturnS, err, before)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the error does not wrap context.DeadlineExceeded: %v", err)
		}
		m := notExported.FindStringSubmatch(err.Error())
		if m == nil {
			t.Fatalf("the error does not say how many records were not exported: %v", err)
		}
		f.DeadlineNotExported, _ = strconv.ParseInt(m[1], 10, 64)
		// Nothing can have been exported, and with the default 10 s export timeout nothing was
		// given up on before the deadline: every record is unexported.
		if want := n - before.Dropped; f.DeadlineNotExported != want {
			t.Errorf("the error says %d records were not exported, want %d (%d logged, %d dropped before)",
				f.DeadlineNotExported, want, n, before.Dropped)
		}
		if f.ReturnS > deadline.Seconds()+2 {
			t.Errorf("Shutdown returned %.1fs after a %.1fs deadline", f.ReturnS, deadline.Seconds())
		}
		// Every record is reported: dropped, or in an export cancelled in flight (fate unknown:
		// the receiver may have taken it).
		dropped, unknown := int64(-1), int64(0)
		if m := regexp.MustCompile(`since start: (\d+) `).FindStringSubmatch(diag.String()); m != nil {
			dropped, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := regexp.MustCompile(`fate unknown \(exports cancelled in flight at shutdown\): (\d+)`).FindStringSubmatch(diag.String()); m != nil {
			unknown, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if dropped+unknown != n {
			t.Errorf("the diagnostics writer reported %d dropped and %d of unknown fate, want %d in all: %q", dropped, unknown, n, diag.String())
		}
		col.Restart(t) // for the cleanup of the other subtests' telemetry
	})
	return f
}
