package s3_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/cpuclock"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

var benchSize = flag.Int64("s3.benchsize", 1<<30, "object size in bytes of BenchmarkLargePut")

// discardExporter drops spans, so the benchmark measures recording and batching only.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// benchTelemetry returns the tracer and meter providers that telemetry.Setup builds (spans
// batched by exporters/spanbatch, metrics through a MeterProvider), with spans going to a
// discarding exporter and metrics to a manual reader, and shuts them down at the end.
func benchTelemetry(b *testing.B) (trace.TracerProvider, metric.MeterProvider) {
	env := map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none"}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		b.Fatal(err)
	}
	tel, err := telemetry.Setup(context.Background(), cfg,
		telemetry.WithSpanExporter(discardExporter{}), telemetry.WithMetricReader(sdkmetric.NewManualReader()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	return tel.TracerProvider(), tel.MeterProvider()
}

// BenchmarkPutOverhead measures the client-side cost of one 1 KiB Put with the HTTP transport
// replaced by one that answers at once (testkit.S3Transport), and splits obskit's
// instrumentation into its parts: the bare SDK PutObject (same checksum) against obskit
// instrumented as telemetry.Setup sets it up (spans batched by exporters/spanbatch, a real
// MeterProvider), with spans exported synchronously, with the SDK's own spans, with no-op
// providers, with metrics alone, and uninstrumented. The overhead is the difference with "sdk";
// the _vs_sdk variants measure it by thread CPU time, interleaved. The comparison with otelaws,
// and with the OTel SDK's BatchSpanProcessor, is BenchmarkPeerOverhead in bench/s3bench.
//
//	go test -run '^$' -bench 'PutOverhead/.*_vs_sdk' -benchtime 20000x -count 6 ./objstore/s3/
func BenchmarkPutOverhead(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1024)
	ctx := context.Background()
	client := memClient()
	tp, mp := benchTelemetry(b)
	// The same instrumentation with spans handed to the exporter synchronously, without the
	// BatchSpanProcessor's goroutine: the difference with "obskit" is the batcher's share.
	syncTP := sdktrace.NewTracerProvider(sdktrace.WithSyncer(discardExporter{}))
	defer syncTP.Shutdown(ctx)

	sdkPut := func() {
		_, err := client.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: aws.String("bench"), Key: aws.String("a/key"),
			Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sdkPut()
		}
	})
	for _, v := range []struct {
		name string
		opts []s3.Option
	}{
		{"obskit", []s3.Option{s3.WithTracerProvider(tp), s3.WithMeterProvider(mp)}},
		{"obskit_sdk_spans", []s3.Option{s3.WithTracerProvider(tp), s3.WithMeterProvider(mp), s3.WithSDKSpans(true)}},
		{"obskit_sync_spans", []s3.Option{s3.WithTracerProvider(syncTP), s3.WithMeterProvider(mp)}},
		// The instrumentation's structure alone (decorator, attempt middleware) with no-op
		// providers, and the metrics alone: where the rest of the overhead goes.
		{"obskit_noop_providers", []s3.Option{s3.WithTracerProvider(tracenoop.NewTracerProvider()), s3.WithMeterProvider(metricnoop.NewMeterProvider())}},
		{"obskit_metrics_only", []s3.Option{s3.WithTracerProvider(tracenoop.NewTracerProvider()), s3.WithMeterProvider(mp)}},
		{"obskit_uninstrumented", []s3.Option{s3.WithInstrumentation(false)}},
	} {
		bk, err := s3.NewFromClient(client, s3.DefaultConfig("bench"), v.opts...)
		if err != nil {
			b.Fatal(err)
		}
		put := func() {
			if err := bk.Put(ctx, "a/key", bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				put()
			}
		})
		// The same pair interleaved, one of each per iteration in alternating order, timed by the
		// CPU time of the benchmark's thread (CLOCK_THREAD_CPUTIME_ID), so that the load of a
		// shared machine weighs on neither: overhead-cpu-ns/op is obskit minus sdk.
		b.Run(v.name+"_vs_sdk", func(b *testing.B) {
			sdkNs, obskitNs := cpuclock.Pair(b, sdkPut, put)
			b.ReportMetric(sdkNs, "sdk-cpu-ns/op")
			b.ReportMetric(obskitNs, "obskit-cpu-ns/op")
			b.ReportMetric(obskitNs-sdkNs, "overhead-cpu-ns/op")
		})
	}
}

// BenchmarkPutOptionsOverhead measures what Put options cost per call, against the in-memory
// transport with the instrumentation off: a Put with a content type, two metadata entries and
// a create-only condition against a plain Put, interleaved (cpuclock.Pair), and each alone.
//
//	go test -run '^$' -bench PutOptionsOverhead -benchtime 20000x -count 3 ./objstore/s3/
func BenchmarkPutOptionsOverhead(b *testing.B) {
	data := bytes.Repeat([]byte("x"), 1024)
	ctx := context.Background()
	bk, err := s3.NewFromClient(memClient(), s3.DefaultConfig("bench"), s3.WithInstrumentation(false))
	if err != nil {
		b.Fatal(err)
	}
	md := map[string]string{"owner": "bench", "run": "1"}
	plain := func() {
		if err := bk.Put(ctx, "a/key", bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
	withOptions := func() {
		err := bk.Put(ctx, "a/key", bytes.NewReader(data), int64(len(data)),
			objstore.WithContentType("application/json"), objstore.WithMetadata(md), objstore.WithIfNotExists())
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plain()
		}
	})
	b.Run("options", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			withOptions()
		}
	})
	b.Run("options_vs_plain", func(b *testing.B) {
		plainNs, optNs := cpuclock.Pair(b, plain, withOptions)
		b.ReportMetric(plainNs, "plain-cpu-ns/op")
		b.ReportMetric(optNs, "options-cpu-ns/op")
		b.ReportMetric(optNs-plainNs, "overhead-cpu-ns/op")
	})
}

// BenchmarkPutLocal puts 1 KiB objects to versitygw on loopback with the bare SDK PutObject and
// with obskit (instrumented as telemetry.Setup sets it up, by default: SDK spans off), each
// alone (allocs/op) and interleaved (latency-ratio: obskit's total latency over the SDK's, one
// of each per iteration in alternating order).
//
//	go test -run '^$' -bench PutLocal -benchtime 3000x -count 6 ./objstore/s3/
func BenchmarkPutLocal(b *testing.B) {
	srv := testserver.StartVersity(b)
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 1024)
	tp, mp := benchTelemetry(b)
	bk := openVersity(b, srv, "", s3.WithTracerProvider(tp), s3.WithMeterProvider(mp))
	endpoint := srv.Endpoint
	bare := awss3.New(awss3.Options{
		Region:       srv.Region,
		BaseEndpoint: &endpoint,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	defer bare.Options().HTTPClient.(*awshttp.BuildableClient).GetTransport().CloseIdleConnections()
	sdkPut := func() {
		_, err := bare.PutObject(ctx, &awss3.PutObjectInput{
			Bucket: &srv.Bucket, Key: aws.String("local/sdk"),
			Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	bareObskit := openVersity(b, srv, "", s3.WithInstrumentation(false))
	putWith := func(bk objstore.Bucket) func() {
		return func() {
			if err := bk.Put(ctx, "local/obskit", bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
		}
	}
	obskitPut := putWith(bk)
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sdkPut()
		}
	})
	b.Run("obskit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			obskitPut()
		}
	})
	// One of each per iteration, in alternating order. latency-ratio is the ratio of the total
	// latencies, median-ratio that of the median latencies (the runs of a shared machine have
	// outliers that weigh on totals), cpu-overhead-ns the difference in CPU time of the calling
	// thread per Put. obskit_uninstrumented (obskit's client, no spans or metrics) tells the
	// client's settings apart from the instrumentation; sdk_spans and noop_providers split the
	// instrumentation's cost as in BenchmarkPutOverhead.
	for _, v := range []struct {
		name string
		put  func()
	}{{"obskit_vs_sdk", obskitPut}, {"obskit_uninstrumented_vs_sdk", putWith(bareObskit)},
		{"obskit_sdk_spans_vs_sdk", putWith(openVersity(b, srv, "", s3.WithTracerProvider(tp), s3.WithMeterProvider(mp), s3.WithSDKSpans(true)))},
		{"obskit_noop_providers_vs_sdk", putWith(openVersity(b, srv, "", s3.WithTracerProvider(tracenoop.NewTracerProvider()), s3.WithMeterProvider(metricnoop.NewMeterProvider())))},
	} {
		b.Run(v.name, func(b *testing.B) {
			var sdkTimes, obskitTimes []time.Duration
			var cs, co int64
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			i := 0
			for b.Loop() {
				first, second := sdkPut, v.put
				if i%2 == 1 {
					first, second = v.put, sdkPut
				}
				c0 := cpuclock.ThreadNanos()
				t0 := time.Now()
				first()
				t1 := time.Now()
				c1 := cpuclock.ThreadNanos()
				second()
				t2 := time.Now()
				c2 := cpuclock.ThreadNanos()
				if i%2 == 0 {
					cs, co = cs+c1-c0, co+c2-c1
					sdkTimes, obskitTimes = append(sdkTimes, t1.Sub(t0)), append(obskitTimes, t2.Sub(t1))
				} else {
					co, cs = co+c1-c0, cs+c2-c1
					obskitTimes, sdkTimes = append(obskitTimes, t1.Sub(t0)), append(sdkTimes, t2.Sub(t1))
				}
				i++
			}
			b.ReportMetric(float64(sum(obskitTimes))/float64(sum(sdkTimes)), "latency-ratio")
			b.ReportMetric(float64(median(obskitTimes))/float64(median(sdkTimes)), "median-ratio")
			b.ReportMetric(float64(co-cs)/float64(i), "cpu-overhead-ns")
		})
	}
}

func sum(ds []time.Duration) (total time.Duration) {
	for _, d := range ds {
		total += d
	}
	return total
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// patternReader yields n bytes of a fixed pattern and hides any Seek, like a pipe.
type patternReader struct{ left int64 }

var pattern = bytes.Repeat([]byte("obskit-pattern-"), 4096)

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(int64(len(b)), p.left)], pattern)
	p.left -= int64(n)
	return n, nil
}

// heapPeak samples the heap every 5ms until stopped and returns the largest value seen.
type heapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	h.wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	})
	return h
}

func (h *heapPeak) Stop() float64 {
	close(h.stop)
	h.wg.Wait()
	return float64(h.peak.Load()) / (1 << 20)
}

// BenchmarkLargePut uploads one object of -s3.benchsize bytes (default 1 GiB) from a reader that
// cannot seek to versitygw on loopback, through the bare transfer manager and through obskit
// (instrumented, same part size, concurrency and checksum), and reports throughput (MB/s) and
// the peak heap (peak-heap-MiB: bytes in heap objects, garbage included, sampled every 5ms).
// Run it alone: go test -run '^$' -bench LargePut -benchtime 2x ./objstore/s3/ -args -s3.benchsize=1073741824
func BenchmarkLargePut(b *testing.B) {
	srv := testserver.StartVersity(b)
	size := *benchSize
	ctx := context.Background()
	const partSize, concurrency = 8 << 20, 5

	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize, cfg.PartConcurrency = partSize, concurrency
	bk := openConfig(b, cfg)
	endpoint := srv.Endpoint
	bare := awss3.New(awss3.Options{
		Region:       srv.Region,
		BaseEndpoint: &endpoint,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	tm := transfermanager.New(bare, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = concurrency
		o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmCrc32c
	})

	run := func(b *testing.B, put func(key string) error) {
		b.SetBytes(size)
		b.ReportAllocs()
		var peak float64
		i := 0
		for b.Loop() {
			h := startHeapPeak()
			key := "large-" + strconv.Itoa(i)
			if err := put(key); err != nil {
				b.Fatal(err)
			}
			peak = max(peak, h.Stop())
			b.StopTimer()
			_ = bk.Delete(ctx, key)
			b.StartTimer()
			i++
		}
		b.ReportMetric(peak, "peak-heap-MiB")
	}
	tmPut := func(key string) error {
		_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
			Bucket: &srv.Bucket, Key: &key, Body: &patternReader{left: size},
		})
		return err
	}
	obskitPut := func(key string) error { return bk.Put(ctx, key, &patternReader{left: size}, -1) }
	b.Run("transfermanager", func(b *testing.B) { run(b, tmPut) })
	b.Run("obskit", func(b *testing.B) { run(b, obskitPut) })
	// One of each per iteration, in alternating order, so that the load of a shared machine
	// weighs on both: throughput-ratio is obskit's throughput over the transfer manager's.
	b.Run("obskit_vs_transfermanager", func(b *testing.B) {
		var tmTime, obskitTime time.Duration
		i := 0
		for b.Loop() {
			for j := range 2 {
				put, total := tmPut, &tmTime
				if (i+j)%2 == 1 {
					put, total = obskitPut, &obskitTime
				}
				key := "pair-" + strconv.Itoa(i) + "-" + strconv.Itoa(j)
				began := time.Now()
				if err := put(key); err != nil {
					b.Fatal(err)
				}
				*total += time.Since(began)
				b.StopTimer()
				_ = bk.Delete(ctx, key) // keep the disk (and its writeback) small
				b.StartTimer()
			}
			i++
		}
		b.ReportMetric(float64(size)*float64(i)/tmTime.Seconds()/1e6, "tm-MB/s")
		b.ReportMetric(float64(size)*float64(i)/obskitTime.Seconds()/1e6, "obskit-MB/s")
		b.ReportMetric(tmTime.Seconds()/obskitTime.Seconds(), "throughput-ratio")
	})
}
