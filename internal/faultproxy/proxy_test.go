package faultproxy_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/internal/faultproxy"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// upstream echoes the request body and the Host header it received.
func upstream(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Host", r.Host)
		if len(body) == 0 {
			body = bytes.Repeat([]byte("x"), 64<<10)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func start(t *testing.T, target string, f faultproxy.Faults, seed uint64) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(target, f, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

func client() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
}

func TestFaults(t *testing.T) {
	srv := upstream(t)
	body := bytes.Repeat([]byte("b"), 256<<10)
	tests := []struct {
		name   string
		faults faultproxy.Faults
		method string
		check  func(t *testing.T, resp *http.Response, err error, elapsed time.Duration)
		counts faultproxy.Counts
	}{
		{
			name: "none passes through and keeps Host", method: http.MethodPut,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				if !bytes.Equal(got, body) {
					t.Errorf("echoed %d bytes, want %d", len(got), len(body))
				}
				if h := resp.Header.Get("X-Host"); !strings.HasPrefix(h, "127.0.0.1:") || strings.HasSuffix(srv.URL, h) {
					t.Errorf("upstream saw Host %q, want the proxy's address", h)
				}
			},
			counts: faultproxy.Counts{Requests: 1},
		},
		{
			name: "slowdown", faults: faultproxy.Faults{SlowDown: 1}, method: http.MethodPut,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(got), "<Code>SlowDown</Code>") {
					t.Errorf("got %d %q, want 503 SlowDown", resp.StatusCode, got)
				}
			},
			counts: faultproxy.Counts{Requests: 1, SlowDowns: 1},
		},
		{
			name: "reset mid request body", faults: faultproxy.Faults{Reset: 1}, method: http.MethodPut,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err == nil {
					t.Fatalf("got %d, want a connection error", resp.StatusCode)
				}
				// Depending on when the RST is read, the client sees a reset, a broken pipe, EOF
				// or its own connection closed under it.
				if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, io.EOF) &&
					!errors.Is(err, net.ErrClosed) {
					t.Errorf("got %v, want connection reset", err)
				}
			},
			counts: faultproxy.Counts{Requests: 1, Resets: 1},
		},
		{
			name: "reset mid response body", faults: faultproxy.Faults{Reset: 1}, method: http.MethodGet,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					return // reset before the headers arrived is acceptable too
				}
				got, err := io.ReadAll(resp.Body)
				if err == nil {
					t.Fatalf("read %d bytes without error, want a reset", len(got))
				}
				if len(got) == 0 || len(got) >= 64<<10 {
					t.Errorf("read %d bytes before the reset, want part of 65536", len(got))
				}
			},
			counts: faultproxy.Counts{Requests: 1, Resets: 1},
		},
		{
			name: "delay", faults: faultproxy.Faults{Delay: 1, DelayFor: 300 * time.Millisecond}, method: http.MethodPut,
			check: func(t *testing.T, resp *http.Response, err error, elapsed time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK || elapsed < 300*time.Millisecond {
					t.Errorf("got %d after %v, want 200 after at least 300ms", resp.StatusCode, elapsed)
				}
			},
			counts: faultproxy.Counts{Requests: 1, Delays: 1},
		},
		{
			name: "stall mid response body", faults: faultproxy.Faults{Stall: 1}, method: http.MethodGet,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				half := make([]byte, 32<<10)
				if _, err := io.ReadFull(resp.Body, half); err != nil {
					t.Fatalf("reading the first half: %v", err)
				}
				got := make(chan error, 1)
				go func() {
					_, err := resp.Body.Read(make([]byte, 1))
					got <- err
				}()
				select {
				case err := <-got:
					t.Fatalf("read past the stall point: %v", err)
				case <-time.After(300 * time.Millisecond):
				}
				resp.Body.Close()
				<-got
			},
			counts: faultproxy.Counts{Requests: 1, Stalls: 1},
		},
		{
			name: "flip one byte of the response body", faults: faultproxy.Faults{Flip: 1}, method: http.MethodGet,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK || resp.ContentLength != 64<<10 || len(got) != 64<<10 {
					t.Fatalf("got %d, Content-Length %d, %d bytes; want 200 and 65536 bytes", resp.StatusCode, resp.ContentLength, len(got))
				}
				if d := differences(got, bytes.Repeat([]byte("x"), 64<<10)); len(d) != 1 || got[d[0]] != 'x'^0xFF {
					t.Errorf("bytes differing at %v, want exactly one, flipped", d)
				}
			},
			counts: faultproxy.Counts{Requests: 1, Flips: 1},
		},
		{
			name: "flip spares requests with a body", faults: faultproxy.Faults{Flip: 1}, method: http.MethodPut,
			check: func(t *testing.T, resp *http.Response, err error, _ time.Duration) {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(resp.Body)
				if !bytes.Equal(got, body) {
					t.Errorf("echo differs at %v, want untouched", differences(got, body))
				}
			},
			counts: faultproxy.Counts{Requests: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := start(t, srv.URL, tt.faults, 1)
			var rd io.Reader
			if tt.method == http.MethodPut {
				rd = bytes.NewReader(body)
			}
			req, _ := http.NewRequest(tt.method, p.URL()+"/bucket/key", rd)
			began := time.Now()
			resp, err := client().Do(req)
			tt.check(t, resp, err, time.Since(began))
			if resp != nil {
				resp.Body.Close()
			}
			if got := p.Counts(); got != tt.counts {
				t.Errorf("counts %v, want %v", got, tt.counts)
			}
		})
	}
}

// differences returns the offsets at which got and want differ, and len(got) if their lengths do.
func differences(got, want []byte) []int {
	var d []int
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			d = append(d, i)
		}
	}
	if len(got) != len(want) {
		d = append(d, min(len(got), len(want)))
	}
	return d
}

// TestFlipPositions checks that every flipped response differs from the server's in exactly one
// byte, at positions spread over the body, and that an error response is never flipped.
func TestFlipPositions(t *testing.T) {
	srv := upstream(t)
	want := bytes.Repeat([]byte("x"), 64<<10)
	p := start(t, srv.URL, faultproxy.Faults{Flip: 1}, 7)
	const n = 40
	positions := map[int]bool{}
	var lower, upper int
	for range n {
		resp, err := client().Get(p.URL() + "/x")
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		d := differences(got, want)
		if len(d) != 1 || got[d[0]] != 'x'^0xFF {
			t.Fatalf("bytes differing at %v, want exactly one, flipped", d)
		}
		positions[d[0]] = true
		if d[0] < len(want)/2 {
			lower++
		} else {
			upper++
		}
	}
	if len(positions) < n/2 || lower < n/5 || upper < n/5 {
		t.Errorf("flips at %d distinct positions, %d in the first half and %d in the second; want them spread", len(positions), lower, upper)
	}
	if got := p.Counts(); got != (faultproxy.Counts{Requests: n, Flips: n}) {
		t.Errorf("counts %v, want %d requests, %d flips", got, n, n)
	}

	missing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(missing.Close)
	p = start(t, missing.URL, faultproxy.Faults{Flip: 1}, 7)
	resp, err := client().Get(p.URL() + "/x")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || string(got) != "404 page not found\n" || p.Counts().Flips != 0 {
		t.Errorf("got %d %q, counts %v; want the 404 untouched", resp.StatusCode, got, p.Counts())
	}
}

func TestRatesAndSeed(t *testing.T) {
	srv := upstream(t)
	f := faultproxy.Faults{SlowDown: 0.2, Reset: 0.05, Delay: 0.02, Flip: 0.05, DelayFor: time.Millisecond}
	const n = 2000
	run := func() faultproxy.Counts {
		p := start(t, srv.URL, f, 42)
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
		defer c.CloseIdleConnections()
		// Sequential requests: the draws then happen in a fixed order, so the counts repeat.
		for range n {
			resp, err := c.Get(p.URL() + "/x")
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		return p.Counts()
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("same seed, different counts: %v vs %v", a, b)
	}
	within := func(name string, got int64, p float64) {
		want := p * n
		if d := float64(got) - want; d > 0.3*want+10 || -d > 0.3*want+10 {
			t.Errorf("%s: %d of %d, want about %.0f", name, got, n, want)
		}
	}
	if a.Requests != n {
		t.Errorf("requests %d, want %d", a.Requests, n)
	}
	within("slowdown", a.SlowDowns, f.SlowDown)
	within("reset", a.Resets, f.Reset)
	within("delay", a.Delays, f.Delay)
	within("flip", a.Flips, f.Flip)
	t.Log(a)
}

func TestOnly(t *testing.T) {
	srv := upstream(t)
	p := start(t, srv.URL, faultproxy.Faults{SlowDown: 1, Only: func(r *http.Request) bool {
		return r.Method == http.MethodPost
	}}, 1)
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodGet} {
		req, _ := http.NewRequest(method, p.URL()+"/x", nil)
		resp, err := client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusOK
		if method == http.MethodPost {
			want = http.StatusServiceUnavailable
		}
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d", method, resp.StatusCode, want)
		}
	}
	if got := p.Counts(); got != (faultproxy.Counts{Requests: 3, SlowDowns: 1}) {
		t.Errorf("counts %v, want 3 requests, 1 slowdown", got)
	}
}

func TestBadGateway(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	p := start(t, dead, faultproxy.Faults{}, 1)
	resp, err := client().Get(p.URL() + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || p.Counts().BadGateways != 1 {
		t.Errorf("got %d, counts %v; want 502 counted", resp.StatusCode, p.Counts())
	}
}

func TestStartRejects(t *testing.T) {
	tests := []struct {
		name   string
		target string
		faults faultproxy.Faults
	}{
		{"relative target", "127.0.0.1:1", faultproxy.Faults{}},
		{"negative", "http://127.0.0.1:1", faultproxy.Faults{Reset: -0.1}},
		{"sum above one", "http://127.0.0.1:1", faultproxy.Faults{SlowDown: 0.6, Reset: 0.6}},
		{"flip above one", "http://127.0.0.1:1", faultproxy.Faults{Flip: 1.1}},
		{"sum with flip above one", "http://127.0.0.1:1", faultproxy.Faults{Stall: 0.5, Flip: 0.6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := faultproxy.Start(tt.target, tt.faults, 1)
			if err == nil {
				p.Close()
				t.Fatal("Start succeeded, want an error")
			}
		})
	}
}

func TestConcurrentClose(t *testing.T) {
	srv := upstream(t)
	p := start(t, srv.URL, faultproxy.Faults{Delay: 1, DelayFor: time.Minute}, 1)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			resp, err := client().Get(p.URL() + "/slow")
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	done := make(chan struct{})
	go func() { p.Close(); p.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while requests were delayed")
	}
	wg.Wait()
}
