package logpipe_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// discardExporter is the stock pipeline's discarding exporter.
type discardExporter struct{}

func (discardExporter) Export(context.Context, []sdklog.Record) error { return nil }
func (discardExporter) Shutdown(context.Context) error                { return nil }
func (discardExporter) ForceFlush(context.Context) error              { return nil }

// spanContext returns a context carrying a sampled span, as a request handler has.
func spanContext() context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10},
		SpanID:     trace.SpanID{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18},
		TraceFlags: trace.FlagsSampled,
	})
	return trace.ContextWithSpanContext(context.Background(), sc)
}

// logCall is the call every per-call benchmark measures: InfoContext with 4 attrs.
func logCall(ctx context.Context, l *slog.Logger) {
	l.InfoContext(ctx, "request handled",
		slog.String("http.method", "GET"),
		slog.Int("http.status", 200),
		slog.String("url.path", "/api/v1/items"),
		slog.Duration("elapsed", 1500*time.Microsecond))
}

type pipeline struct {
	name   string
	logger *slog.Logger
	stop   func()
}

func benchPipelines(b *testing.B) []pipeline {
	res := resource.Empty()
	stockProc := sdklog.NewBatchProcessor(discardExporter{})
	stock := sdklog.NewLoggerProvider(sdklog.WithProcessor(stockProc), sdklog.WithResource(res))
	ours, err := logpipe.NewProvider(logpipe.Discard{}, logpipe.WithResource(res), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return []pipeline{
		{"slogJSON", slog.New(slog.NewJSONHandler(io.Discard, nil)), func() {}},
		{"stock", slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(stock))), func() { _ = stock.Shutdown(context.Background()) }},
		{"logpipe", slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(ours))), func() { _ = ours.Shutdown(context.Background()) }},
	}
}

// BenchmarkInfoContext measures one InfoContext call with 4 attrs through
// each pipeline (slog's JSON handler to io.Discard as the reference).
func BenchmarkInfoContext(b *testing.B) {
	ctx := spanContext()
	for _, p := range benchPipelines(b) {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logCall(ctx, p.logger)
			}
		})
		b.Run(p.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					logCall(ctx, p.logger)
				}
			})
		})
		p.stop()
	}
}

// spanContextOf returns the span context that ctx carries.
func spanContextOf(ctx context.Context) trace.SpanContext { return trace.SpanContextFromContext(ctx) }

// logCallKV is logCall with key-value pairs instead of slog.Attr values:
// constants need no boxing, so only the pipeline's allocations remain.
func logCallKV(ctx context.Context, l *slog.Logger) {
	l.InfoContext(ctx, "request handled",
		"http.method", "GET",
		"http.status", 200,
		"url.path", "/api/v1/items",
		"elapsed", 1500*time.Microsecond)
}

// BenchmarkInfoContextKV is BenchmarkInfoContext with key-value arguments.
func BenchmarkInfoContextKV(b *testing.B) {
	ctx := spanContext()
	for _, p := range benchPipelines(b) {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logCallKV(ctx, p.logger)
			}
		})
		p.stop()
	}
}

const burstRecords = 200_000

// burstPipeline builds a pipeline with default settings exporting over OTLP
// gRPC to endpoint. It returns the logger, a flush-and-stop function and,
// for logpipe, the provider (for its accounting).
type burstPipeline func(b *testing.B, endpoint string) (*slog.Logger, func(), *logpipe.Provider)

func stockBurst(b *testing.B, endpoint string) (*slog.Logger, func(), *logpipe.Provider) {
	exp, err := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(endpoint), otlploggrpc.WithInsecure())
	if err != nil {
		b.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(resource.Empty()), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
	return slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))), func() { _ = lp.Shutdown(context.Background()) }, nil
}

func logpipeBurst(b *testing.B, endpoint string) (*slog.Logger, func(), *logpipe.Provider) {
	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: endpoint, Insecure: true})
	if err != nil {
		b.Fatal(err)
	}
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))), func() { _ = lp.Shutdown(context.Background()) }, lp
}

// BenchmarkBurst logs 200,000 records as fast as one goroutine can into each
// pipeline, exporting over OTLP gRPC to an in-process receiver on loopback,
// and reports the records delivered per second (burst start to pipeline
// flushed), delivered and dropped records per burst. The contended variants
// run a busy goroutine per core beside the logger.
func BenchmarkBurst(b *testing.B) {
	for _, contended := range []bool{false, true} {
		for _, pl := range []struct {
			name  string
			build burstPipeline
		}{{"stock", stockBurst}, {"logpipe", logpipeBurst}} {
			name := pl.name
			if contended {
				name += "/contended"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				var delivered, dropped int64
				var elapsed time.Duration
				for b.Loop() {
					rcv := startReceiver(b, false)
					logger, stop, lp := pl.build(b, rcv.GRPCEndpoint)
					stopBusy := busyLoops(contended)
					ctx := spanContext()
					start := time.Now()
					for range burstRecords {
						logCall(ctx, logger)
					}
					stop()
					elapsed += time.Since(start)
					stopBusy()
					got := rcv.records.Load()
					delivered += got
					dropped += burstRecords - got
					if lp != nil {
						s := lp.Stats()
						if s.Emitted != burstRecords || s.Exported+s.Dropped != s.Emitted || int64(s.Exported) != got {
							b.Fatalf("accounting broken: %+v, receiver got %d", s, got)
						}
					}
				}
				b.ReportMetric(float64(delivered)/elapsed.Seconds(), "records/s")
				b.ReportMetric(float64(delivered)/float64(b.N), "delivered/op")
				b.ReportMetric(float64(dropped)/float64(b.N), "dropped/op")
				b.ReportMetric(100*float64(dropped)/float64(b.N*burstRecords), "%dropped")
			})
		}
	}
}

// busyLoops starts one spinning goroutine per core if on is set and returns
// a function that stops them.
func busyLoops(on bool) func() {
	if !on {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			x := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				for i := range 10000 {
					x += i
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}

// BenchmarkRatio interleaves slog JSON and one OTel pipeline in blocks of
// 256 calls and reports the pipeline's time per call divided by slog JSON's,
// measured over the same time windows, so that noise from other processes
// hits both alike. ns/op is the time of 256 calls of each.
func BenchmarkRatio(b *testing.B) {
	const block = 256
	ctx := spanContext()
	pls := benchPipelines(b)
	defer func() {
		for _, p := range pls {
			p.stop()
		}
	}()
	ref := pls[0]
	for _, p := range pls[1:] {
		pair := [2]*slog.Logger{ref.logger, p.logger}
		metric := p.name + "/slogJSON"
		b.Run(p.name+"/serial", func(b *testing.B) {
			var total [2]time.Duration
			for b.Loop() {
				for i, l := range pair {
					start := time.Now()
					for range block {
						logCall(ctx, l)
					}
					total[i] += time.Since(start)
				}
			}
			b.ReportMetric(float64(total[1])/float64(total[0]), metric)
		})
		b.Run(p.name+"/parallel", func(b *testing.B) {
			var mu sync.Mutex
			var total [2]time.Duration
			b.RunParallel(func(pb *testing.PB) {
				var local [2]time.Duration
				for pb.Next() {
					for i, l := range pair {
						start := time.Now()
						for range block {
							logCall(ctx, l)
						}
						local[i] += time.Since(start)
					}
				}
				mu.Lock()
				total[0] += local[0]
				total[1] += local[1]
				mu.Unlock()
			})
			b.ReportMetric(float64(total[1])/float64(total[0]), metric)
		})
	}
}
