package s3bench_test

import (
	"context"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/internal/testserver"
)

var large = flag.Bool("s3bench.large", false, "also put 256 MiB objects (or name 256MiB in -bench)")

// sizes returns the object sizes to put: 1 KiB and 1 MiB, and 256 MiB when asked for.
func sizes() []struct {
	name string
	n    int
} {
	s := []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"1MiB", 1 << 20}}
	if f := flag.Lookup("test.bench"); *large || (f != nil && strings.Contains(f.Value.String(), "256MiB")) {
		s = append(s, struct {
			name string
			n    int
		}{"256MiB", 256 << 20})
	}
	return s
}

// server starts versitygw for b (testserver.Require semantics: skipped without versitygw,
// failed under CI=true).
func server(b *testing.B) s3bench.Server { return testserverFor(b) }

// testserverFor starts versitygw for tb and describes it as an s3bench.Server.
func testserverFor(tb testing.TB) s3bench.Server {
	srv := testserver.StartVersity(tb)
	return s3bench.Server{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: srv.Bucket, Region: srv.Region}
}

// BenchmarkPut puts the same object again and again (same key, overwritten) through each
// library into versitygw on loopback: ns/op is the mean latency, MB/s the throughput, and
// p50-ms and p99-ms the latency quantiles of the iterations.
func BenchmarkPut(b *testing.B) {
	srv := server(b)
	ctx := context.Background()
	for _, size := range sizes() {
		data := s3bench.Pattern(size.n)
		for _, name := range s3bench.Names() {
			b.Run(size.name+"/"+name, func(b *testing.B) {
				c, err := s3bench.Open(ctx, name, srv, s3bench.Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				key := "bench/" + name + "/" + size.name
				if err := c.Put(ctx, key, data); err != nil { // warm the connection
					b.Fatal(err)
				}
				b.SetBytes(int64(size.n))
				b.ReportAllocs()
				var lat []time.Duration
				for b.Loop() {
					began := time.Now()
					if err := c.Put(ctx, key, data); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(began))
				}
				slices.Sort(lat)
				b.ReportMetric(ms(s3bench.Quantile(lat, 0.50)), "p50-ms")
				b.ReportMetric(ms(s3bench.Quantile(lat, 0.99)), "p99-ms")
			})
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
