package s3_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// faultObjects returns the objects of a fault run: n objects of 1–64 KiB, every 200th of 6–12 MiB
// (multipart with 5 MiB parts), and every 7th put with an unknown size (streamed).
func faultObjects(seed uint64, n int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	objs := make([][]byte, n)
	for i := range objs {
		size := 1<<10 + rng.IntN(63<<10)
		if i%200 == 100 {
			size = 6<<20 + rng.IntN(6<<20)
		}
		objs[i] = randomBytes(rng, size)
	}
	return objs
}

// TestFaultTolerance puts 1,000 objects at once through a fault-injecting proxy in front of
// versitygw and checks that at least 99.9% succeed, every success reads back byte-identical
// straight from the server, every failure is an error and leaves no partial object, and no
// multipart upload is left open.
func TestFaultTolerance(t *testing.T) {
	if testing.Short() {
		t.Skip("fault tolerance runs 3 × 1,000 uploads; skipped with -short")
	}
	srv := testserver.StartVersity(t)
	const n = 1000
	objs := faultObjects(1, n)
	tests := []struct {
		name    string
		faults  faultproxy.Faults
		restart bool
	}{
		{"mild", faultproxy.Faults{SlowDown: 0.05, Reset: 0.01, Delay: 0.01, DelayFor: 2 * time.Second}, false},
		{"harsh", faultproxy.Faults{SlowDown: 0.20, Reset: 0.05, Delay: 0.02, DelayFor: 2 * time.Second}, false},
		{"mild_with_restart", faultproxy.Faults{SlowDown: 0.05, Reset: 0.01, Delay: 0.01, DelayFor: 2 * time.Second}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy, err := faultproxy.Start(srv.Endpoint, tt.faults, uint64(100+i))
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			defer mp.Shutdown(context.Background())
			cfg := versityConfig(srv, proxy.URL())
			cfg.PartSize = s3.MinPartSize
			b := openConfig(t, cfg, s3.WithMeterProvider(mp), s3.WithTracerProvider(noop.NewTracerProvider()))
			direct := openVersity(t, srv, "", s3.WithInstrumentation(false))

			var restart func()
			if tt.restart {
				restart = func() { srv.Restart(t) }
			}
			failed := putAll(t, b, direct, srv.Bucket, tt.name, objs, restart, false)
			rate := float64(n-len(failed)) / n
			counts := proxy.Counts()
			t.Logf("%s: proxy: %v", tt.name, counts)
			if rate < 0.999 {
				t.Errorf("success rate %.2f%%, want at least 99.9%%", 100*rate)
			}
			if counts.Faults() == 0 {
				t.Error("the proxy injected no fault: the test proves nothing")
			}

			// The retries were reported to the instrumentation.
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(context.Background(), &rm); err != nil {
				t.Fatal(err)
			}
			retries := testkit.SumInt64(rm, "objstore.retries")
			t.Logf("objstore.retries = %d", retries)
			// Every 503 is a whole response that only the SDK retries; a reset may be retried by
			// net/http's transport itself (a request not yet written, on a reused connection),
			// which the SDK never sees, so resets set no lower bound.
			if min := counts.SlowDowns - int64(len(failed))*8; retries < min {
				t.Errorf("objstore.retries = %d, want at least %d (one per 503 SlowDown)", retries, min)
			}
		})
	}
}

// putAll puts objs at once under prefix/obj-NNNN through b, calling restart (if not nil) from the
// test goroutine after a third of them are done, and checks the results: every error is an
// *objstore.OpError, every success reads back byte-identical through direct, a failure leaves
// nothing or the whole object, and no multipart upload is left open. It returns the indexes of
// the failed puts. For a control run (the SDK's defaults), uploads left open are logged only.
func putAll(t *testing.T, b, direct objstore.Bucket, bucket, prefix string, objs [][]byte, restart func(), control bool) []int {
	t.Helper()
	n := len(objs)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	errs := make([]error, n)
	var done atomic.Int64
	halfway := make(chan struct{})
	var wg sync.WaitGroup
	began := time.Now()
	for j := range n {
		wg.Go(func() {
			size := int64(len(objs[j]))
			var r io.Reader = bytes.NewReader(objs[j])
			if j%7 == 3 {
				size, r = -1, io.MultiReader(r) // unknown length, not seekable
			}
			errs[j] = b.Put(ctx, fmt.Sprintf("%s/obj-%04d", prefix, j), r, size)
			if done.Add(1) == int64(n/3) {
				close(halfway)
			}
		})
	}
	if restart != nil {
		<-halfway
		t.Logf("restarting the server after %d puts", done.Load())
		restart()
	}
	wg.Wait()
	elapsed := time.Since(began)

	var failed []int
	for j, err := range errs {
		if err != nil {
			failed = append(failed, j)
			var oe *objstore.OpError
			if !errors.As(err, &oe) || oe.Op != objstore.OpPut {
				t.Errorf("obj %d: error %v is not an *objstore.OpError for put", j, err)
			}
			if len(failed) <= 5 {
				t.Logf("obj %d (%d bytes) failed: %v", j, len(objs[j]), err)
			}
		}
	}
	t.Logf("%s: %d/%d succeeded (%.1f%%) in %v", prefix, n-len(failed), n,
		100*float64(n-len(failed))/float64(n), elapsed.Round(time.Millisecond))

	// Every success reads back byte-identical from the server itself; a failure leaves
	// either nothing or the whole object (a retried request that had in fact succeeded).
	checkCtx := context.Background()
	for j := range n {
		key := fmt.Sprintf("%s/obj-%04d", prefix, j)
		rc, err := direct.Get(checkCtx, key)
		if errs[j] != nil && objstore.IsNotFound(err) {
			continue
		}
		if err != nil {
			t.Errorf("%s: get: %v", key, err)
			continue
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, objs[j]) {
			t.Errorf("%s: read back %d bytes (err %v), want the %d bytes put", key, len(got), err, len(objs[j]))
		}
	}

	client := sdkClient(t, direct)
	uploads, err := client.ListMultipartUploads(checkCtx, &awss3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(uploads.Uploads) != 0 && control:
		// The SDK's defaults can leave uploads open: the abort itself runs out of retry quota.
		t.Logf("%d multipart uploads left open", len(uploads.Uploads))
	case len(uploads.Uploads) != 0:
		t.Errorf("%d multipart uploads left open", len(uploads.Uploads))
	}

	return failed
}

// TestFaultToleranceSDKDefaults is the control: the harsh run with a client left at the SDK's
// defaults (3 attempts, a retry quota of 500 tokens) must fall below 99.9%, or the fault level
// would be too mild to show anything. Objects are still checked: what the SDK reports stored
// must read back whole.
func TestFaultToleranceSDKDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short")
	}
	srv := testserver.StartVersity(t)
	const n = 1000
	objs := faultObjects(2, n)
	proxy, err := faultproxy.Start(srv.Endpoint,
		faultproxy.Faults{SlowDown: 0.20, Reset: 0.05, Delay: 0.02, DelayFor: 2 * time.Second}, 200)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	endpoint := proxy.URL()
	client := awss3.New(awss3.Options{
		Region:       srv.Region,
		BaseEndpoint: &endpoint,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	})
	cfg := s3.DefaultConfig(srv.Bucket)
	cfg.PartSize = s3.MinPartSize
	b, err := s3.NewFromClient(client, cfg, s3.WithInstrumentation(false))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	failed := putAll(t, b, direct, srv.Bucket, "sdk_defaults", objs, nil, true)
	t.Logf("proxy: %v", proxy.Counts())
	if rate := float64(n-len(failed)) / n; rate >= 0.999 {
		t.Errorf("with the SDK's defaults %.2f%% succeeded: the harsh level no longer tells them apart", 100*rate)
	}
	client.Options().HTTPClient.(*awshttp.BuildableClient).GetTransport().CloseIdleConnections()
}
