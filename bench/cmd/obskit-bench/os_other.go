//go:build !linux

package main

import "syscall"

// sysProcAttr returns nil: only Linux can tie a child's life to the runner's.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// threadCPU falls back to wall time where the thread's CPU clock is not read.
func threadCPU() int64 { return wallNanos() }

// setXattr assumes user extended attributes work: only Linux probes them.
func setXattr(string, string, []byte) error { return nil }
