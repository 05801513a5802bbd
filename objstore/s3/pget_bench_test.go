package s3_test

import (
	"context"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/internal/testserver"
)

// BenchmarkParallelGet reads one 64 MiB object (stored with a full-object checksum, which obskit
// verifies) from versitygw on loopback: with obskit's Get on a single stream (GetConcurrency 1),
// with obskit's Get in parallel parts of 8 MiB (GetConcurrency 4 and 8), and with the transfer
// manager's GetObject (ranges of the same size, the same concurrency, its buffer bounded to part
// size × concurrency, on a bare client), each read to its end in reads of 1 MiB. Each variant
// reports throughput (MB/s), allocations, and the peak heap (peak-heap-MiB: bytes in heap
// objects, garbage included, sampled every 5ms, after a GC before each read). The interleaved sub-benchmark reads once with
// every variant per iteration, in rotating order, so that the load of a shared machine weighs on
// all of them alike, and reports each one's MB/s.
//
//	go test -run '^$' -bench BenchmarkParallelGet -benchtime 5x -count 3 ./objstore/s3/
func BenchmarkParallelGet(b *testing.B) {
	srv := testserver.StartVersity(b)
	ctx := context.Background()
	const size, partSize = 64 << 20, 8 << 20
	putWhole(b, srv, "large", randomBytes(rand.New(rand.NewPCG(16, 8)), size))

	obskitGet := func(concurrency int) func() (io.ReadCloser, error) {
		cfg := versityConfig(srv, srv.Endpoint)
		cfg.PartSize, cfg.GetConcurrency = partSize, concurrency
		bk := openConfig(b, cfg)
		return func() (io.ReadCloser, error) { return bk.Get(ctx, "large") }
	}
	endpoint := srv.Endpoint
	bare := awss3.New(awss3.Options{
		Region:       srv.Region,
		BaseEndpoint: &endpoint,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	tmGet := func(concurrency int) func() (io.ReadCloser, error) {
		tm := transfermanager.New(bare, func(o *transfermanager.Options) {
			o.PartSizeBytes = partSize
			o.Concurrency = concurrency
			o.GetObjectType = tmtypes.GetObjectRanges
			o.GetObjectBufferSize = partSize * int64(concurrency)
		})
		return func() (io.ReadCloser, error) {
			out, err := tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: &srv.Bucket, Key: aws.String("large")})
			if err != nil {
				return nil, err
			}
			return io.NopCloser(out.Body), nil
		}
	}
	variants := []struct {
		name string
		get  func() (io.ReadCloser, error)
	}{
		{"single", obskitGet(1)},
		{"parallel-4", obskitGet(4)},
		{"parallel-8", obskitGet(8)},
		{"transfermanager-4", tmGet(4)},
		{"transfermanager-8", tmGet(8)},
	}
	buf := make([]byte, 1<<20)
	read := func(b *testing.B, get func() (io.ReadCloser, error)) {
		rc, err := get()
		if err != nil {
			b.Fatal(err)
		}
		var n int64
		for {
			m, err := rc.Read(buf)
			n += int64(m)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := rc.Close(); err != nil {
			b.Fatal(err)
		}
		if n != size {
			b.Fatalf("read %d bytes, want %d", n, size)
		}
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var peak float64
			for b.Loop() {
				b.StopTimer()
				runtime.GC() // the peak is that of one read, not of the garbage of the last
				b.StartTimer()
				h := startHeapPeak()
				read(b, v.get)
				peak = max(peak, h.Stop())
			}
			b.ReportMetric(peak, "peak-heap-MiB")
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		took := make([]time.Duration, len(variants))
		i := 0
		for b.Loop() {
			for j := range variants {
				k := (i + j) % len(variants)
				began := time.Now()
				read(b, variants[k].get)
				took[k] += time.Since(began)
			}
			i++
		}
		for k, v := range variants {
			b.ReportMetric(float64(size)*float64(i)/took[k].Seconds()/1e6, v.name+"-MB/s")
		}
	})
}
