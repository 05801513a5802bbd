package spanbatch_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/exporters/spanbatch"
)

// countingExporter counts the spans it is given and drops them.
type countingExporter struct{ n atomic.Int64 }

func (c *countingExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	c.n.Add(int64(len(spans)))
	return nil
}
func (c *countingExporter) Shutdown(context.Context) error { return nil }

// BenchmarkSpan starts and ends one span with four attributes through a TracerProvider whose
// processor is this package's (spanbatch), the SDK's BatchSpanProcessor (sdk_batcher), or none
// (no_processor: the cost of the span itself), serially and from parallel goroutines. The
// difference between spanbatch and sdk_batcher is what the SDK's batcher pays to wake its
// goroutine for every span. delivered-% is the share of the spans ended that reached the
// exporter by Shutdown: both processors drop spans when their queue (2048) is full, which a
// loop that does nothing but end spans can make happen on a loaded machine.
//
//	go test -run '^$' -bench BenchmarkSpan -count 3 ./exporters/spanbatch/
//
// bench/README.md has the figures; spanbatch stays only while it beats sdk_batcher there.
func BenchmarkSpan(b *testing.B) {
	attrs := []attribute.KeyValue{
		attribute.String("objstore.operation", "put"), attribute.String("aws.s3.bucket", "bench"),
		attribute.String("aws.s3.key", "a/key"), attribute.Int64("objstore.bytes", 1024),
	}
	providers := []struct {
		name string
		tp   func(sdktrace.SpanExporter) *sdktrace.TracerProvider
	}{
		{"spanbatch", func(e sdktrace.SpanExporter) *sdktrace.TracerProvider {
			p, err := spanbatch.New(e, spanbatch.WithMeterProvider(metricnoop.NewMeterProvider()),
				spanbatch.WithWarningWriter(io.Discard)) // drop warnings would break the benchmark output
			if err != nil {
				b.Fatal(err)
			}
			return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
		}},
		{"sdk_batcher", func(e sdktrace.SpanExporter) *sdktrace.TracerProvider {
			return sdktrace.NewTracerProvider(sdktrace.WithBatcher(e))
		}},
		{"no_processor", func(sdktrace.SpanExporter) *sdktrace.TracerProvider { return sdktrace.NewTracerProvider() }},
	}
	for _, p := range providers {
		for _, parallel := range []bool{false, true} {
			name := p.name
			if parallel {
				name += "_parallel"
			}
			b.Run(name, func(b *testing.B) {
				exp := &countingExporter{}
				tp := p.tp(exp)
				ended := 0
				defer func() {
					_ = tp.Shutdown(context.Background())
					if p.name != "no_processor" && ended > 0 {
						b.ReportMetric(100*float64(exp.n.Load())/float64(ended), "delivered-%")
					}
				}()
				tr := tp.Tracer("bench")
				ctx := context.Background()
				one := func() {
					_, s := tr.Start(ctx, "objstore.put", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
					s.End()
				}
				b.ReportAllocs()
				if parallel {
					var n atomic.Int64
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							one()
							n.Add(1)
						}
					})
					ended = int(n.Load())
					return
				}
				for b.Loop() {
					one()
					ended++
				}
			})
		}
	}
}
