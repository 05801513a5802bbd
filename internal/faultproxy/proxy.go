package faultproxy

import (
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are the probabilities, each in [0, 1], with which a request meets each fault. Their sum
// must not exceed 1: one draw per request picks at most one fault.
type Faults struct {
	// SlowDown is the probability of answering 503 with an S3 SlowDown error body.
	SlowDown float64
	// Reset is the probability of resetting the connection half way through a body.
	Reset float64
	// Delay is the probability of holding the request for DelayFor before forwarding it.
	Delay float64
	// DelayFor is how long a delayed request is held. Default: 2s.
	DelayFor time.Duration
	// Stall is the probability of holding a response half way through its body (for requests
	// without a body) until the client goes away, as a stalled connection does.
	Stall float64
	// Flip is the probability of flipping one byte (XOR 0xFF) of a successful (2xx) response
	// body, for requests without a body. The status, headers and length are passed through
	// unchanged, so only a checksum can tell. The byte is at a position drawn uniformly within
	// the declared Content-Length (the first byte when the length is not declared).
	Flip float64
	// Only, when set, limits the faults to the requests it accepts; the others are forwarded
	// untouched and draw no random number. It is called from the serving goroutines.
	Only func(*http.Request) bool
}

func (f Faults) validate() error {
	for _, p := range []float64{f.SlowDown, f.Reset, f.Delay, f.Stall, f.Flip} {
		if p < 0 || p > 1 {
			return fmt.Errorf("faultproxy: probability %v out of [0, 1]", p)
		}
	}
	if f.SlowDown+f.Reset+f.Delay+f.Stall+f.Flip > 1 {
		return errors.New("faultproxy: probabilities add up to more than 1")
	}
	return nil
}

// Counts are the requests seen and the faults injected since [Start].
type Counts struct {
	// Requests is the number of requests received.
	Requests int64
	// SlowDowns is the number of requests answered 503 SlowDown.
	SlowDowns int64
	// Resets is the number of connections reset mid-body.
	Resets int64
	// Delays is the number of requests delayed.
	Delays int64
	// BadGateways is the number of requests answered 502 because the server could not be reached.
	BadGateways int64
	// Stalls is the number of responses held half way through their body.
	Stalls int64
	// Flips is the number of response bodies in which one byte was flipped.
	Flips int64
}

// Faults returns the number of faults injected (SlowDowns + Resets + Delays + Stalls + Flips).
func (c Counts) Faults() int64 { return c.SlowDowns + c.Resets + c.Delays + c.Stalls + c.Flips }

// String returns a one-line summary for test logs.
func (c Counts) String() string {
	return fmt.Sprintf("requests=%d slowdown=%d reset=%d delay=%d stall=%d flip=%d bad_gateway=%d",
		c.Requests, c.SlowDowns, c.Resets, c.Delays, c.Stalls, c.Flips, c.BadGateways)
}

// Proxy is a running fault-injecting reverse proxy. Its methods are safe for concurrent use.
type Proxy struct {
	url    string
	srv    *http.Server
	ln     net.Listener
	proxy  *httputil.ReverseProxy
	tr     *http.Transport
	served chan struct{}

	mu     sync.Mutex // guards rng and faults
	rng    *rand.Rand
	faults Faults

	requests, slowDowns, resets, delays, stalls, flips, badGateways atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// Start listens on 127.0.0.1 on a free port and proxies to target (e.g.
// "http://127.0.0.1:7070"), injecting faults with the probabilities f, drawn from a random
// generator seeded with seed so that a run can be repeated.
func Start(target string, f Faults, seed uint64) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, errors.New("faultproxy: target must be an absolute URL such as http://127.0.0.1:7070")
	}
	if f.DelayFor == 0 {
		f.DelayFor = 2 * time.Second
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{
		url:    "http://" + ln.Addr().String(),
		ln:     ln,
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		faults: f,
		served: make(chan struct{}),
		tr: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        2048,
			MaxIdleConnsPerHost: 2048,
			IdleConnTimeout:     30 * time.Second,
		},
	}
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host // keep the signed Host header
		},
		Transport:     p.tr,
		FlushInterval: -1,
		ErrorLog:      nil,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the client went away
			}
			p.badGateways.Add(1)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          discardLogger(),
	}
	go func() {
		defer close(p.served)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

// URL returns the proxy's base URL, e.g. "http://127.0.0.1:40123".
func (p *Proxy) URL() string { return p.url }

// SetFaults replaces the fault probabilities for the requests that follow.
func (p *Proxy) SetFaults(f Faults) error {
	if f.DelayFor == 0 {
		f.DelayFor = 2 * time.Second
	}
	if err := f.validate(); err != nil {
		return err
	}
	p.mu.Lock()
	p.faults = f
	p.mu.Unlock()
	return nil
}

// Counts returns the requests seen and faults injected so far.
func (p *Proxy) Counts() Counts {
	return Counts{
		Requests:    p.requests.Load(),
		SlowDowns:   p.slowDowns.Load(),
		Resets:      p.resets.Load(),
		Delays:      p.delays.Load(),
		BadGateways: p.badGateways.Load(),
		Stalls:      p.stalls.Load(),
		Flips:       p.flips.Load(),
	}
}

// Close stops the proxy: it closes the listener and every connection, and waits for the serving
// goroutine to return. Calling Close again returns the first result.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.closeErr = p.srv.Close()
		<-p.served
		p.tr.CloseIdleConnections()
	})
	return p.closeErr
}

type fault int

const (
	faultNone fault = iota
	faultSlowDown
	faultReset
	faultDelay
	faultStall
	faultFlip
)

// draw picks the fault of r with one number x from the generator, the probabilities sharing
// [0, 1) in the order of [Faults]. For a delay it also returns the delay; for a flip, where in
// the body to flip, as a fraction in [0, 1): the position of x within the flip's interval, which
// is uniform, so the flip needs no second draw.
func (p *Proxy) draw(r *http.Request) (kind fault, delay time.Duration, at float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.faults
	if f.Only != nil && !f.Only(r) {
		return faultNone, 0, 0
	}
	x := p.rng.Float64()
	switch lo := f.SlowDown + f.Reset + f.Delay + f.Stall; {
	case x < f.SlowDown:
		return faultSlowDown, 0, 0
	case x < f.SlowDown+f.Reset:
		return faultReset, 0, 0
	case x < f.SlowDown+f.Reset+f.Delay:
		return faultDelay, f.DelayFor, 0
	case x < lo:
		return faultStall, 0, 0
	case x < lo+f.Flip:
		return faultFlip, 0, min((x-lo)/f.Flip, 1)
	}
	return faultNone, 0, 0
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	kind, delay, at := p.draw(r)
	switch kind {
	case faultSlowDown:
		p.slowDowns.Add(1)
		slowDown(w, r)
	case faultReset:
		p.resets.Add(1)
		if hasBody(r) {
			resetMidRequest(w, r)
			return
		}
		p.proxy.ServeHTTP(&resettingWriter{ResponseWriter: w}, r)
	case faultStall:
		if hasBody(r) {
			p.proxy.ServeHTTP(w, r) // only response bodies stall
			return
		}
		p.stalls.Add(1)
		p.proxy.ServeHTTP(&stallingWriter{ResponseWriter: w, done: r.Context().Done()}, r)
	case faultFlip:
		if hasBody(r) {
			p.proxy.ServeHTTP(w, r) // only response bodies are flipped
			return
		}
		p.proxy.ServeHTTP(&flippingWriter{ResponseWriter: w, at: at, flipped: &p.flips}, r)
	case faultDelay:
		p.delays.Add(1)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		p.proxy.ServeHTTP(w, r)
	default:
		p.proxy.ServeHTTP(w, r)
	}
}

func hasBody(r *http.Request) bool { return r.ContentLength != 0 && r.Body != http.NoBody }

// slowDown answers as S3 does when it throttles. The request body is read first so that the
// client sees the answer rather than a broken pipe.
func slowDown(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>`+
		`<Resource>`+xmlEscape(r.URL.Path)+`</Resource><RequestId>faultproxy</RequestId></Error>`)
}

func xmlEscape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// resetMidRequest reads about half of the request body, then resets the connection.
func resetMidRequest(w http.ResponseWriter, r *http.Request) {
	half := r.ContentLength / 2
	if half <= 0 {
		half = 1 << 10
	}
	_, _ = io.CopyN(io.Discard, r.Body, half)
	reset(w)
}

// reset hijacks the connection and closes it with SO_LINGER 0, so the peer gets a TCP RST.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// declaredLength returns the Content-Length h declares, or -1 when it declares none.
func declaredLength(h http.Header) int64 {
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		return n
	}
	return -1
}

// resettingWriter passes the status and headers through and about half of the response body,
// then resets the connection.
type resettingWriter struct {
	http.ResponseWriter
	length  int64 // declared Content-Length, -1 when unknown
	written int64
	done    bool
}

func (rw *resettingWriter) WriteHeader(code int) {
	rw.length = declaredLength(rw.Header())
	rw.ResponseWriter.WriteHeader(code)
	if rw.length == 0 {
		rw.cut()
	}
}

func (rw *resettingWriter) Write(b []byte) (int, error) {
	if rw.done {
		return 0, net.ErrClosed
	}
	limit := int64(len(b))
	if rw.length > 0 {
		limit = max(rw.length/2-rw.written, 1)
	}
	n := int(min(limit, int64(len(b))))
	n, err := rw.ResponseWriter.Write(b[:n])
	rw.written += int64(n)
	if err != nil {
		return n, err
	}
	rw.cut()
	return n, net.ErrClosed
}

func (rw *resettingWriter) cut() {
	if rw.done {
		return
	}
	rw.done = true
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	reset(rw.ResponseWriter)
}

// FlushError flushes until the connection is cut, then reports it closed.
func (rw *resettingWriter) FlushError() error {
	if rw.done {
		return net.ErrClosed
	}
	return http.NewResponseController(rw.ResponseWriter).Flush()
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// stallingWriter passes the status and headers through and about half of the response body,
// then holds the response until the client goes away.
type stallingWriter struct {
	http.ResponseWriter
	done    <-chan struct{}
	length  int64 // declared Content-Length, -1 when unknown
	written int64
	stalled bool
}

func (sw *stallingWriter) WriteHeader(code int) {
	sw.length = declaredLength(sw.Header())
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *stallingWriter) Write(b []byte) (int, error) {
	if sw.stalled {
		return 0, net.ErrClosed
	}
	limit := int64(len(b))
	if sw.length > 0 {
		limit = max(sw.length/2-sw.written, 1)
	}
	n := int(min(limit, int64(len(b))))
	n, err := sw.ResponseWriter.Write(b[:n])
	sw.written += int64(n)
	if err != nil || n == len(b) && (sw.length <= 0 || sw.written < sw.length/2) {
		return n, err
	}
	sw.stalled = true
	if f, ok := sw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	<-sw.done
	return n, net.ErrClosed
}

// FlushError flushes until the response stalls, then reports it closed.
func (sw *stallingWriter) FlushError() error {
	if sw.stalled {
		return net.ErrClosed
	}
	return http.NewResponseController(sw.ResponseWriter).Flush()
}

// flippingWriter passes the status, headers and length through, and the body with one byte
// flipped (XOR 0xFF) at the fraction at of the declared Content-Length (the first byte when
// unknown), for 2xx responses only. flipped counts the flip once the byte is written.
type flippingWriter struct {
	http.ResponseWriter
	at      float64
	flipped *atomic.Int64
	pos     int64 // the offset of the byte to flip; -1: none
	written int64
}

func (fw *flippingWriter) WriteHeader(code int) {
	fw.pos = -1
	if code >= 200 && code < 300 {
		fw.pos = 0
		if n := declaredLength(fw.Header()); n > 0 {
			fw.pos = min(int64(fw.at*float64(n)), n-1)
		}
	}
	fw.ResponseWriter.WriteHeader(code)
}

func (fw *flippingWriter) Write(b []byte) (int, error) {
	start := fw.written
	i := fw.pos - start
	if fw.pos < 0 || i < 0 || i >= int64(len(b)) {
		n, err := fw.ResponseWriter.Write(b)
		fw.written += int64(n)
		return n, err
	}
	// Write around the byte rather than into b, which belongs to the caller.
	n, err := fw.ResponseWriter.Write(b[:i])
	fw.written += int64(n)
	if err != nil {
		return n, err
	}
	if _, err := fw.ResponseWriter.Write([]byte{b[i] ^ 0xFF}); err != nil {
		return n, err
	}
	fw.flipped.Add(1)
	fw.written++
	m, err := fw.ResponseWriter.Write(b[i+1:])
	fw.written += int64(m)
	return n + 1 + m, err
}

// FlushError flushes the underlying writer.
func (fw *flippingWriter) FlushError() error {
	return http.NewResponseController(fw.ResponseWriter).Flush()
}
