package logbench_test

import (
	"context"
	"flag"
	"testing"

	"github.com/esper-platform/obskit/bench/logbench"
)

// open returns the named discarding logger, closed when b ends.
func open(b *testing.B, name string) *logbench.Target {
	b.Helper()
	t, err := logbench.Open(context.Background(), name)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = t.Close(context.Background()) })
	return t
}

// BenchmarkInfoContext makes the same call (a message and 4 attributes, a span in the context)
// through every logger, each exporting to a discarding sink, serially and with RunParallel
// (GOMAXPROCS goroutines; add -cpu 2,8 for more).
func BenchmarkInfoContext(b *testing.B) {
	ctx := logbench.SpanContext()
	for _, name := range logbench.Names() {
		t := open(b, name)
		b.Run(name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t.Log(ctx)
			}
		})
		b.Run(name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					t.Log(ctx)
				}
			})
		})
	}
}

// BenchmarkOTLP logs b.N records through each OTel pipeline exporting with default settings
// over OTLP gRPC to an in-process receiver on loopback, then shuts the pipeline down, and
// reports records delivered per second (first record to shutdown), records dropped (sent minus
// received) and the drops the pipeline itself counted (-1: it keeps no count). The parallel
// variants log from GOMAXPROCS goroutines.
func BenchmarkOTLP(b *testing.B) {
	for _, name := range []string{logbench.StockOTel, logbench.Obskit, logbench.Logpipe} {
		for _, parallel := range []bool{false, true} {
			sub := name + "/serial"
			if parallel {
				sub = name + "/parallel"
			}
			b.Run(sub, func(b *testing.B) {
				rcv, err := logbench.StartReceiver()
				if err != nil {
					b.Fatal(err)
				}
				defer rcv.Close()
				t, err := logbench.OpenOTLP(context.Background(), name, rcv.Endpoint)
				if err != nil {
					b.Fatal(err)
				}
				ctx := logbench.SpanContext()
				b.ReportAllocs()
				b.ResetTimer()
				if parallel {
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							t.Log(ctx)
						}
					})
				} else {
					for range b.N {
						t.Log(ctx)
					}
				}
				if err := t.Close(context.Background()); err != nil {
					b.Logf("shutdown: %v", err)
				}
				b.StopTimer()
				elapsed := b.Elapsed()
				delivered := rcv.Records()
				b.ReportMetric(float64(delivered)/elapsed.Seconds(), "delivered/s")
				b.ReportMetric(float64(int64(b.N)-delivered), "dropped")
				b.ReportMetric(float64(t.Dropped()), "dropped-counted")
			})
		}
	}
}

// burstSize is BurstRecords, or 10,000 in a -benchtime 1x run (the compile-and-run-once check
// of the test command), which would otherwise spend half a minute on bursts.
func burstSize() int {
	if f := flag.Lookup("test.benchtime"); f != nil && f.Value.String() == "1x" {
		return 10_000
	}
	return logbench.BurstRecords
}

// BenchmarkBurst is the burst: BurstRecords records from one goroutine into each OTel
// pipeline with default settings, exporting over OTLP gRPC to an in-process receiver, without
// and with a busy goroutine per core beside it. ns/op is the time of one burst, flush included.
func BenchmarkBurst(b *testing.B) {
	n := burstSize()
	b.Logf("%d records per burst", n)
	for _, contended := range []bool{false, true} {
		for _, name := range []string{logbench.StockOTel, logbench.Obskit, logbench.Logpipe} {
			sub := name
			if contended {
				sub += "/contended"
			}
			b.Run(sub, func(b *testing.B) {
				b.ReportAllocs()
				var delivered, dropped int64
				var elapsed float64
				for b.Loop() {
					r, err := logbench.Burst(context.Background(), name, n, contended)
					if err != nil {
						b.Fatal(err)
					}
					delivered += r.Delivered
					dropped += r.Dropped
					elapsed += r.Elapsed.Seconds()
					if r.Reported >= 0 && !r.Accounted() {
						b.Errorf("%s: %d records lost but %d counted as dropped", name, r.Dropped, r.Reported)
					}
				}
				b.ReportMetric(float64(delivered)/elapsed, "delivered/s")
				b.ReportMetric(float64(dropped)/float64(b.N), "dropped/op")
				b.ReportMetric(100*float64(dropped)/float64(b.N*n), "%dropped")
			})
		}
	}
}
