//go:build !unix

package filebucket

import "io/fs"

// inode reports that this platform gives no inode numbers: objects cannot carry metadata.
func inode(fs.FileInfo) (uint64, bool) { return 0, false }
