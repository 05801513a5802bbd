package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr makes the kernel kill the versitygw the runner started when the runner dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// threadCPU returns the CPU time of the calling OS thread in nanoseconds.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return wallNanos()
	}
	return ts.Nano()
}

// setXattr sets a user extended attribute, to probe whether a filesystem has them.
func setXattr(path, name string, value []byte) error { return unix.Setxattr(path, name, value, 0) }
