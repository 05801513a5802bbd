package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/esper-platform/obskit/bench/logbench"
	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/objstore"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// heapMiB returns the live heap after a collection, in MiB.
func heapMiB() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// runSoak logs many records from 4 goroutines through obskit's logger exporting over OTLP to
// the in-process receiver while uploading many objects with obskit's UploadMany to srv (when
// not nil), then shuts everything down and compares the heap and goroutines with before.
func runSoak(ctx context.Context, srv *s3bench.Server, sc scale, p *progress) (*SoakResult, error) {
	res := &SoakResult{Records: int64(sc.SoakRecords)}
	res.HeapBeforeMiB = heapMiB()
	res.GoroutinesBefore = runtime.NumGoroutine()
	began := time.Now()
	stopPeak := heapPeak()

	rcv, err := logbench.StartReceiver()
	if err != nil {
		return nil, err
	}
	t, err := logbench.NewObskitOTLP(ctx, rcv.Endpoint)
	if err != nil {
		rcv.Close()
		return nil, err
	}
	var wg sync.WaitGroup
	const loggers = 4
	lctx := logbench.SpanContext()
	for w := range loggers {
		wg.Go(func() {
			n := sc.SoakRecords / loggers
			if w == 0 {
				n += sc.SoakRecords % loggers
			}
			for i := range n {
				t.Log(lctx)
				if i%10_000 == 0 {
					p.Add(0.5 * 10_000 / float64(sc.SoakRecords))
				}
			}
		})
	}
	var uploadErr error
	if srv != nil {
		res.Uploads = sc.SoakUploads
		wg.Go(func() { res.UploadsOK, uploadErr = soakUploads(ctx, *srv, sc.SoakUploads, p) })
	}
	wg.Wait()
	closeErr := t.Close(context.WithoutCancel(ctx))
	res.Delivered = rcv.Records()
	res.Dropped = res.Records - res.Delivered
	res.Reported = t.Dropped()
	rcv.Close()
	res.HeapPeakMiB = stopPeak()
	res.ElapsedS = Seconds(time.Since(began).Seconds())

	// Goroutines of closed connections take a moment to return.
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > res.GoroutinesBefore && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	res.GoroutinesAfter = runtime.NumGoroutine()
	res.HeapAfterMiB = heapMiB()
	if uploadErr != nil && res.UploadsOK == 0 {
		return res, fmt.Errorf("soak uploads: %w", uploadErr)
	}
	return res, errors.Join(closeErr)
}

// soakUploads uploads n objects of 1–16 KiB with UploadMany (concurrency 16) and deletes them,
// returning how many were stored.
func soakUploads(ctx context.Context, srv s3bench.Server, n int, p *progress) (int, error) {
	bk, err := obskits3.New(ctx, s3bench.ObskitConfig(srv))
	if err != nil {
		return 0, err
	}
	defer bk.Close()
	items := make([]objstore.UploadItem, n)
	data := s3bench.Pattern(16 << 10)
	for i := range items {
		items[i] = objstore.BytesItem(fmt.Sprintf("soak/obj-%06d", i), data[:1<<10+(i*997)%(15<<10)])
	}
	results, err := objstore.UploadMany(ctx, bk, items, objstore.WithProgress(func(objstore.UploadProgress) {
		p.Add(0.5 / float64(n))
	}))
	ok := 0
	for _, r := range results {
		if r.Err == nil {
			ok++
		}
	}
	for _, it := range items {
		_ = bk.Delete(ctx, it.Key)
	}
	return ok, err
}
