package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr makes the kernel kill the versitygw the runner started when the runner dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// setXattr sets a user extended attribute, to probe whether a filesystem has them.
func setXattr(path, name string, value []byte) error { return unix.Setxattr(path, name, value, 0) }
