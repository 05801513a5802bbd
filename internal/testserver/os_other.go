//go:build !linux

package testserver

import "syscall"

// sysProcAttr returns nil: only Linux can tie a server's life to the test
// binary's.
func sysProcAttr() *syscall.SysProcAttr {
	return nil
}

// xattrSupported assumes user extended attributes work: only Linux checks.
func xattrSupported(string) error {
	return nil
}
