package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// pgetPart is the part size of the parallel Get tests: the smallest the configuration accepts.
const pgetPart = s3.MinPartSize

// parallelConfig returns a Config for srv through endpoint whose Get reads parts of pgetPart
// bytes, concurrency at a time.
func parallelConfig(srv *testserver.S3Server, endpoint string, concurrency int) s3.Config {
	cfg := versityConfig(srv, endpoint)
	cfg.PartSize = pgetPart
	cfg.GetConcurrency = concurrency
	return cfg
}

// putWhole stores data under key in one PutObject (so that it has a full-object checksum that
// Get verifies), whatever its size.
func putWhole(t testing.TB, srv *testserver.S3Server, key string, data []byte) {
	t.Helper()
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize = max(cfg.PartSize, int64(len(data))+1)
	b := openConfig(t, cfg, s3.WithInstrumentation(false))
	if err := b.Put(context.Background(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

// countingProxy returns a proxy in front of srv that injects no fault and counts the GET
// requests it forwards.
func countingProxy(t testing.TB, srv *testserver.S3Server) (*faultproxy.Proxy, *atomic.Int64) {
	t.Helper()
	var gets atomic.Int64
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Only: func(r *http.Request) bool {
		if r.Method == http.MethodGet {
			gets.Add(1)
		}
		return false
	}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return proxy, &gets
}

// TestParallelGetSizes reads objects of sizes around the part size with Get in parallel parts and
// checks every byte, and that an object of at most one part costs one request as with a single
// stream, a larger one one request per part.
func TestParallelGetSizes(t *testing.T) {
	srv := testserver.StartVersity(t)
	rng := rand.New(rand.NewPCG(16, 2))
	proxy, gets := countingProxy(t, srv)
	b := openConfig(t, parallelConfig(srv, proxy.URL(), 3))
	for _, size := range []int{0, 1, pgetPart - 1, pgetPart, pgetPart + 1, 7 * pgetPart / 2} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			data := randomBytes(rng, size)
			key := "sized/" + strconv.Itoa(size)
			putWhole(t, srv, key, data)
			before := gets.Load()
			rc, err := b.Get(context.Background(), key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if cerr := rc.Close(); cerr != nil {
				t.Errorf("Close: %v", cerr)
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read %d of %d bytes, %v; want every byte and no error", len(got), len(data), err)
			}
			want := max(1, (int64(size)+pgetPart-1)/pgetPart)
			if n := gets.Load() - before; n != want {
				t.Errorf("%d GET requests, want %d", n, want)
			}
		})
	}
}

// TestParallelGetBounded reads an object of six parts, two at a time, slowly: no part is
// requested before the part two places earlier has been read to its end, so that memory stays at
// two parts whatever the size.
func TestParallelGetBounded(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(16, 3)), 6*pgetPart)
	putWhole(t, srv, "bounded", data)
	proxy, gets := countingProxy(t, srv)
	b := openConfig(t, parallelConfig(srv, proxy.URL(), 2))
	rc, err := b.Get(context.Background(), "bounded")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	// expect waits for the n-th GET, then checks that no other comes.
	expect := func(n int64, when string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); gets.Load() < n && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		if got := gets.Load(); got != n {
			t.Fatalf("%d GETs %s, want %d", got, when, n)
		}
	}
	var got []byte
	read := func(n int) {
		t.Helper()
		p := make([]byte, n)
		if _, err := io.ReadFull(rc, p); err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		got = append(got, p...)
	}
	read(1)
	expect(2, "after the first byte (the first request, part 1)")
	read(pgetPart - 2)
	expect(2, "one byte before the end of part 0")
	read(1)
	expect(3, "once part 0 is read (part 2 too)")
	read(2 * pgetPart)
	expect(5, "once part 2 is read")
	rest, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(append(got, rest...), data) {
		t.Fatalf("read %d of %d bytes, %v; want every byte and no error", len(got)+len(rest), len(data), err)
	}
	if n := gets.Load(); n != 6 {
		t.Errorf("%d GETs, want 6", n)
	}
}

// TestParallelGetClose closes a parallel Get while a Read waits and every part hangs (a proxy
// stalls each GET half way through its body, the first one within part 0): Close returns at once,
// the waiting Read and later ones fail, and no goroutine is left behind.
func TestParallelGetClose(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(16, 4)), 3*pgetPart/2)
	putWhole(t, srv, "closed", data)
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Stall: 1, Only: func(r *http.Request) bool {
		return r.Method == http.MethodGet
	}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	// Instrumented, as by default: the decorator's reader, too, may be closed while a Read waits.
	b, err := s3.New(context.Background(), parallelConfig(srv, proxy.URL(), 2), s3.WithTracerProvider(sdktrace.NewTracerProvider()))
	if err != nil {
		t.Fatal(err)
	}
	ignore := goleak.IgnoreCurrent()

	rc, err := b.Get(context.Background(), "closed")
	if err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(rc)
		read <- err
	}()
	for proxy.Counts().Stalls < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := rc.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v with parts in flight, want it to stop them", d)
	}
	select {
	case err := <-read:
		var oe *objstore.OpError
		if !errors.As(err, &oe) || oe.Op != objstore.OpGet {
			t.Errorf("the Read waiting during Close returned %v, want an *objstore.OpError", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the Read waiting during Close did not return")
	}
	if n, err := rc.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("Read after Close = %d, %v; want an error", n, err)
	}
	if err := rc.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_ = b.Close()
	_ = proxy.Close()
	goleak.VerifyNone(t, ignore)
}

// TestParallelGetObjectChanged replaces an object while a parallel Get reads it: the parts not
// yet requested are pinned to the version read first, so the read fails with ErrObjectChanged
// instead of mixing two versions.
func TestParallelGetObjectChanged(t *testing.T) {
	srv := testserver.StartVersity(t)
	rng := rand.New(rand.NewPCG(16, 5))
	v1, v2 := randomBytes(rng, 3*pgetPart), randomBytes(rng, 3*pgetPart)
	putWhole(t, srv, "changing", v1)
	b := openConfig(t, parallelConfig(srv, srv.Endpoint, 2))
	rc, err := b.Get(context.Background(), "changing")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	first := make([]byte, 1)
	if _, err := io.ReadFull(rc, first); err != nil {
		t.Fatal(err)
	}
	putWhole(t, srv, "changing", v2)
	got, err := io.ReadAll(rc)
	if !errors.Is(err, s3.ErrObjectChanged) {
		t.Fatalf("read %d bytes, error %v; want an error wrapping ErrObjectChanged", len(got)+1, err)
	}
	var oe *objstore.OpError
	if !errors.As(err, &oe) || oe.Key != "changing" || oe.Op != objstore.OpGet {
		t.Errorf("error %v is not an *objstore.OpError of get for the key", err)
	}
	if !bytes.Equal(append(first, got...), v1[:1+len(got)]) {
		t.Errorf("the %d bytes returned before the error are not those of the first version", len(got)+1)
	}
	t.Logf("%v", err)
}

// TestParallelGetResumes reads an object of 3.5 parts, three at a time, through a proxy that
// resets 20% of GET connections mid-body: every read returns every byte and no error.
func TestParallelGetResumes(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(16, 6)), 7*pgetPart/2)
	putWhole(t, srv, "resumed", data)
	proxy, _ := getProxy(t, srv, 0.2, false)
	b := openConfig(t, parallelConfig(srv, proxy.URL(), 3))
	n := 20
	if testing.Short() {
		n = 6
	}
	var (
		wg     sync.WaitGroup
		failed atomic.Int64
		sem    = make(chan struct{}, 4)
	)
	for range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rc, err := b.Get(context.Background(), "resumed")
			if err == nil {
				var got []byte
				got, err = io.ReadAll(rc)
				rc.Close()
				if err == nil && !bytes.Equal(got, data) {
					err = errors.New("wrong bytes without an error")
				}
			}
			if err != nil {
				failed.Add(1)
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	c := proxy.Counts()
	t.Logf("%d reads, %d GET requests, %d resets mid-body, %d errors", n, c.Requests, c.Resets, failed.Load())
	if c.Resets < int64(n/2) {
		t.Errorf("only %d resets: the proxy does not exercise resumption", c.Resets)
	}
}

// TestParallelGetVerifies corrupts an object of 3.5 parts on the server's disk (stored checksum
// kept) in its third part: a parallel Get fails the checksum after the last byte, and the intact
// object passes it.
func TestParallelGetVerifies(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(16, 7)), 7*pgetPart/2)
	b := openConfig(t, parallelConfig(srv, srv.Endpoint, 3))
	for _, corrupt := range []bool{false, true} {
		key := map[bool]string{false: "intact", true: "corrupt"}[corrupt]
		putWhole(t, srv, key, data)
		if corrupt {
			bad := bytes.Clone(data)
			bad[2*pgetPart+10] ^= 0xff
			if err := os.WriteFile(filepath.Join(srv.Dir, srv.Bucket, key), bad, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rc, err := b.Get(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if corrupt && !objstore.IsIntegrity(err) {
			t.Errorf("parallel read of a corrupted object: %d bytes, %v; want an integrity error", len(got), err)
		}
		if !corrupt && (err != nil || !bytes.Equal(got, data)) {
			t.Errorf("parallel read of an intact object: %d bytes, %v; want every byte and no error", len(got), err)
		}
	}
}

// TestParallelGetRecorded checks that a parallel Get is one objstore.get span, ended by Close,
// whose attempts add up those of every part and whose bytes are the whole object.
func TestParallelGetRecorded(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(16, 9)), 7*pgetPart/2)
	putWhole(t, srv, "recorded", data)
	rec := newRecorder(t)
	b := openConfig(t, parallelConfig(srv, srv.Endpoint, 3), rec.options()...)
	rc, err := b.Get(context.Background(), "recorded")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(rc); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want every byte", len(got), err)
	}
	if n := len(rec.spans.GetSpans()); n != 0 {
		t.Fatalf("%d spans ended before Close", n)
	}
	rc.Close()
	spans := rec.spans.GetSpans()
	if len(spans) != 1 || spans[0].Name != "objstore.get" {
		t.Fatalf("spans %v, want objstore.get alone", names(spans))
	}
	a := attrs(spans[0])
	if n := a["objstore.attempts"].AsInt64(); n != 4 {
		t.Errorf("objstore.attempts = %d, want 4 (one request per part)", n)
	}
	if n := a["objstore.bytes"].AsInt64(); n != int64(len(data)) {
		t.Errorf("objstore.bytes = %d, want %d", n, len(data))
	}
}
