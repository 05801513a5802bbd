package main

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/esper-platform/obskit/bench/logbench"
)

// runLogCalls times every call of a sample of calls through each logger, serially and from each
// goroutine count, in rounds that rotate the loggers so that the machine's changing load falls
// on all of them alike.
func runLogCalls(ctx context.Context, sc scale, p *progress) ([]LogCallRow, error) {
	names := logbench.Names()
	targets := make(map[string]*logbench.Target, len(names))
	defer func() {
		for _, t := range targets {
			_ = t.Close(context.WithoutCancel(ctx))
		}
	}()
	for _, name := range names {
		t, err := logbench.Open(ctx, name)
		if err != nil {
			return nil, err
		}
		targets[name] = t
	}
	lctx := logbench.SpanContext()
	const rounds = 4
	unit := 1 / float64(len(sc.Goroutines)*rounds*len(names))
	var rows []LogCallRow
	for _, g := range sc.Goroutines {
		chunk := max(sc.CallsPerCell/rounds/g*g, g)
		type acc struct {
			lat            []int64
			wall           time.Duration
			mallocs, bytes uint64
		}
		accs := make(map[string]*acc, len(names))
		for _, name := range names {
			accs[name] = &acc{lat: make([]int64, 0, chunk*rounds)}
			measureCalls(targets[name], lctx, g, min(chunk, 2000), make([]int64, min(chunk, 2000))) // warm up
		}
		for r := range rounds {
			for i := range names {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				name := names[(i+r)%len(names)]
				a := accs[name]
				lat := make([]int64, chunk)
				wall, mallocs, bytes := measureCalls(targets[name], lctx, g, chunk, lat)
				a.lat = append(a.lat, lat...)
				a.wall += wall
				a.mallocs += mallocs
				a.bytes += bytes
				p.Add(unit)
			}
		}
		var ref float64
		for _, name := range names {
			a := accs[name]
			slices.Sort(a.lat)
			var sum int64
			for _, v := range a.lat {
				sum += v
			}
			n := float64(len(a.lat))
			row := LogCallRow{
				Library: name, Goroutines: g, Calls: len(a.lat),
				MeanNs:        float64(sum) / n,
				P50Ns:         float64(quantileInt(a.lat, 0.50)),
				P95Ns:         float64(quantileInt(a.lat, 0.95)),
				P99Ns:         float64(quantileInt(a.lat, 0.99)),
				WallNsPerCall: float64(a.wall) / n,
				AllocsPerCall: float64(a.mallocs) / n,
				BytesPerCall:  float64(a.bytes) / n,
			}
			if name == logbench.SlogJSON {
				ref = row.WallNsPerCall
			}
			if ref > 0 {
				row.RatioToSlog = row.WallNsPerCall / ref
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// measureCalls makes calls calls to t from g goroutines, each call timed on its own into lat,
// and returns the wall time and the process's allocations during the calls.
func measureCalls(t *logbench.Target, ctx context.Context, g, calls int, lat []int64) (time.Duration, uint64, uint64) {
	per := calls / g
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range g {
		wg.Go(func() {
			buf := lat[w*per : (w+1)*per]
			for i := range buf {
				t0 := time.Now()
				t.Log(ctx)
				buf[i] = int64(time.Since(t0))
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	runtime.ReadMemStats(&after)
	return wall, after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
}

// quantileInt returns the q-quantile of sorted by the nearest-rank method.
func quantileInt(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// burstLoggers are the OTel pipelines of the burst scenario.
var burstLoggers = []string{logbench.StockOTel, logbench.Obskit, logbench.Logpipe}

// runBursts logs a burst into the in-process OTLP receiver through each OTel pipeline, without
// and with a busy goroutine per core.
func runBursts(ctx context.Context, sc scale, p *progress) ([]BurstRow, error) {
	var rows []BurstRow
	unit := 1 / float64(2*len(burstLoggers))
	for _, contended := range []bool{false, true} {
		for _, name := range burstLoggers {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := logbench.Burst(ctx, name, sc.BurstRecords, contended)
			row := BurstRow{
				Library: name, Contended: contended, Sent: r.Sent, Delivered: r.Delivered,
				Dropped: r.Dropped, Reported: r.Reported, DeliveredPS: r.DeliveredPerSecond(),
				DropRate: r.DropRate(), Accounted: r.Accounted(), ElapsedS: Seconds(r.Elapsed.Seconds()),
			}
			if err != nil {
				row.ErrorMessage = err.Error()
			}
			rows = append(rows, row)
			p.Add(unit)
		}
	}
	return rows, nil
}
