package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/esper-platform/obskit/bench/s3bench"
	"github.com/esper-platform/obskit/internal/testserver"
)

// versity is a versitygw gateway started by the runner (the tests use testserver.StartVersity,
// which needs a testing.TB).
type versity struct {
	s3bench.Server
	cmd *exec.Cmd
	dir string
	log *os.File
}

// startVersity starts versitygw from the tools folder (testserver.Tool) on a free loopback
// port, with random credentials and one bucket in a fresh folder, and waits for its health
// check. The error wraps fs.ErrNotExist when versitygw is not installed.
func startVersity(ctx context.Context) (*versity, error) {
	bin, err := testserver.Tool(testserver.ToolVersity)
	if err != nil {
		return nil, err
	}
	dir, err := xattrDir()
	if err != nil {
		return nil, err
	}
	v := &versity{dir: dir, Server: s3bench.Server{
		AccessKey: "AK" + randomHex(9), SecretKey: randomHex(20),
		Bucket: "obskit-bench-" + randomHex(4), Region: "us-east-1",
	}}
	if err := os.Mkdir(filepath.Join(dir, v.Bucket), 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	v.Endpoint = "http://" + addr
	v.log, err = os.CreateTemp("", "obskit-bench-versitygw-*.log")
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	v.cmd = exec.Command(bin, "--port", addr, "--region", v.Region, "--health", "/health", "--quiet", "posix", dir)
	v.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+v.AccessKey, "ROOT_SECRET_ACCESS_KEY="+v.SecretKey)
	v.cmd.Stdout, v.cmd.Stderr = v.log, v.log
	v.cmd.SysProcAttr = sysProcAttr() // dies with the runner (Linux)
	if err := v.cmd.Start(); err != nil {
		v.cleanup()
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.Endpoint+"/health", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return v, nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = v.Stop()
			out, _ := os.ReadFile(v.log.Name())
			return nil, fmt.Errorf("versitygw did not answer its health check within 30s: %v\n%s", err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the gateway (SIGTERM, a kill after 10s) and removes its folder and log.
func (v *versity) Stop() error {
	var err error
	if v.cmd != nil && v.cmd.Process != nil {
		_ = v.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- v.cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = v.cmd.Process.Kill()
			<-done
			err = errors.New("versitygw: killed after 10s")
		}
	}
	v.cleanup()
	return err
}

func (v *versity) cleanup() {
	_ = os.RemoveAll(v.dir)
	if v.log != nil {
		_ = v.log.Close()
		_ = os.Remove(v.log.Name())
	}
}

// xattrDir returns a new folder on a filesystem with user extended attributes (versitygw keeps
// object metadata in them): under the temporary folder, else under /var/tmp.
func xattrDir() (string, error) {
	var errs []error
	for _, parent := range []string{os.TempDir(), "/var/tmp"} {
		dir, err := os.MkdirTemp(parent, "obskit-bench-versity-")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		probe := filepath.Join(dir, ".xattr-probe")
		if err := os.WriteFile(probe, nil, 0o600); err == nil {
			err = setXattr(probe, "user.obskit", []byte("1"))
			_ = os.Remove(probe)
			if err == nil {
				return dir, nil
			}
			errs = append(errs, fmt.Errorf("%s: no user xattrs: %w", parent, err))
		}
		_ = os.RemoveAll(dir)
	}
	return "", errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
