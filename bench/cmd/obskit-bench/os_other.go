//go:build !linux

package main

import "syscall"

// sysProcAttr returns nil: only Linux can tie a child's life to the runner's.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// setXattr assumes user extended attributes work: only Linux probes them.
func setXattr(string, string, []byte) error { return nil }
