package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/objstore"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// faultLevels are the two levels of issue 5: mild and harsh.
var faultLevels = []struct {
	name   string
	faults faultproxy.Faults
}{
	{"mild", faultproxy.Faults{SlowDown: 0.05, Reset: 0.01, Delay: 0.01, DelayFor: 2 * time.Second}},
	{"harsh", faultproxy.Faults{SlowDown: 0.20, Reset: 0.05, Delay: 0.02, DelayFor: 2 * time.Second}},
}

// faultLibraries are compared under faults: obskit with its defaults and the bare SDK's
// PutObject with the SDK's defaults.
var faultLibraries = []string{s3bench.Obskit, s3bench.SDKPutObject}

// faultObjects returns n objects of 1–64 KiB, every 200th of 6–12 MiB (multipart for obskit,
// whose part size is set to 5 MiB), the same for the same seed.
func faultObjects(seed uint64, n int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	objs := make([][]byte, n)
	for i := range objs {
		size := 1<<10 + rng.IntN(63<<10)
		if i%200 == 100 {
			size = 6<<20 + rng.IntN(6<<20)
		}
		b := make([]byte, size)
		for j := 0; j < size; j += 8 {
			v := rng.Uint64()
			for k := 0; k < 8 && j+k < size; k++ {
				b[j+k] = byte(v >> (8 * k))
			}
		}
		objs[i] = b
	}
	return objs
}

// runFaults puts the objects all at once through a fault proxy in front of srv, at each fault
// level, with each library, and reads every success back straight from srv.
func runFaults(ctx context.Context, srv s3bench.Server, sc scale, p *progress) ([]FaultRow, error) {
	objs := faultObjects(1, sc.FaultUploads)
	direct, err := obskits3.New(ctx, s3bench.ObskitConfig(srv), obskits3.WithInstrumentation(false))
	if err != nil {
		return nil, err
	}
	defer direct.Close()
	var rows []FaultRow
	unit := 1 / float64(len(faultLevels)*len(faultLibraries))
	for li, level := range faultLevels {
		for ci, name := range faultLibraries {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			row, err := faultRun(ctx, srv, direct, name, level.name, level.faults, uint64(100+10*li+ci), objs)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
			p.Add(unit)
		}
	}
	return rows, nil
}

func faultRun(ctx context.Context, srv s3bench.Server, direct objstore.Bucket, name, level string, f faultproxy.Faults, seed uint64, objs [][]byte) (FaultRow, error) {
	proxy, err := faultproxy.Start(srv.Endpoint, f, seed)
	if err != nil {
		return FaultRow{}, err
	}
	defer proxy.Close()
	via := srv
	via.Endpoint = proxy.URL()
	c, err := s3bench.Open(ctx, name, via, s3bench.Options{PartSize: obskits3.MinPartSize})
	if err != nil {
		return FaultRow{}, err
	}
	defer c.Close()
	runCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	n := len(objs)
	errs := make([]error, n)
	lat := make([]time.Duration, n)
	prefix := fmt.Sprintf("faults/%s/%s", level, name)
	began := time.Now()
	var wg sync.WaitGroup
	for j := range n {
		wg.Go(func() {
			t0 := time.Now()
			errs[j] = c.Put(runCtx, fmt.Sprintf("%s/obj-%05d", prefix, j), objs[j])
			lat[j] = time.Since(t0)
		})
	}
	wg.Wait()
	row := FaultRow{Library: name, Level: level, Uploads: n, ElapsedS: Seconds(time.Since(began).Seconds()), Retries: c.Retries()}
	counts := proxy.Counts()
	row.Injected, row.Requests = counts.Faults(), counts.Requests
	for j, err := range errs {
		if err != nil {
			if row.FirstError == "" {
				row.FirstError = err.Error()
			}
			continue
		}
		row.Succeeded++
		rc, err := direct.Get(ctx, fmt.Sprintf("%s/obj-%05d", prefix, j))
		if err != nil {
			continue
		}
		got, err := io.ReadAll(rc)
		_ = rc.Close()
		if err == nil && bytes.Equal(got, objs[j]) {
			row.Verified++
		}
	}
	row.SuccessRate = float64(row.Succeeded) / float64(n)
	s := s3bench.SortedCopy(lat)
	row.P50Ms, row.P95Ms, row.P99Ms = msOf(s3bench.Quantile(s, 0.5)), msOf(s3bench.Quantile(s, 0.95)), msOf(s3bench.Quantile(s, 0.99))
	for j := range n { // keep the disk small
		_ = direct.Delete(ctx, fmt.Sprintf("%s/obj-%05d", prefix, j))
	}
	return row, nil
}
