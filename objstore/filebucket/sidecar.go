package filebucket

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/esper-platform/obskit/objstore"
)

// MetaDirName is the directory, directly under the bucket's root, that holds the content
// headers and metadata of objects stored with them (one JSON file per object, named after the
// object file's inode). It is never listed, and keys under it are rejected.
const MetaDirName = ".objstore-meta"

// sidecar is what a metadata file holds.
type sidecar struct {
	ContentType        string            `json:"content_type,omitempty"`
	ContentEncoding    string            `json:"content_encoding,omitempty"`
	CacheControl       string            `json:"cache_control,omitempty"`
	ContentDisposition string            `json:"content_disposition,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

func sidecarOf(po *objstore.PutOptions) sidecar {
	return sidecar{po.ContentType, po.ContentEncoding, po.CacheControl, po.ContentDisposition, po.Metadata}
}

func (s *sidecar) apply(a *objstore.Attributes) {
	a.ContentType = s.ContentType
	a.ContentEncoding = s.ContentEncoding
	a.CacheControl = s.CacheControl
	a.ContentDisposition = s.ContentDisposition
	a.Metadata = s.Metadata
}

// The metadata of an object is keyed by the inode of its file, not by its key: the sidecar is
// written for the temporary file before the rename that makes the object visible, so the object
// and its metadata appear (and are replaced) together, atomically, with the one rename. A
// reader that finds the sidecar of a replaced inode gone stats the key again.

// metaPath returns the sidecar path of the file fi, or "" when the platform gives no inode.
func (b *Bucket) metaPath(fi fs.FileInfo) string {
	ino, ok := inode(fi)
	if !ok {
		return ""
	}
	return filepath.Join(b.meta, strconv.FormatUint(ino, 16)+".json")
}

// writeSidecar stores sc as the metadata of the file fi (through a temporary file and a
// rename), or, with sc nil, removes any stale metadata an earlier file with the same inode left.
func (b *Bucket) writeSidecar(fi fs.FileInfo, sc *sidecar) error {
	path := b.metaPath(fi)
	if path == "" {
		if sc != nil {
			return errors.New("content headers and metadata need inodes, which this platform does not give")
		}
		return nil
	}
	if sc == nil {
		if !b.metaUsed.Load() {
			return nil
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	data, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	if !b.metaUsed.Load() {
		if err := os.MkdirAll(b.meta, 0o700); err != nil {
			return err
		}
		b.metaUsed.Store(true)
	}
	f, err := os.CreateTemp(b.tmp, "meta-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && b.sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// readSidecar returns the metadata of the file fi, nil when it has none.
func (b *Bucket) readSidecar(fi fs.FileInfo) (*sidecar, error) {
	if !b.metaUsed.Load() {
		return nil, nil
	}
	path := b.metaPath(fi)
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sc sidecar
	if err := json.Unmarshal(data, &sc); err != nil {
		return nil, err
	}
	return &sc, nil
}

// removeSidecar removes the metadata of a file that is no longer an object.
func (b *Bucket) removeSidecar(fi fs.FileInfo) {
	if fi != nil {
		_ = b.writeSidecar(fi, nil)
	}
}
