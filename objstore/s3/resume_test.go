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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// getProxy returns a proxy in front of srv that resets the given fraction of GET connections
// half way through the response body; with firstOnly, only the first GET after each call of
// the returned function.
func getProxy(t *testing.T, srv *testserver.S3Server, reset float64, firstOnly bool) (*faultproxy.Proxy, func()) {
	t.Helper()
	var cut atomic.Bool
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Reset: reset, Only: func(r *http.Request) bool {
		return r.Method == http.MethodGet && (!firstOnly || cut.Swap(false))
	}}, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	return proxy, func() { cut.Store(true) }
}

// TestGetResumes reads objects of 1 MiB and 12 MiB (multipart) through a proxy that resets 10%
// of GET connections mid-body, with Get and GetRange, and checks that every read returns every
// byte and no error.
func TestGetResumes(t *testing.T) {
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	n := 200
	if testing.Short() {
		n = 40
	}
	rng := rand.New(rand.NewPCG(5, 5))
	small, large := randomBytes(rng, 1<<20), randomBytes(rng, 12<<20)
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	for key, data := range map[string][]byte{"small": small, "large": large} {
		if err := direct.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
	}
	proxy, _ := getProxy(t, srv, 0.1, false)
	b := openVersity(t, srv, proxy.URL())

	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
		sem    = make(chan struct{}, 8)
	)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			key, data := "small", small
			if i%2 == 1 {
				key, data = "large", large
			}
			var rc io.ReadCloser
			var err error
			off, length := int64(0), int64(len(data))
			if i%4 >= 2 {
				off = int64(i) * 997 % int64(len(data)/2)
				length = int64(len(data))/2 + 1
				rc, err = b.GetRange(ctx, key, off, length)
			} else {
				rc, err = b.Get(ctx, key)
			}
			if err == nil {
				var got []byte
				got, err = io.ReadAll(rc)
				rc.Close()
				if err == nil && !bytes.Equal(got, data[off:off+length]) {
					err = errors.New("wrong bytes without an error")
				}
			}
			if err != nil {
				mu.Lock()
				failed = append(failed, key+": "+err.Error())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	c := proxy.Counts()
	t.Logf("%d reads, %d GET requests, %d resets mid-body, %d errors", n, c.Requests, c.Resets, len(failed))
	if c.Resets < int64(n/20) {
		t.Errorf("only %d resets: the proxy does not exercise resumption", c.Resets)
	}
	for _, f := range failed {
		t.Error(f)
	}
}

// TestGetObjectChanged replaces an object while it is read through a proxy that cuts the body:
// the read fails with ErrObjectChanged instead of mixing two versions or ending short.
func TestGetObjectChanged(t *testing.T) {
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(6, 6))
	v1, v2 := randomBytes(rng, 4<<20), randomBytes(rng, 4<<20)
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	if err := direct.Put(ctx, "changing", bytes.NewReader(v1), int64(len(v1))); err != nil {
		t.Fatal(err)
	}
	proxy, cutNext := getProxy(t, srv, 1, true)
	b := openVersity(t, srv, proxy.URL())
	for _, get := range []struct {
		name string
		open func() (io.ReadCloser, error)
	}{
		{"Get", func() (io.ReadCloser, error) { return b.Get(ctx, "changing") }},
		{"GetRange", func() (io.ReadCloser, error) { return b.GetRange(ctx, "changing", 10, 3<<20) }},
	} {
		t.Run(get.name, func(t *testing.T) {
			if err := direct.Put(ctx, "changing", bytes.NewReader(v1), int64(len(v1))); err != nil {
				t.Fatal(err)
			}
			cutNext()
			rc, err := get.open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if err := direct.Put(ctx, "changing", bytes.NewReader(v2), int64(len(v2))); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if !errors.Is(err, s3.ErrObjectChanged) {
				t.Fatalf("read %d bytes, error %v; want an error wrapping ErrObjectChanged", len(got), err)
			}
			var oe *objstore.OpError
			if !errors.As(err, &oe) || oe.Key != "changing" {
				t.Errorf("error %v is not an *objstore.OpError for the key", err)
			}
			t.Logf("%v", err)
		})
	}
}

// TestGetResumedVerifies corrupts an object on the server's disk (stored checksum kept) and reads
// it through a proxy that cuts the first response: the resumed read still fails the checksum,
// and an intact object read the same way passes it.
func TestGetResumedVerifies(t *testing.T) {
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	data := randomBytes(rand.New(rand.NewPCG(7, 7)), 2<<20)
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	proxy, cutNext := getProxy(t, srv, 1, true)
	b := openVersity(t, srv, proxy.URL())
	for _, corrupt := range []bool{false, true} {
		key := map[bool]string{false: "intact", true: "corrupt"}[corrupt]
		if err := direct.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		want := data
		if corrupt {
			want = bytes.Clone(data)
			want[len(want)-10] ^= 0xff // after the cut
			if err := os.WriteFile(filepath.Join(srv.Dir, srv.Bucket, key), want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before := proxy.Counts().Resets
		cutNext()
		rc, err := b.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if proxy.Counts().Resets != before+1 {
			t.Fatalf("%s: the proxy did not cut the body", key)
		}
		if corrupt && !objstore.IsIntegrity(err) {
			t.Errorf("resumed read of a corrupted object: %d bytes, %v; want an integrity error", len(got), err)
		}
		if !corrupt && (err != nil || !bytes.Equal(got, want)) {
			t.Errorf("resumed read of an intact object: %d bytes, %v; want every byte and no error", len(got), err)
		}
	}
}

// TestGetStallResumes reads an object through a proxy that stalls the first response half way
// through its body: the read resumes once no byte came for the response header timeout, and
// returns every byte.
func TestGetStallResumes(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := randomBytes(rand.New(rand.NewPCG(8, 8)), 2<<20)
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	if err := direct.Put(context.Background(), "stalled", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	var first atomic.Bool
	first.Store(true)
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Stall: 1, Only: func(r *http.Request) bool {
		return r.Method == http.MethodGet && first.Swap(false)
	}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	cfg := versityConfig(srv, proxy.URL())
	cfg.ResponseHeaderTimeout = 300 * time.Millisecond
	b := openConfig(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rc, err := b.Get(ctx, "stalled")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d of %d bytes, %v; want every byte and no error", len(got), len(data), err)
	}
	if c := proxy.Counts(); c.Stalls != 1 {
		t.Errorf("proxy counts %v, want 1 stall", c)
	}
}

// TestGetResumeRecorded checks that a resumed read shows on the objstore.get span: two
// attempts, and one objstore.retry event naming what broke the body.
func TestGetResumeRecorded(t *testing.T) {
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	data := randomBytes(rand.New(rand.NewPCG(9, 9)), 1<<20)
	direct := openVersity(t, srv, "", s3.WithInstrumentation(false))
	if err := direct.Put(ctx, "recorded", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	proxy, cutNext := getProxy(t, srv, 1, true)
	rec := newRecorder(t)
	b := openVersity(t, srv, proxy.URL(), rec.options()...)
	cutNext()
	rc, err := b.Get(ctx, "recorded")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(rc); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want every byte", len(got), err)
	}
	rc.Close()
	spans := rec.spans.GetSpans()
	if len(spans) != 1 || spans[0].Name != "objstore.get" {
		t.Fatalf("spans %v, want objstore.get alone", names(spans))
	}
	get := spans[0]
	if n := attrs(get)["objstore.attempts"].AsInt64(); n != 2 {
		t.Errorf("objstore.attempts = %d, want 2 (the first request and the resume)", n)
	}
	if len(get.Events) != 1 || get.Events[0].Name != objstore.EventRetry {
		t.Fatalf("events %+v, want one %s", get.Events, objstore.EventRetry)
	}
	var errType string
	for _, kv := range get.Events[0].Attributes {
		if kv.Key == "error.type" {
			errType = kv.Value.AsString()
		}
	}
	if errType == "" {
		t.Errorf("retry event %v has no error.type", get.Events[0].Attributes)
	}
	t.Logf("resume recorded with error.type %s", errType)
}
