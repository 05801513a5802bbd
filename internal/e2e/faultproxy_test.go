package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// failKeyPrefix marks object keys whose every S3 request the fault proxy answers with 500,
// so that the operation fails once its retries are used up.
const failKeyPrefix = "fail-"

// faultProxy forwards S3 requests to a real server, answering every slowDownEvery-th request
// (not counting those for failKeyPrefix keys) with 503 SlowDown, which the AWS SDK retries,
// and every request for a failKeyPrefix key with 500 InternalError. The Host header is passed
// on unchanged, so SigV4 signatures made for the proxy's address stay valid.
type faultProxy struct {
	// Endpoint is the proxy's base URL, "http://127.0.0.1:PORT".
	Endpoint string

	requests  atomic.Int64 // forwarded or faulted, failKeyPrefix keys excluded
	slowDowns atomic.Int64
	failures  atomic.Int64
}

const slowDownEvery = 5

// startFaultProxy starts a faultProxy in front of target ("http://host:port") on a free
// loopback port; a t.Cleanup stops it.
func startFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	p := &faultProxy{}
	p.Endpoint = serveS3Proxy(t, target, p.handler, nil)
	return p
}

// serveS3Proxy serves a reverse proxy to target ("http://host:port") on a free loopback port,
// each request going through wrap(the proxy), and returns its base URL. The Host header is
// passed on unchanged, so SigV4 signatures stay valid. A t.Cleanup stops it, then calls
// closed (if not nil).
func serveS3Proxy(t *testing.T, target string, wrap func(http.Handler) http.Handler, closed func()) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("proxy target: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	rp := httputil.NewSingleHostReverseProxy(u) // keeps the incoming Host header
	// Idle connections to the server are closed at the end with the server itself.
	transport := &http.Transport{DisableKeepAlives: true}
	rp.Transport = transport
	srv := &http.Server{Handler: wrap(rp), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy: %v", err)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
		transport.CloseIdleConnections()
		if closed != nil {
			closed()
		}
	})
	return "http://" + ln.Addr().String()
}

func (p *faultProxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Path-style: /bucket/key.
		if _, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); strings.HasPrefix(key, failKeyPrefix) {
			p.failures.Add(1)
			s3Error(w, http.StatusInternalServerError, "InternalError", "injected by the e2e fault proxy")
			return
		}
		if p.requests.Add(1)%slowDownEvery == 0 {
			p.slowDowns.Add(1)
			s3Error(w, http.StatusServiceUnavailable, "SlowDown", "injected by the e2e fault proxy")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// s3Error writes an S3 error answer.
func s3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Connection", "close")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, message)
}
