package s3_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// BenchmarkParallelGet reads one 64 MiB object (stored with a full-object checksum, which obskit
// verifies) from versitygw: with obskit's Get on a single stream (GetConcurrency 1), with obskit's
// Get in parallel parts of 8 MiB (GetConcurrency 4 and 8), and with the transfer manager's
// GetObject (ranges of the same size, the same concurrency, its buffer bounded to part size ×
// concurrency, on a bare client), each read to its end in reads of 1 MiB; on loopback, and
// through connections that each deliver at most 100 MB/s (throttled), as a remote store's do.
// Each variant reports throughput (MB/s), allocations, and the peak heap (peak-heap-MiB: bytes in
// heap objects, garbage included, sampled every 5ms, after a GC before each read). The
// interleaved sub-benchmarks read once with every variant per iteration, in rotating order, so
// that the load of a shared machine weighs on all of them alike, and report each one's MB/s.
//
//	go test -run '^$' -bench BenchmarkParallelGet -benchtime 5x -count 3 ./objstore/s3/
func BenchmarkParallelGet(b *testing.B) {
	srv := testserver.StartVersity(b)
	ctx := context.Background()
	const size, partSize = 64 << 20, 8 << 20
	putWhole(b, srv, "large", randomBytes(rand.New(rand.NewPCG(16, 8)), size))

	type variant struct {
		name string
		get  func() (io.ReadCloser, error)
	}
	// variants returns the variants whose connections are made by dial (nil: the default).
	variants := func(dial func(ctx context.Context, network, addr string) (net.Conn, error)) []variant {
		endpoint := srv.Endpoint
		httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			if dial != nil {
				t.DialContext = dial
			}
		})
		client := func() *awss3.Client {
			return awss3.New(awss3.Options{
				Region:       srv.Region,
				BaseEndpoint: &endpoint,
				UsePathStyle: true,
				Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
				HTTPClient:   httpClient,
			})
		}
		obskitGet := func(concurrency int) func() (io.ReadCloser, error) {
			cfg := versityConfig(srv, srv.Endpoint)
			cfg.PartSize, cfg.GetConcurrency = partSize, concurrency
			var bk objstore.Bucket
			if dial == nil {
				bk = openConfig(b, cfg) // as a user would
			} else {
				c := client()
				c = awss3.New(c.Options(), func(o *awss3.Options) {
					o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired // as New
				})
				var err error
				if bk, err = s3.NewFromClient(c, cfg); err != nil {
					b.Fatal(err)
				}
			}
			return func() (io.ReadCloser, error) { return bk.Get(ctx, "large") }
		}
		bare := client()
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
		return []variant{
			{"single", obskitGet(1)},
			{"parallel-4", obskitGet(4)},
			{"parallel-8", obskitGet(8)},
			{"transfermanager-4", tmGet(4)},
			{"transfermanager-8", tmGet(8)},
		}
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
	for _, link := range []struct {
		name string
		dial func(ctx context.Context, network, addr string) (net.Conn, error)
	}{
		{"loopback", nil},
		{"throttled", throttledDial(100e6)},
	} {
		vs := variants(link.dial)
		for _, v := range vs {
			b.Run(link.name+"/"+v.name, func(b *testing.B) {
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
		b.Run(link.name+"/interleaved", func(b *testing.B) {
			took := make([]time.Duration, len(vs))
			i := 0
			for b.Loop() {
				for j := range vs {
					k := (i + j) % len(vs)
					began := time.Now()
					read(b, vs[k].get)
					took[k] += time.Since(began)
				}
				i++
			}
			for k, v := range vs {
				b.ReportMetric(float64(size)*float64(i)/took[k].Seconds()/1e6, v.name+"-MB/s")
			}
		})
	}
}

// throttledDial returns a dialer whose connections each deliver at most rate bytes a second
// (a token bucket of 256 KiB), as the connections to a remote store do.
func throttledDial(rate float64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &throttledConn{Conn: c, rate: rate, last: time.Now()}, nil
	}
}

// throttledConn is a connection whose reads are held to rate bytes a second.
type throttledConn struct {
	net.Conn
	rate      float64
	allowance float64 // bytes that may be read without waiting; negative: a debt to wait for
	last      time.Time
}

func (c *throttledConn) Read(p []byte) (int, error) {
	const burst = 256 << 10
	n, err := c.Conn.Read(p[:min(len(p), 64<<10)])
	now := time.Now()
	c.allowance = min(c.allowance+now.Sub(c.last).Seconds()*c.rate, burst) - float64(n)
	c.last = now
	if c.allowance < 0 {
		time.Sleep(time.Duration(-c.allowance / c.rate * float64(time.Second)))
	}
	return n, err
}
