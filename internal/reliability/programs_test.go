package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testkit"
)

// repoRoot returns the repository root: the nearest folder above the working directory that
// holds go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// buildExamples builds quickstart, batchjob and service with one go build into a t.TempDir()
// and returns it.
func buildExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	began := time.Now()
	cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "./examples/quickstart", "./examples/batchjob", "./examples/service")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the examples in %v", time.Since(began).Round(100*time.Millisecond))
	return dir
}

// process is an example started by startProcess.
type process struct {
	cmd     *exec.Cmd
	out     *testkit.SyncBuffer // stdout and stderr
	done    chan struct{}
	err     error
	workdir string
}

// inherited are the variables of the test's environment a program gets; nothing else leaks in.
var inherited = []string{"PATH", "HOME", "TMPDIR", "LANG"}

// startProcess starts bin with exactly env (plus PATH, HOME, TMPDIR, LANG) in a folder of its
// own; a cleanup kills it if it still runs.
func startProcess(t *testing.T, bin string, env map[string]string) *process {
	t.Helper()
	p := &process{out: &testkit.SyncBuffer{}, done: make(chan struct{}), workdir: t.TempDir()}
	p.cmd = exec.Command(bin)
	p.cmd.Dir = p.workdir
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	for _, k := range inherited {
		if v, ok := os.LookupEnv(k); ok {
			p.cmd.Env = append(p.cmd.Env, k+"="+v)
		}
	}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process to exit, at most timeout, and returns its exit code (-1 if it was
// killed or did not exit).
func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Errorf("%s still runs after %v", filepath.Base(p.cmd.Path), timeout)
		_ = p.cmd.Process.Kill()
		<-p.done
		return -1
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		return -1
	}
	return 0
}

// terminate sends SIGTERM and waits at most timeout.
func (p *process) terminate(t *testing.T, timeout time.Duration) int {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(t, timeout)
}

// panicked reports whether output shows a Go panic or fatal runtime error.
func panicked(output string) bool {
	return strings.Contains(output, "panic: ") || strings.Contains(output, "fatal error: ") ||
		strings.Contains(output, "goroutine 1 [")
}

// httpDo sends one request and returns the status and body; errors end the test.
func httpDo(t *testing.T, method, url string, body []byte) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := newRequest(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}
