package s3bench_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/internal/cpuclock"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

type dropSpans struct{}

func (dropSpans) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (dropSpans) Shutdown(context.Context) error                             { return nil }

// BenchmarkPeerOverhead measures what instrumenting a 1 KiB Put costs the calling thread, with
// the HTTP transport answering at once (client-side CPU alone), for obskit and for otelaws, the
// contrib instrumentation a user would otherwise add to the SDK; the parts of obskit's own cost
// (without the SDK's spans, with no-op providers, …) are BenchmarkPutOverhead in objstore/s3.
// Each _vs_sdk variant runs one instrumented Put and one bare SDK PutObject (same checksum) per
// iteration, in alternating order, timed by the thread's CPU clock; overhead-cpu-ns/op is the
// difference.
//
// obskit is objstore/s3 as telemetry.Setup sets it up (spans batched by exporters/spanbatch, a
// MeterProvider), by default: its objstore.put span (retries as events on it) and metrics, the
// SDK's own spans off. otelaws
// starts one span per SDK call on the same TracerProvider. The _sdk_batcher variants are the
// same with the OTel SDK's BatchSpanProcessor, as otelaws's documentation sets it up.
//
//	cd bench && go test -run '^$' -bench 'PeerOverhead/.*_vs_sdk' -benchtime 20000x -count 6 ./s3bench/
func BenchmarkPeerOverhead(b *testing.B) {
	ctx := context.Background()
	data := s3bench.Pattern(1 << 10)
	tp, mp, _, err := s3bench.ObskitProviders()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })
	sdkBatcher := sdktrace.NewTracerProvider(sdktrace.WithBatcher(dropSpans{}))
	b.Cleanup(func() { _ = sdkBatcher.Shutdown(ctx) })

	putObject := func(client *awss3.Client) func() {
		return func() {
			_, err := client.PutObject(ctx, &awss3.PutObjectInput{
				Bucket: aws.String("bench"), Key: aws.String("a/key"),
				Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	obskitPut := func(tp *sdktrace.TracerProvider) func() {
		bk, err := obskits3.NewFromClient(s3bench.NewMemoryClient(), obskits3.DefaultConfig("bench"),
			obskits3.WithTracerProvider(tp), obskits3.WithMeterProvider(mp))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = bk.Close() })
		return func() {
			if err := bk.Put(ctx, "a/key", bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
		}
	}
	sdkPut := putObject(s3bench.NewMemoryClient())
	// The bare SDK alone: the baseline of the variants' allocs/op.
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sdkPut()
		}
	})
	for _, v := range []struct {
		name string
		put  func()
	}{
		{"obskit", obskitPut(tp)},
		{"otelaws", putObject(s3bench.NewOtelawsMemoryClient(tp))},
		{"obskit_sdk_batcher", obskitPut(sdkBatcher)},
		{"otelaws_sdk_batcher", putObject(s3bench.NewOtelawsMemoryClient(sdkBatcher))},
	} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v.put()
			}
		})
		b.Run(v.name+"_vs_sdk", func(b *testing.B) {
			sdkNs, instNs := cpuclock.Pair(b, sdkPut, v.put)
			b.ReportMetric(sdkNs, "sdk-cpu-ns/op")
			b.ReportMetric(instNs-sdkNs, "overhead-cpu-ns/op")
		})
	}
}
