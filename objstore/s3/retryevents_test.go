package s3_test

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// TestRetryEvents checks that by default each retry is an event on the objstore span (attempt,
// error.type, HTTP status, backoff) and that the SDK's own spans are not recorded.
func TestRetryEvents(t *testing.T) {
	srv := testserver.StartVersity(t)
	var puts atomic.Int64
	// The first two PUTs of each key are answered SlowDown, then the proxy lets them through.
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{SlowDown: 1, Only: func(r *http.Request) bool {
		return r.Method == http.MethodPut && puts.Add(1)%3 != 0
	}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	rec := newRecorder(t)
	cfg := versityConfig(srv, proxy.URL())
	cfg.MaxBackoff = 50 * time.Millisecond
	b := openConfig(t, cfg, rec.options()...)
	if err := b.Put(context.Background(), "retried", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	spans := rec.spans.GetSpans()
	if len(spans) != 1 || spans[0].Name != "objstore.put" {
		t.Fatalf("got spans %v, want objstore.put alone (SDK spans are off by default)", names(spans))
	}
	put := spans[0]
	if got := attrs(put)["objstore.attempts"].AsInt64(); got != 3 {
		t.Errorf("objstore.attempts = %d, want 3", got)
	}
	if len(put.Events) != 2 {
		t.Fatalf("got %d events on objstore.put, want 2 (one per retry): %+v", len(put.Events), put.Events)
	}
	for i, ev := range put.Events {
		a := map[attribute.Key]attribute.Value{}
		for _, kv := range ev.Attributes {
			a[kv.Key] = kv.Value
		}
		if ev.Name != objstore.EventRetry || a[objstore.AttrRetryAttempt].AsInt64() != int64(i+1) ||
			a["error.type"].AsString() != "SlowDown" || a["http.response.status_code"].AsInt64() != 503 {
			t.Errorf("event %d: %s %v, want %s with attempt %d, error.type SlowDown, status 503", i, ev.Name, ev.Attributes, objstore.EventRetry, i+1)
		}
		if ms, ok := a[objstore.AttrRetryBackoffMs]; !ok || ms.AsFloat64() < 0 || ms.AsFloat64() > 50 {
			t.Errorf("event %d: backoff %v ms, want within [0, 50]", i, ms.AsFloat64())
		}
	}
}

// TestSDKSpansConfig checks that Config.SDKSpans turns the SDK's spans on, and that the option
// wins over it.
func TestSDKSpansConfig(t *testing.T) {
	srv := testserver.StartVersity(t)
	for _, tt := range []struct {
		name   string
		config bool
		opts   []s3.Option
		want   bool
	}{
		{"default", false, nil, false},
		{"config", true, nil, true},
		{"option", false, []s3.Option{s3.WithSDKSpans(true)}, true},
		{"option wins", true, []s3.Option{s3.WithSDKSpans(false)}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder(t)
			cfg := versityConfig(srv, srv.Endpoint)
			cfg.SDKSpans = tt.config
			b := openConfig(t, cfg, append(rec.options(), tt.opts...)...)
			if err := b.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
				t.Fatal(err)
			}
			var sdk bool
			for _, s := range rec.spans.GetSpans() {
				sdk = sdk || s.Name == "S3.PutObject"
			}
			if sdk != tt.want {
				t.Errorf("S3.PutObject span recorded: %v, want %v (spans %v)", sdk, tt.want, names(rec.spans.GetSpans()))
			}
		})
	}
}

// failingMultipart returns a bucket whose multipart uploads fail through a proxy in front of
// srv: with failPart, every UploadPart request is answered SlowDown; else every
// CompleteMultipartUpload. aborts counts the AbortMultipartUpload requests.
func failingMultipart(t *testing.T, srv *testserver.S3Server, failPart bool, opts ...s3.Option) (b objstore.Bucket, aborts *atomic.Int64) {
	aborts = new(atomic.Int64)
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{SlowDown: 1, Only: func(r *http.Request) bool {
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodDelete && q.Has("uploadId"):
			aborts.Add(1)
		case failPart && r.Method == http.MethodPut && q.Has("partNumber"):
			return true
		case !failPart && r.Method == http.MethodPost && q.Has("uploadId"):
			return true
		}
		return false
	}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	cfg := versityConfig(srv, proxy.URL())
	cfg.PartSize = s3.MinPartSize
	cfg.MaxAttempts = 2
	cfg.MaxBackoff = 10 * time.Millisecond
	return openConfig(t, cfg, opts...), aborts
}

// TestMultipartFailureSpans checks that a failed multipart Put under tracing, SDK spans on,
// records every SDK span beneath the objstore span (no other root span), aborts once, and
// counts the abort's attempt.
func TestMultipartFailureSpans(t *testing.T) {
	srv := testserver.StartVersity(t)
	for _, failPart := range []bool{true, false} {
		name := map[bool]string{true: "part fails", false: "complete fails"}[failPart]
		t.Run(name, func(t *testing.T) {
			rec := newRecorder(t)
			b, aborts := failingMultipart(t, srv, failPart, append(rec.options(), s3.WithSDKSpans(true))...)
			data := bytes.Repeat([]byte("m"), s3.MinPartSize+1)
			if err := b.Put(context.Background(), "mp/"+name, bytes.NewReader(data), int64(len(data))); err == nil {
				t.Fatal("Put succeeded through a proxy failing it")
			}
			if n := aborts.Load(); n != 1 {
				t.Errorf("%d AbortMultipartUpload requests, want 1", n)
			}
			spans := rec.spans.GetSpans()
			var roots []string
			var put tracetest.SpanStub
			for _, s := range spans {
				if !s.Parent.IsValid() {
					roots = append(roots, s.Name)
					put = s
				}
			}
			if len(roots) != 1 || roots[0] != "objstore.put" {
				t.Fatalf("root spans %v, want objstore.put alone; all spans: %v", roots, names(spans))
			}
			var abortSpans, attemptSpans int64
			for _, s := range descendants(spans, put.SpanContext.SpanID()) {
				switch s.Name {
				case "S3.AbortMultipartUpload":
					abortSpans++
				case "Attempt":
					attemptSpans++
				}
			}
			if abortSpans != 1 {
				t.Errorf("%d S3.AbortMultipartUpload spans under objstore.put, want 1", abortSpans)
			}
			if got := attrs(put)["objstore.attempts"].AsInt64(); got != attemptSpans {
				t.Errorf("objstore.attempts = %d, want %d (the Attempt spans, the abort's included)", got, attemptSpans)
			}
		})
	}
}

// TestNoStandardLogger checks that a failed multipart upload writes nothing to the process's
// standard logger (the transfer manager logs a failed CompleteMultipartUpload there).
func TestNoStandardLogger(t *testing.T) {
	srv := testserver.StartVersity(t)
	var buf bytes.Buffer
	prev, flags := log.Writer(), log.Flags()
	log.SetOutput(&buf)
	defer func() { log.SetOutput(prev); log.SetFlags(flags) }()
	b, aborts := failingMultipart(t, srv, false, s3.WithInstrumentation(false))
	data := bytes.Repeat([]byte("m"), s3.MinPartSize+1)
	err := b.Put(context.Background(), "mp/log", bytes.NewReader(data), int64(len(data)))
	if err == nil || !strings.Contains(err.Error(), "SlowDown") {
		t.Errorf("Put = %v, want the CompleteMultipartUpload error (SlowDown)", err)
	}
	if aborts.Load() != 1 {
		t.Errorf("%d aborts, want 1", aborts.Load())
	}
	if buf.Len() != 0 {
		t.Errorf("the standard logger got %q", buf.String())
	}
}
