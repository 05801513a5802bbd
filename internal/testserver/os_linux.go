package testserver

import (
	"os"
	"path/filepath"
	"syscall"
)

// sysProcAttr makes the kernel kill a server when the test binary dies
// without running its cleanups (a panic or `go test -timeout`), so that no
// server outlives its test and keeps its ports.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// xattrSupported reports, as an error, whether files in dir cannot carry
// user extended attributes.
func xattrSupported(dir string) error {
	probe := filepath.Join(dir, ".xattr-probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return err
	}
	defer os.Remove(probe)
	return syscall.Setxattr(probe, "user.obskit.probe", []byte("1"), 0)
}
