package s3_test

import (
	"bytes"
	"context"

	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// isWrite reports whether r stores an object: a PutObject (not an UploadPart) or a
// CompleteMultipartUpload.
func isWrite(r *http.Request) bool {
	q := r.URL.Query()
	switch r.Method {
	case http.MethodPut:
		return !q.Has("partNumber") && r.Header.Get("X-Amz-Copy-Source") == ""
	case http.MethodPost:
		return q.Has("uploadId")
	}
	return false
}

// lossyProxy forwards every request to target and, for those lose accepts, throws the server's
// answer away and closes the client's connection: the request was applied, its response lost.
func lossyProxy(t *testing.T, target string, lose func(*http.Request) bool) (string, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u) // keeps the Host header: signatures stay valid
	var lost atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !lose(r) {
			rp.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		rp.ServeHTTP(rec, r)
		lost.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &lost
}

// resolutions returns the objstore.resolution values of the objstore.outcome_resolved events of
// the spans rec ended.
func resolutions(rec *tracetest.SpanRecorder) []string {
	var out []string
	for _, s := range rec.Ended() {
		for _, e := range s.Events() {
			if e.Name == objstore.EventResolved {
				for _, a := range e.Attributes {
					if a.Key == objstore.AttrResolution {
						out = append(out, a.Value.AsString())
					}
				}
			}
		}
	}
	return out
}

// TestPutResponseLost: every write's response is lost after the server applied it (and every
// retry's too). Put resolves the outcome by looking at the key: it reports success, for a
// single PutObject, a PutObject of unknown size and a multipart upload, and says so on its span.
func TestPutResponseLost(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity)
	srv := testserver.StartVersity(t)
	endpoint, lost := lossyProxy(t, srv.Endpoint, isWrite)
	cfg := versityConfig(srv, endpoint)
	cfg.PartSize = s3.MinPartSize
	cfg.MaxAttempts = 2
	cfg.MaxBackoff = 50 * time.Millisecond
	rec := tracetest.NewSpanRecorder()
	b := openConfig(t, cfg, s3.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))))
	direct := openVersity(t, srv, "")
	rng := rand.New(rand.NewPCG(7, 8))
	cases := []struct {
		name string
		data []byte
		size int64 // -1: unknown
	}{
		{"single", randomBytes(rng, 64<<10), 64 << 10},
		{"unknown-size", randomBytes(rng, 64<<10), -1},
		{"multipart", randomBytes(rng, 11<<20), 11 << 20},
		{"multipart-unknown-size", randomBytes(rng, 11<<20), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := lost.Load()
			if err := b.Put(context.Background(), tc.name, bytes.NewReader(tc.data), tc.size); err != nil {
				t.Fatalf("Put: %v (the object was stored; its response was lost)", err)
			}
			if lost.Load() == before {
				t.Fatal("no response was lost: the case proves nothing")
			}
			checkStored(t, direct, tc.name, tc.data)
		})
	}
	res := resolutions(rec)
	if len(res) != len(cases) || strings.Count(strings.Join(res, ","), string(objstore.ResolvedStored)) != len(cases) {
		t.Errorf("resolution events %v, want %d × %s", res, len(cases), objstore.ResolvedStored)
	}
}

// TestPutResponseLostConditional: a create-only Put whose first attempt created the object and
// lost its answer gets 412 on its retry; Put finds its own content under the key and succeeds.
// When another object is there, the 412 stands. A compare-and-swap Put (If-Match) whose first
// attempt swapped the object likewise succeeds. Only the first attempt of each write loses its
// response.
func TestPutResponseLostConditional(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity)
	srv := testserver.StartVersity(t)
	var seen sync.Map
	endpoint, _ := lossyProxy(t, srv.Endpoint, func(r *http.Request) bool {
		_, again := seen.LoadOrStore(r.Method+" "+r.URL.Path, true)
		return isWrite(r) && !again // the first attempt of each write
	})
	cfg := versityConfig(srv, endpoint)
	cfg.PartSize = s3.MinPartSize
	cfg.MaxAttempts = 3
	cfg.MaxBackoff = 50 * time.Millisecond
	b := openConfig(t, cfg)
	direct := openVersity(t, srv, "")
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(9, 10))
	for _, size := range []int{32 << 10, 11 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			mine, theirs := randomBytes(rng, size), randomBytes(rng, size)
			key := fmt.Sprintf("create-only-%d", size)
			if err := b.Put(ctx, key, bytes.NewReader(mine), int64(size), objstore.WithIfNotExists()); err != nil {
				t.Fatalf("create-only Put of a new key: %v", err)
			}
			checkStored(t, direct, key, mine)

			taken := fmt.Sprintf("taken-%d", size)
			if err := direct.Put(ctx, taken, bytes.NewReader(theirs), int64(size)); err != nil {
				t.Fatal(err)
			}
			err := b.Put(ctx, taken, bytes.NewReader(mine), int64(size), objstore.WithIfNotExists())
			if !objstore.IsPreconditionFailed(err) || objstore.IsOutcomeUnknown(err) {
				t.Fatalf("create-only Put over another object: %v, want a precondition failure", err)
			}
			checkStored(t, direct, taken, theirs)

			a, err := direct.Attributes(ctx, taken)
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Put(ctx, taken, bytes.NewReader(mine), int64(size), objstore.WithIfMatch(a.ETag)); err != nil {
				t.Fatalf("If-Match Put whose first attempt swapped the object: %v", err)
			}
			checkStored(t, direct, taken, mine)
		})
	}
}

// TestPutHeldPastTimeout: a slow proxy holds 40% of writes 1.5 s against a 1 s response-header
// timeout, so attempts time out after the request was sent and land later. No Put may report a
// plain failure while its object gets stored: each succeeds (stored, resolved by looking at the
// key) or fails with ErrOutcomeUnknown, and once the held requests have landed, every object is
// absent or whole.
func TestPutHeldPastTimeout(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity)
	srv := testserver.StartVersity(t)
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Delay: 0.4, DelayFor: 1500 * time.Millisecond, Only: isWrite}, 77)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	cfg := versityConfig(srv, proxy.URL())
	cfg.PartSize = s3.MinPartSize
	cfg.ResponseHeaderTimeout = time.Second
	cfg.MaxAttempts = 2
	cfg.MaxBackoff = 200 * time.Millisecond
	b := openConfig(t, cfg)
	direct := openVersity(t, srv, "")
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 30
	objs := make([][]byte, n)
	for i := range objs {
		size := 1<<10 + rng.IntN(64<<10)
		if i < 2 {
			size = 11 << 20
		}
		objs[i] = randomBytes(rng, size)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range objs {
		wg.Go(func() {
			size := int64(len(objs[i]))
			if i%3 == 1 {
				size = -1
			}
			errs[i] = b.Put(context.Background(), fmt.Sprintf("held/%02d", i), bytes.NewReader(objs[i]), size)
		})
	}
	wg.Wait()
	time.Sleep(2 * time.Second) // the held requests land
	var ok, unknown int
	for i, err := range errs {
		key := fmt.Sprintf("held/%02d", i)
		switch {
		case err == nil:
			ok++
			checkStored(t, direct, key, objs[i])
		case objstore.IsOutcomeUnknown(err):
			unknown++
			got, gerr := readAll(direct, key)
			if gerr != nil && !objstore.IsNotFound(gerr) {
				t.Errorf("%s: %v", key, gerr)
			} else if gerr == nil && !bytes.Equal(got, objs[i]) {
				t.Errorf("%s: outcome unknown, and %d bytes of %d stored", key, len(got), len(objs[i]))
			}
		default:
			if _, gerr := direct.Attributes(context.Background(), key); gerr == nil {
				t.Errorf("%s: Put failed (%v) and the object is stored: a false failure", key, err)
			} else if !objstore.IsNotFound(gerr) {
				t.Errorf("%s: %v", key, gerr)
			}
		}
	}
	t.Logf("%d Puts: %d succeeded, %d outcome unknown, %d failed; proxy %v", n, ok, unknown, n-ok-unknown, proxy.Counts())
	if proxy.Counts().Delays == 0 {
		t.Error("the proxy held no request: the test proves nothing")
	}
}

// readAll reads the whole object under key.
func readAll(b objstore.Bucket, key string) ([]byte, error) {
	r, err := b.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// checkStored fails t unless the object under key is want.
func checkStored(t *testing.T, b objstore.Bucket, key string, want []byte) {
	t.Helper()
	got, err := readAll(b, key)
	if err != nil {
		t.Errorf("%s: %v", key, err)
	} else if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes stored, want the %d sent", key, len(got), len(want))
	}
}
