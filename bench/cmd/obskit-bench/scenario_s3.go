package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/internal/cpuclock"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// runS3Latency puts 1 KiB and 1 MiB objects one after the other through each library into
// srv, in rounds that rotate the libraries, and returns each library's latency distribution.
func runS3Latency(ctx context.Context, srv s3bench.Server, sc scale, p *progress) ([]S3LatRow, error) {
	names := s3bench.Names()
	clients := make(map[string]*s3bench.Client, len(names))
	defer func() {
		for _, c := range clients {
			_ = c.Close()
		}
	}()
	for _, name := range names {
		c, err := s3bench.Open(ctx, name, srv, s3bench.Options{})
		if err != nil {
			return nil, err
		}
		clients[name] = c
	}
	const rounds = 5
	var rows []S3LatRow
	sizes := []struct{ size, puts int }{{1 << 10, sc.SmallPuts}, {1 << 20, sc.MediumPuts}}
	unit := 1 / float64(len(sizes)*rounds*len(names))
	for _, sz := range sizes {
		data := s3bench.Pattern(sz.size)
		per := max(sz.puts/rounds, 1)
		type acc struct {
			lat            []time.Duration
			errs           int
			mallocs, bytes uint64
			firstErr       error
		}
		accs := map[string]*acc{}
		for _, name := range names {
			accs[name] = &acc{}
			_ = clients[name].Put(ctx, key(name, sz.size), data) // warm the connection
		}
		for r := range rounds {
			for i := range names {
				name := names[(i+r)%len(names)]
				a, c := accs[name], clients[name]
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for range per {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					began := time.Now()
					err := c.Put(ctx, key(name, sz.size), data)
					a.lat = append(a.lat, time.Since(began))
					if err != nil {
						a.errs++
						if a.firstErr == nil {
							a.firstErr = err
						}
					}
				}
				runtime.ReadMemStats(&after)
				a.mallocs += after.Mallocs - before.Mallocs
				a.bytes += after.TotalAlloc - before.TotalAlloc
				p.Add(unit)
			}
		}
		for _, name := range names {
			a := accs[name]
			if a.errs == len(a.lat) {
				return nil, fmt.Errorf("%s: every put failed: %w", name, a.firstErr)
			}
			s := s3bench.SortedCopy(a.lat)
			var sum time.Duration
			samples := make([]float64, len(a.lat))
			for i, d := range a.lat {
				sum += d
				samples[i] = msOf(d)
			}
			n := float64(len(a.lat))
			rows = append(rows, S3LatRow{
				Library: name, Size: sz.size, Puts: len(a.lat), Errors: a.errs,
				MeanMs: msOf(sum) / n, P50Ms: msOf(s3bench.Quantile(s, 0.5)),
				P95Ms: msOf(s3bench.Quantile(s, 0.95)), P99Ms: msOf(s3bench.Quantile(s, 0.99)),
				MBps:         float64(sz.size) * n / sum.Seconds() / 1e6,
				AllocsPerPut: float64(a.mallocs) / n, BytesPerPut: float64(a.bytes) / n,
				Samples: samples,
			})
		}
	}
	return rows, nil
}

func key(name string, size int) string { return "latency/" + name + "/" + strconv.Itoa(size) }

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// patternReader yields n bytes of a fixed pattern and hides any Seek, like a pipe.
type patternReader struct{ left int64 }

var pattern = s3bench.Pattern(64 << 10)

func (r *patternReader) Read(b []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(int64(len(b)), r.left)], pattern)
	r.left -= int64(n)
	return n, nil
}

// heapPeak samples the heap every 5ms until stopped and returns the largest value seen, in MiB.
func heapPeak() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak.Load()) / (1 << 20)
	}
}

// runS3Large puts one large object from a reader that cannot seek through the bare transfer
// manager and through obskit (same part size, part concurrency and checksum), alternating, and
// reports throughput and the peak heap.
func runS3Large(ctx context.Context, srv s3bench.Server, sc scale, p *progress) ([]S3LargeRow, error) {
	const partSize, concurrency = 8 << 20, 5
	cfg := s3bench.ObskitConfig(srv)
	cfg.PartSize, cfg.PartConcurrency = partSize, concurrency
	bk, err := obskits3.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer bk.Close()
	bare := awss3.New(awss3.Options{
		Region: srv.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	tm := transfermanager.New(bare, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = concurrency
		o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmCrc32c
	})
	puts := []struct {
		name string
		put  func(key string) error
	}{
		{s3bench.SDKTransferManager, func(key string) error {
			_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: &srv.Bucket, Key: &key, Body: &patternReader{left: sc.LargeSize}})
			return err
		}},
		{s3bench.Obskit, func(key string) error { return bk.Put(ctx, key, &patternReader{left: sc.LargeSize}, -1) }},
	}
	rows := make([]S3LargeRow, len(puts))
	var elapsed [2]time.Duration
	unit := 1 / float64(2*sc.LargeRounds)
	for r := range sc.LargeRounds {
		for j := range puts {
			i := (j + r) % len(puts)
			k := fmt.Sprintf("large/%s-%d", puts[i].name, r)
			runtime.GC()
			stop := heapPeak()
			began := time.Now()
			err := puts[i].put(k)
			elapsed[i] += time.Since(began)
			peak := stop()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", puts[i].name, err)
			}
			rows[i].PeakHeapMiB = max(rows[i].PeakHeapMiB, peak)
			_ = bk.Delete(ctx, k) // keep the disk small
			p.Add(unit)
		}
	}
	for i := range puts {
		rows[i].Library, rows[i].Size, rows[i].Puts = puts[i].name, sc.LargeSize, sc.LargeRounds
		rows[i].MBps = float64(sc.LargeSize) * float64(sc.LargeRounds) / elapsed[i].Seconds() / 1e6
	}
	return rows, nil
}

// runS3Overhead measures the client-side CPU time of a 1 KiB Put on the calling thread with
// the HTTP transport answering at once: the bare SDK PutObject (CRC32C), obskit with the
// providers telemetry.Setup builds (spans batched by exporters/spanbatch, a real MeterProvider)
// and, for reference, the SDK instrumented by otelaws on the same TracerProvider; blocks of each
// in turn, the order rotating from block to block.
func runS3Overhead(ctx context.Context, sc scale, p *progress) (*S3Overhead, error) {
	tp, mp, _, err := s3bench.ObskitProviders()
	if err != nil {
		return nil, err
	}
	defer tp.Shutdown(context.WithoutCancel(ctx))
	defer mp.Shutdown(context.WithoutCancel(ctx))
	bk, err := obskits3.NewFromClient(s3bench.NewMemoryClient(), obskits3.DefaultConfig("bench"), obskits3.WithTracerProvider(tp), obskits3.WithMeterProvider(mp))
	if err != nil {
		return nil, err
	}
	defer bk.Close()
	data := s3bench.Pattern(1 << 10)
	putObject := func(client *awss3.Client) func() error {
		return func() error {
			_, err := client.PutObject(ctx, &awss3.PutObjectInput{
				Bucket: aws.String("bench"), Key: aws.String("a/key"),
				Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
			})
			return err
		}
	}
	// sdk, obskit, otelaws
	puts := []func() error{
		putObject(s3bench.NewMemoryClient()),
		func() error { return bk.Put(ctx, "a/key", bytes.NewReader(data), int64(len(data))) },
		putObject(s3bench.NewOtelawsMemoryClient(tp)),
	}
	for range 200 { // warm up
		for _, put := range puts {
			if err := put(); err != nil {
				return nil, err
			}
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var cpu [3]int64
	var allocs [3]uint64
	var ms runtime.MemStats
	const block = 100
	blocks := max(sc.OverheadPuts/block, 1)
	for i := range blocks {
		for j := range puts {
			k := (i + j) % len(puts)
			runtime.ReadMemStats(&ms)
			m0 := ms.Mallocs
			t0 := cpuclock.ThreadNanos()
			for range block {
				if err := puts[k](); err != nil {
					return nil, err
				}
			}
			cpu[k] += cpuclock.ThreadNanos() - t0
			runtime.ReadMemStats(&ms)
			allocs[k] += ms.Mallocs - m0
		}
		p.Add(1 / float64(blocks))
	}
	n := float64(blocks * block)
	o := &S3Overhead{
		Puts: blocks * block, SDKCPUNs: float64(cpu[0]) / n, ObskitCPUNs: float64(cpu[1]) / n, OtelawsCPUNs: float64(cpu[2]) / n,
		SDKAllocs: float64(allocs[0]) / n, ObskitAllocs: float64(allocs[1]) / n, OtelawsAllocs: float64(allocs[2]) / n,
	}
	o.OverheadNs = o.ObskitCPUNs - o.SDKCPUNs
	o.OtelawsOverheadNs = o.OtelawsCPUNs - o.SDKCPUNs
	return o, nil
}
