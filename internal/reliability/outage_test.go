package reliability_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// outageFigures are what TestCollectorOutage measured.
type outageFigures struct {
	Rate                                int     // records logged per second
	HealthyS, OutageS, RecoveryS        float64 // phase lengths, seconds
	Sent, Delivered, Dropped            int64
	Duplicates                          int64 // records that reached the Collector more than once
	DroppedQueueFull, DroppedExportFail int64
	P99HealthyUS, P99OutageUS           float64 // per-call latency, microseconds
	P50HealthyUS, P50OutageUS           float64
	MaxCallMS                           float64 // slowest logging call of the run
	QueueBoundMiB                       float64 // the configured log queue bound
	MaxQueued                           int64   // most records queued at once (pipeline metric)
	HeapHealthyMiB, HeapOutageMiB       float64 // live heap after runtime.GC at the end of each phase
	ResumedAfterS                       float64 // from the Collector's restart to the first export
	Uploads, UploadFailures             int
}

// outageQueueRecords is OTEL_BLRP_MAX_QUEUE_SIZE in the outage test: 8,192 records of 256 B
// = 2 MiB, small enough that an outage of a few seconds at 5,000 records/s fills it.
const outageQueueRecords = 8192

// TestCollectorOutage: see measureOutage.
func TestCollectorOutage(t *testing.T) {
	skipUnderUpdate(t)
	measureOutage(t)
}

// measureOutage logs 5,000 records/s through telemetry.Setup (logpipe, OTLP/gRPC) to a real
// Collector while uploading to versitygw, stops the Collector for 4 s (10 s long) and restarts
// it. It checks that logging calls never block (p99 per-call latency during the outage within
// 2× of the healthy phase; no call over 250 ms), that the live heap stays within the queue
// bound, that uploads keep succeeding, that every record is either delivered (counted by its
// unique seq attribute in the Collector's file) or counted as dropped, exactly, and that export
// resumes by itself.
func measureOutage(t *testing.T) outageFigures {
	testserver.Require(t, testserver.ToolCollector, testserver.ToolVersity)
	col := testserver.StartCollector(t)
	srv := testserver.StartVersity(t)
	f := outageFigures{
		Rate:      5000,
		HealthyS:  pick(4*time.Second, 10*time.Second).Seconds(),
		OutageS:   pick(4*time.Second, 10*time.Second).Seconds(),
		RecoveryS: pick(5*time.Second, 10*time.Second).Seconds(),
	}
	f.QueueBoundMiB = outageQueueRecords * 256 / float64(1<<20)

	reader := sdkmetric.NewManualReader()
	var diag testkit.SyncBuffer
	tel := startTelemetry(t, collectorEnv(col, "reliability-outage", map[string]string{
		"OTEL_BLRP_MAX_QUEUE_SIZE":   strconv.Itoa(outageQueueRecords),
		"OTEL_BLRP_SCHEDULE_DELAY":   "200",
		"OTEL_EXPORTER_OTLP_TIMEOUT": "2000",
	}), reader, withDiagnostics(&diag))
	bucket := openBucket(t, srv, "", nil, s3.WithTracerProvider(tel.TracerProvider()), s3.WithMeterProvider(tel.MeterProvider()))
	run := fmt.Sprintf("outage-%d", time.Now().UnixNano())
	logger := tel.Logger()

	const (
		healthy = iota
		outage
		recovery
	)
	var (
		phase     atomic.Int32
		sent      atomic.Int64
		stop      = make(chan struct{})
		wg        sync.WaitGroup
		latencies [3][]time.Duration
		maxCall   time.Duration
	)
	for i := range latencies {
		latencies[i] = make([]time.Duration, 0, int(float64(f.Rate)*12))
	}

	// The logging goroutine: f.Rate records per second, paced every millisecond, each call timed.
	wg.Go(func() {
		ctx := context.Background()
		begin := time.Now()
		var n int64
		for {
			select {
			case <-stop:
				return
			default:
			}
			due := int64(time.Since(begin).Seconds() * float64(f.Rate))
			p := phase.Load()
			for ; n < due; n++ {
				t0 := time.Now()
				logger.InfoContext(ctx, "outage test record", slog.Int64("seq", n), slog.String("run", run),
					slog.Int("phase", int(p)), slog.String("component", "reliability"))
				d := time.Since(t0)
				latencies[p] = append(latencies[p], d)
				maxCall = max(maxCall, d)
				sent.Store(n + 1)
			}
			time.Sleep(time.Millisecond)
		}
	})

	// The uploading goroutine: a 16 KiB object every 100 ms.
	var uploads, uploadFailures atomic.Int64
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			body := randomBytes(rng, 16<<10)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			err := bucket.Put(ctx, fmt.Sprintf("%s/obj-%05d", run, i), bytes.NewReader(body), int64(len(body)))
			cancel()
			uploads.Add(1)
			if err != nil {
				uploadFailures.Add(1)
				t.Errorf("upload %d: %v", i, err)
			}
		}
	})

	// The sampling goroutine: the queue's length, and when the first export after the restart
	// happened.
	var (
		maxQueued   atomic.Int64
		restartedAt atomic.Int64 // unix nanoseconds, 0 before the restart
		resumedAt   atomic.Int64
		seqResumed  atomic.Int64 // records sent 1 s after the export resumed
	)
	seqResumed.Store(-1)
	wg.Go(func() {
		var exportedAtRestart int64 = -1
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			c, err := collectPipeline(reader)
			if err != nil {
				t.Errorf("collecting metrics: %v", err)
				return
			}
			if c.Queued > maxQueued.Load() {
				maxQueued.Store(c.Queued)
			}
			r := restartedAt.Load()
			switch {
			case r == 0:
			case exportedAtRestart < 0:
				exportedAtRestart = c.Exported
			case resumedAt.Load() == 0 && c.Exported > exportedAtRestart:
				resumedAt.Store(time.Now().UnixNano())
			case resumedAt.Load() != 0 && seqResumed.Load() < 0 && time.Since(time.Unix(0, resumedAt.Load())) > time.Second:
				seqResumed.Store(sent.Load())
			}
		}
	})

	time.Sleep(time.Duration(f.HealthyS * float64(time.Second)))
	f.HeapHealthyMiB = liveHeapMiB()
	phase.Store(outage)
	if err := col.Stop(); err != nil {
		t.Fatalf("stopping the Collector: %v", err)
	}
	t.Logf("Collector stopped after %d records", sent.Load())
	time.Sleep(time.Duration(f.OutageS * float64(time.Second)))
	f.HeapOutageMiB = liveHeapMiB()
	phase.Store(recovery)
	col.Restart(t)
	restartedAt.Store(time.Now().UnixNano())
	t.Logf("Collector restarted after %d records", sent.Load())
	time.Sleep(time.Duration(f.RecoveryS * float64(time.Second)))
	close(stop)
	wg.Wait()

	f.Sent = sent.Load()
	f.MaxQueued = maxQueued.Load()
	f.Uploads, f.UploadFailures = int(uploads.Load()), int(uploadFailures.Load())
	f.MaxCallMS = float64(maxCall) / float64(time.Millisecond)
	f.P50HealthyUS = us(percentile(latencies[healthy], 50))
	f.P99HealthyUS = us(percentile(latencies[healthy], 99))
	f.P50OutageUS = us(percentile(latencies[outage], 50))
	f.P99OutageUS = us(percentile(latencies[outage], 99))
	if r, s := restartedAt.Load(), resumedAt.Load(); s != 0 {
		f.ResumedAfterS = time.Duration(s - r).Seconds()
	}

	// Everything logged is now either exported or dropped: flush, then count.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tel.ForceFlush(ctx); err != nil {
		t.Logf("ForceFlush: %v", err)
	}
	c := readPipeline(t, reader)
	f.Dropped = c.Dropped
	f.DroppedQueueFull, f.DroppedExportFail = c.DroppedBy["queue_full"], c.DroppedBy["export_failed"]
	got := waitDelivered(t, col, run, int(c.Exported), 30*time.Second)
	f.Delivered = int64(len(got))
	for _, n := range got {
		f.Duplicates += int64(n - 1)
	}
	t.Logf("outage: %+v", f)
	t.Logf("pipeline: %+v", c)
	t.Logf("diagnostics: %s", diag.String())

	if c.Emitted != f.Sent {
		t.Errorf("the pipeline counted %d records emitted, the test sent %d", c.Emitted, f.Sent)
	}
	if c.Queued != 0 {
		t.Errorf("%d records still queued after ForceFlush", c.Queued)
	}
	if f.Sent != f.Delivered+f.Dropped {
		t.Errorf("sent %d != delivered %d + dropped %d (difference %d)", f.Sent, f.Delivered, f.Dropped, f.Sent-f.Delivered-f.Dropped)
	}
	if c.Exported != f.Delivered {
		t.Errorf("the pipeline counted %d exported, the Collector holds %d distinct records", c.Exported, f.Delivered)
	}
	if f.Dropped == 0 {
		t.Errorf("nothing was dropped: the outage did not fill the %d-record queue, so the bound was not tested", outageQueueRecords)
	}
	if f.Dropped > 0 && !bytes.Contains([]byte(diag.String()), []byte("dropped")) {
		t.Errorf("records were dropped but the diagnostics writer got no warning: %q", diag.String())
	}
	if f.P99OutageUS > 2*f.P99HealthyUS {
		t.Errorf("p99 logging call latency during the outage %.1fµs > 2 × healthy %.1fµs", f.P99OutageUS, f.P99HealthyUS)
	}
	if f.MaxCallMS > 250 {
		t.Errorf("a logging call took %.0f ms: logging blocked", f.MaxCallMS)
	}
	// The queue's bound in records: encoded records take at least ~100 bytes here, so the
	// 2 MiB bound holds fewer than bound/100; the live heap may grow by the queue's bytes
	// and its index, plus the batches in export.
	if limit := int64(outageQueueRecords * 256 / 100); f.MaxQueued > limit {
		t.Errorf("up to %d records queued, more than the %.0f MiB bound allows (%d)", f.MaxQueued, f.QueueBoundMiB, limit)
	}
	if growth := f.HeapOutageMiB - f.HeapHealthyMiB; growth > 2*f.QueueBoundMiB+4 {
		t.Errorf("live heap grew by %.1f MiB during the outage, beyond the %.0f MiB queue bound (+ 4 MiB of batches in export)", growth, f.QueueBoundMiB)
	}
	if f.UploadFailures > 0 || f.Uploads == 0 {
		t.Errorf("%d of %d uploads failed during the run", f.UploadFailures, f.Uploads)
	}
	if resumedAt.Load() == 0 {
		t.Fatalf("export did not resume within %.0f s of the Collector's restart", f.RecoveryS)
	}
	// Every record logged from 1 s after the export resumed reached the Collector.
	if from := seqResumed.Load(); from >= 0 {
		var missing int64
		for seq := from; seq < f.Sent; seq++ {
			if got[seq] == 0 {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("%d of the %d records logged after the export resumed are missing", missing, f.Sent-from)
		}
	} else {
		t.Errorf("the run ended less than 1 s after the export resumed (%.1f s after the restart)", f.ResumedAfterS)
	}
	return f
}

// liveHeapMiB runs a garbage collection and returns the live heap in MiB.
func liveHeapMiB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// us returns d in microseconds.
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
