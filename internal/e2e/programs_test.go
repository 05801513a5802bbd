package e2e

import (
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildPrograms builds the main packages (import paths relative to the repository root, such
// as "./examples/service") into one t.TempDir() with a single go build, and returns the path
// of each binary by package path.
func buildPrograms(t *testing.T, pkgs ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	start := time.Now()
	cmd := exec.Command("go", append([]string{"build", "-o", dir + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	t.Logf("built %s in %v", strings.Join(pkgs, " "), time.Since(start).Round(100*time.Millisecond))
	bins := make(map[string]string, len(pkgs))
	for _, p := range pkgs {
		bins[p] = filepath.Join(dir, filepath.Base(p))
	}
	return bins
}

// program is an example process started by startProgram.
type program struct {
	name   string
	cmd    *exec.Cmd
	output string // file holding stdout and stderr
	done   chan struct{}
	err    error // set when done is closed
}

// inheritedEnv are the variables of the test's own environment a program gets; everything
// else comes from the map given to startProgram, so no OTEL_, AWS_ or OBSKIT_ variable of the
// machine leaks in.
var inheritedEnv = []string{"PATH", "HOME", "TMPDIR", "LANG", "GOCOVERDIR"}

// startProgram starts bin with env in a folder of its own. A t.Cleanup kills it if it still
// runs and, if the test failed, logs its output.
func startProgram(t *testing.T, name, bin string, env map[string]string, args ...string) *program {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	for _, k := range inheritedEnv {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &program{name: name, cmd: cmd, output: out.Name(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", name, p.Output())
		}
	})
	return p
}

// Output returns what the program wrote so far.
func (p *program) Output() string {
	b, err := os.ReadFile(p.output)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}

// Wait waits for the program to exit, at most timeout, and returns its exit error.
func (p *program) Wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("%s still runs after %v; output:\n%s", p.name, timeout, p.Output())
		return nil
	}
}

// Exited reports whether the program has exited.
func (p *program) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Terminate sends SIGTERM and waits for the program to exit, at most timeout.
func (p *program) Terminate(t *testing.T, timeout time.Duration) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("SIGTERM to %s: %v", p.name, err)
	}
	return p.Wait(t, timeout)
}

// runProgram runs bin to its end (at most timeout) and fails the test if it does not exit 0.
func runProgram(t *testing.T, name, bin string, env map[string]string, timeout time.Duration, args ...string) string {
	t.Helper()
	start := time.Now()
	p := startProgram(t, name, bin, env, args...)
	if err := p.Wait(t, timeout); err != nil {
		t.Fatalf("%s: %v; output:\n%s", name, err, p.Output())
	}
	t.Logf("%s ran in %v", name, time.Since(start).Round(10*time.Millisecond))
	return p.Output()
}

// withTimeout is context.WithTimeout from the background context, for HTTP calls to a program.
func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
