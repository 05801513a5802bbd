//go:build unix

package filebucket

import (
	"io/fs"
	"syscall"
)

// inode returns the inode number of the file fi describes.
func inode(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true //nolint:unconvert // int64 or uint64 depending on the platform
}
