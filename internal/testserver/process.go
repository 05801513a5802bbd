package testserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// readyTimeout bounds how long a server may take to accept requests.
	readyTimeout = 60 * time.Second
	// stopTimeout is how long a server has to exit after SIGTERM before it
	// is killed.
	stopTimeout = 10 * time.Second
	// pollInterval is how often readiness and WaitFor conditions are checked.
	pollInterval = 20 * time.Millisecond
	// outputLimit is how much of a server's output is kept for the test log.
	outputLimit = 1 << 20
)

// process is one external server run for a test: started, polled until it is
// ready, stopped and started again with the same command line. Its stdout and
// stderr are kept (the last outputLimit bytes) and written to the test log
// when the test has failed. The server types embed it for their Stop and
// Restart methods. All methods are safe for concurrent use.
type process struct {
	tool  string // a Tool* name
	path  string // set by startProcess
	args  []string
	env   []string // added to os.Environ()
	ready func(ctx context.Context) error

	output tailBuffer

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has exited; waitErr is set then
	waitErr error
	shown   bool // the output is already in the test log
}

// startProcess finds p.tool (see Require), starts it, registers a t.Cleanup
// that stops it and, if the test failed, logs its output, and waits until
// p.ready succeeds. It ends the test with t.Fatalf when the server cannot
// start or does not become ready.
func startProcess(t testing.TB, p *process) {
	t.Helper()
	Require(t, p.tool)
	path, err := Tool(p.tool)
	if err != nil {
		t.Fatalf("testserver: %v", err) // only if Require's t does not stop
		return
	}
	p.path = path
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("testserver: stopping %s: %v", p.tool, err)
		}
		p.mu.Lock()
		shown := p.shown
		p.mu.Unlock()
		if t.Failed() && !shown {
			t.Logf("testserver: output of %s (%s):\n%s", p.tool, p.path, p.output.String())
		}
	})
	p.start(t)
}

// start runs the command and waits for readiness; see startProcess.
func (p *process) start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	if p.cmd != nil {
		p.mu.Unlock()
		t.Fatalf("testserver: %s is already running", p.tool)
		return
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout = &p.output
	cmd.Stderr = &p.output
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = time.Second
	p.output.WriteString(fmt.Sprintf("--- %s: %s %q\n", time.Now().Format(time.RFC3339Nano), p.path, p.args))
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		t.Fatalf("testserver: starting %s: %v", p.tool, err)
		return
	}
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		p.mu.Unlock()
		close(exited)
	}()
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	start := time.Now()
	var lastErr error
	for {
		select {
		case <-exited:
			p.mu.Lock()
			err := p.waitErr
			p.shown = true
			p.mu.Unlock()
			t.Fatalf("testserver: %s exited while starting (%v); output:\n%s", p.tool, err, p.output.String())
			return
		default:
		}
		if lastErr = p.ready(ctx); lastErr == nil {
			t.Logf("testserver: %s ready in %v", p.tool, time.Since(start).Round(time.Millisecond))
			return
		}
		select {
		case <-ctx.Done():
			p.mu.Lock()
			p.shown = true
			p.mu.Unlock()
			t.Fatalf("testserver: %s not ready after %v: %v; output:\n%s", p.tool, readyTimeout, lastErr, p.output.String())
			return
		case <-time.After(pollInterval):
		}
	}
}

// Stop stops the server (SIGTERM, then a kill after 10s) and returns once it
// has exited. It does nothing if the server is not running. The error says
// that it had to be killed; an exit status after SIGTERM is not an error.
func (p *process) Stop() error {
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.cmd, p.exited = nil, nil
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-exited:
		return nil
	case <-time.After(stopTimeout):
	}
	killErr := cmd.Process.Kill()
	<-exited
	return errors.Join(fmt.Errorf("%s did not exit within %v of SIGTERM and was killed", p.tool, stopTimeout), killErr)
}

// Restart stops the server if it runs and starts it again with the same
// ports, folders and credentials, for tests of an outage; what survives is
// said at each server type. It returns once the server is ready again. Call
// it from the test goroutine.
func (p *process) Restart(t testing.TB) {
	t.Helper()
	if err := p.Stop(); err != nil {
		t.Errorf("testserver: stopping %s: %v", p.tool, err)
	}
	p.start(t)
}

// tcpReady returns a readiness check that passes when every address accepts
// a TCP connection.
func tcpReady(addrs ...string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		var d net.Dialer
		for _, addr := range addrs {
			conn, err := d.DialContext(ctx, "tcp", addr)
			if err != nil {
				return err
			}
			_ = conn.Close()
		}
		return nil
	}
}

// httpReady returns a readiness check that passes when a GET of url answers
// with a status below 500 (any answer at all: S3 servers say 403 to an
// unsigned request).
func httpReady(url string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		resp, err := httpGet(ctx, url)
		if err != nil {
			return err
		}
		if resp.StatusCode >= 500 {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		return nil
	}
}

// allReady combines readiness checks; it passes when all of them pass.
func allReady(checks ...func(ctx context.Context) error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		for _, check := range checks {
			if err := check(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// WaitFor calls cond every 20ms until it returns true, and ends the test with
// t.Fatalf if that has not happened within timeout. cond runs on the calling
// goroutine, which must be the test goroutine.
func WaitFor(t testing.TB, cond func() bool, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("testserver: condition not met within %v", timeout)
			return
		}
		time.Sleep(pollInterval)
	}
}

// tailBuffer is an io.Writer that keeps the last outputLimit bytes written to
// it. Safe for concurrent use.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - outputLimit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// WriteString writes s; it cannot fail.
func (b *tailBuffer) WriteString(s string) {
	_, _ = b.Write([]byte(s))
}

// String returns what the buffer holds.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
