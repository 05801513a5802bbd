package objstore_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/esper-platform/obskit/exporters/spanbatch"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
)

// benchBuckets are the peers compared in one run: the bare memory bucket, and the same bucket
// behind Instrument with no-op providers, with one real SDK and the other no-op, with both real
// SDKs (spans batched by exporters/spanbatch as telemetry.Setup does, metric SDK with a reader),
// and with the SDKs plus Stats.
func benchBuckets(b *testing.B) []struct {
	name   string
	bucket objstore.Bucket
} {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	bsp, err := spanbatch.New(tracetest.NewNoopExporter(), spanbatch.WithMeterProvider(mp))
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bsp))
	b.Cleanup(func() { tp.Shutdown(context.Background()); mp.Shutdown(context.Background()) })
	sdk := []objstore.InstrumentOption{objstore.WithTracerProvider(tp), objstore.WithMeterProvider(mp), objstore.WithBucketName("bench")}
	return []struct {
		name   string
		bucket objstore.Bucket
	}{
		{"bare", membucket.New()},
		{"instrumented-noop", objstore.Instrument(membucket.New(),
			objstore.WithTracerProvider(tracenoop.NewTracerProvider()), objstore.WithMeterProvider(metricnoop.NewMeterProvider()))},
		{"instrumented-sdk-traces-only", objstore.Instrument(membucket.New(),
			objstore.WithTracerProvider(tp), objstore.WithMeterProvider(metricnoop.NewMeterProvider()))},
		{"instrumented-sdk-metrics-only", objstore.Instrument(membucket.New(),
			objstore.WithTracerProvider(tracenoop.NewTracerProvider()), objstore.WithMeterProvider(mp))},
		{"instrumented-sdk", objstore.Instrument(membucket.New(), sdk...)},
		{"instrumented-sdk-stats", objstore.Instrument(membucket.New(), append(sdk, objstore.WithStats(&objstore.Stats{}))...)},
	}
}

func BenchmarkPut(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1024)
	for _, bb := range benchBuckets(b) {
		b.Run(bb.name, func(b *testing.B) {
			ctx := context.Background()
			r := bytes.NewReader(data)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r.Reset(data)
				if err := bb.bucket.Put(ctx, "bench/object", r, int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1024)
	buf := make([]byte, 4096)
	for _, bb := range benchBuckets(b) {
		b.Run(bb.name, func(b *testing.B) {
			ctx := context.Background()
			if err := bb.bucket.Put(ctx, "bench/object", bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rc, err := bb.bucket.Get(ctx, "bench/object")
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := rc.Read(buf); err == io.EOF {
						break
					}
				}
				rc.Close()
			}
		})
	}
}

func BenchmarkPutParallel(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1024)
	for _, bb := range benchBuckets(b) {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				r := bytes.NewReader(data)
				for pb.Next() {
					r.Reset(data)
					if err := bb.bucket.Put(ctx, "bench/object", r, int64(len(data))); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func BenchmarkStatsRecord(b *testing.B) {
	var s objstore.Stats
	b.ReportAllocs()
	d := time.Duration(0)
	for b.Loop() {
		d += 1013 * time.Nanosecond
		s.Record(objstore.OpPut, objstore.OutcomeSuccess, d%time.Second, 1024)
	}
}

func BenchmarkValidateKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = objstore.ValidateKey("reports/2026/11/26/report-000123.json")
	}
}
