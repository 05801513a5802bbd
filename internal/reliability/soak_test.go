package reliability_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// soakFigures are what TestSoak measured.
type soakFigures struct {
	DurationS, WarmUpS                 float64
	Records, Delivered, Dropped        int64
	Uploads, UploadFailures, Reads     int64
	HeapStartMiB, HeapEndMiB           float64 // live heap after runtime.GC, floor of each window
	HeapGrowthPct                      float64
	GoroutinesStart, GoroutinesEnd     int
	GoroutineGrowthPct                 float64
	GoleakClean                        bool
	Samples                            int
	HeapSamplesMiB                     []float64 `json:",omitempty"`
	GoroutineSamples                   []int     `json:",omitempty"`
	RecordsPerSecond, UploadsPerSecond float64
}

// TestSoak: see measureSoak.
func TestSoak(t *testing.T) {
	skipUnderUpdate(t)
	measureSoak(t)
}

// measureSoak logs 2,000 records/s and uploads and reads back objects of 4–256 KiB from two
// goroutines, through telemetry.Setup (logs and spans to a real Collector) and objstore/s3
// (versitygw), for 60 s (10 min long). After a warm-up of 10 s (1 min long) it samples the
// live heap (after runtime.GC) and the goroutine count every 2 s (10 s long), and compares
// the floor of the first third of the samples with the floor of the last third: each must grow
// by less than 5%. The floor leaves out what is in flight at the moment of a sample (a batch
// being exported, an object being uploaded), which a leak would not. After Shutdown and Close,
// goleak finds no goroutine beyond those that ran before the soak began.
func measureSoak(t *testing.T) soakFigures {
	testserver.Require(t, testserver.ToolCollector, testserver.ToolVersity)
	col := testserver.StartCollector(t)
	srv := testserver.StartVersity(t)
	f := soakFigures{DurationS: pick(60*time.Second, 10*time.Minute).Seconds(), WarmUpS: pick(10*time.Second, time.Minute).Seconds()}
	every := pick(2*time.Second, 10*time.Second)
	before := goleak.IgnoreCurrent()

	reader := sdkmetric.NewManualReader()
	var diag testkit.SyncBuffer
	tel := startTelemetry(t, collectorEnv(col, "reliability-soak", nil), reader, withDiagnostics(&diag))
	bucket := openBucket(t, srv, "", nil, s3.WithTracerProvider(tel.TracerProvider()), s3.WithMeterProvider(tel.MeterProvider()))
	run := fmt.Sprintf("soak-%d", time.Now().UnixNano())
	logger := tel.Logger()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var sent, uploads, failures, reads atomic.Int64
	const rate = 2000
	wg.Go(func() {
		begin := time.Now()
		var n int64
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			for due := int64(time.Since(begin).Seconds() * rate); n < due; n++ {
				logger.Info("soak record", slog.Int64("seq", n), slog.String("run", run), slog.String("component", "soak"))
			}
			sent.Store(n)
		}
	})
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				key := fmt.Sprintf("soak/w%d/obj-%03d", w, i%100) // keys are reused: the bucket stays small
				body := randomBytes(rng, 4<<10+rng.IntN(252<<10))
				ctx, span := tel.TracerProvider().Tracer("soak").Start(ctx, "soak.cycle")
				err := bucket.Put(ctx, key, bytes.NewReader(body), int64(len(body)))
				uploads.Add(1)
				if err != nil {
					failures.Add(1)
					logger.ErrorContext(ctx, "upload failed", "err", err)
				} else if rc, err := bucket.Get(ctx, key); err != nil {
					failures.Add(1)
				} else {
					got, err := io.ReadAll(rc)
					rc.Close()
					reads.Add(1)
					if err != nil || !bytes.Equal(got, body) {
						failures.Add(1)
					}
				}
				span.End()
				cancel()
			}
		})
	}

	time.Sleep(time.Duration(f.WarmUpS * float64(time.Second)))
	end := time.Now().Add(time.Duration((f.DurationS - f.WarmUpS) * float64(time.Second)))
	for time.Now().Before(end) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		f.HeapSamplesMiB = append(f.HeapSamplesMiB, float64(ms.HeapAlloc)/(1<<20))
		f.GoroutineSamples = append(f.GoroutineSamples, runtime.NumGoroutine())
		time.Sleep(every)
	}
	close(stop)
	wg.Wait()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tel.ForceFlush(ctx); err != nil {
		t.Errorf("ForceFlush: %v", err)
	}
	c := readPipeline(t, reader)
	if err := tel.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := bucket.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	f.GoleakClean = true
	if err := goleak.Find(before); err != nil {
		f.GoleakClean = false
		t.Errorf("goroutines left after Shutdown and Close: %v", err)
	}

	f.Records, f.Dropped = sent.Load(), c.Dropped
	f.Delivered = int64(len(waitDelivered(t, col, run, int(c.Exported), 30*time.Second)))
	f.Uploads, f.UploadFailures, f.Reads = uploads.Load(), failures.Load(), reads.Load()
	f.RecordsPerSecond = float64(f.Records) / f.DurationS
	f.UploadsPerSecond = float64(f.Uploads) / f.DurationS
	f.Samples = len(f.HeapSamplesMiB)
	third := max(1, f.Samples/3)
	f.HeapStartMiB = slices.Min(f.HeapSamplesMiB[:third])
	f.HeapEndMiB = slices.Min(f.HeapSamplesMiB[f.Samples-third:])
	f.HeapGrowthPct = 100 * (f.HeapEndMiB - f.HeapStartMiB) / f.HeapStartMiB
	f.GoroutinesStart = slices.Min(f.GoroutineSamples[:third])
	f.GoroutinesEnd = slices.Min(f.GoroutineSamples[f.Samples-third:])
	f.GoroutineGrowthPct = 100 * float64(f.GoroutinesEnd-f.GoroutinesStart) / float64(f.GoroutinesStart)
	t.Logf("soak: %d records (%d delivered, %d dropped), %d uploads (%d failed), heap %.2f → %.2f MiB (%+.1f%%), goroutines %d → %d (%+.1f%%)",
		f.Records, f.Delivered, f.Dropped, f.Uploads, f.UploadFailures, f.HeapStartMiB, f.HeapEndMiB, f.HeapGrowthPct,
		f.GoroutinesStart, f.GoroutinesEnd, f.GoroutineGrowthPct)
	t.Logf("heap samples (MiB): %.2f", f.HeapSamplesMiB)
	t.Logf("goroutine samples: %d", f.GoroutineSamples)

	if f.Samples < 6 {
		t.Errorf("only %d samples after the warm-up", f.Samples)
	}
	if f.HeapGrowthPct >= 5 {
		t.Errorf("live heap grew by %.1f%% after the warm-up (%.2f → %.2f MiB), want under 5%%", f.HeapGrowthPct, f.HeapStartMiB, f.HeapEndMiB)
	}
	if f.GoroutineGrowthPct >= 5 {
		t.Errorf("goroutines grew by %.1f%% after the warm-up (%d → %d), want under 5%%", f.GoroutineGrowthPct, f.GoroutinesStart, f.GoroutinesEnd)
	}
	if f.UploadFailures > 0 {
		t.Errorf("%d of %d upload cycles failed", f.UploadFailures, f.Uploads)
	}
	if f.Records != f.Delivered+f.Dropped {
		t.Errorf("sent %d != delivered %d + dropped %d", f.Records, f.Delivered, f.Dropped)
	}
	if f.Dropped > 0 {
		t.Errorf("%d records dropped with the Collector up: %s", f.Dropped, diag.String())
	}
	f.HeapSamplesMiB, f.GoroutineSamples = nil, nil
	return f
}
