package filebucket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/internal/content"
)

// TempDirName is the directory, directly under the bucket's root, that holds objects being
// written. It is never listed, and keys under it are rejected.
const TempDirName = ".objstore-tmp"

// maxSegment is the longest key segment that can be a file name on common file systems.
const maxSegment = 255

// Bucket is an [objstore.Bucket] storing each object as a file under a root directory: key
// "a/b.txt" is the file <root>/a/b.txt. Create it with [New].
type Bucket struct {
	root     string
	tmp      string
	meta     string
	sync     bool
	closed   atomic.Bool
	metaUsed atomic.Bool // the metadata directory may hold sidecars
	condMu   sync.Mutex  // serializes the check and the rename of WithIfMatch writes
}

// New returns a bucket rooted at dir, which must exist (see [WithCreateDir]).
func New(dir string, opts ...Option) (*Bucket, error) {
	var c config
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("filebucket: %w", err)
	}
	if c.createDir {
		if err := os.MkdirAll(root, 0o750); err != nil {
			return nil, fmt.Errorf("filebucket: %w", err)
		}
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("filebucket: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("filebucket: %s is not a directory", root)
	}
	tmp := filepath.Join(root, TempDirName)
	if err := os.Mkdir(tmp, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("filebucket: %w", err)
	}
	b := &Bucket{root: root, tmp: tmp, meta: filepath.Join(root, MetaDirName), sync: !c.noSync}
	if d, err := os.Open(b.meta); err == nil {
		names, _ := d.Readdirnames(1)
		b.metaUsed.Store(len(names) > 0)
		_ = d.Close()
	}
	return b, nil
}

// Register registers the scheme "file" in reg: file:///abs/dir opens New("/abs/dir"), with the
// query parameters create_dir=true|false ([WithCreateDir]) and sync=true|false ([WithSync]).
// The host must be empty or "localhost".
func Register(reg *objstore.Registry) {
	reg.Register("file", func(_ context.Context, u *url.URL) (objstore.Bucket, error) {
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("filebucket: file URL host must be empty or localhost")
		}
		if u.Path == "" {
			return nil, fmt.Errorf("filebucket: file URL has no directory path (want file:///dir)")
		}
		var opts []Option
		for name, vals := range u.Query() {
			v, err := strconv.ParseBool(vals[len(vals)-1])
			if err != nil {
				return nil, fmt.Errorf("filebucket: query parameter %s: want true or false", name)
			}
			switch name {
			case "create_dir":
				opts = append(opts, WithCreateDir(v))
			case "sync":
				opts = append(opts, WithSync(v))
			default:
				return nil, fmt.Errorf("filebucket: unknown query parameter %q", name)
			}
		}
		return New(filepath.FromSlash(u.Path), opts...)
	})
}

// Root returns the bucket's directory, as an absolute path.
func (b *Bucket) Root() string { return b.root }

func opErr(op objstore.Op, key string, err error) error {
	return &objstore.OpError{Op: op, Key: key, Err: err}
}

// path validates key for op and returns its file path.
func (b *Bucket) path(ctx context.Context, op objstore.Op, key string) (string, error) {
	if err := objstore.ValidateKey(key); err != nil {
		return "", opErr(op, key, err)
	}
	if reason := fileKeyProblem(key); reason != "" {
		return "", opErr(op, key, fmt.Errorf("%w: %s (file bucket)", objstore.ErrInvalidKey, reason))
	}
	if err := ctx.Err(); err != nil {
		return "", opErr(op, key, err)
	}
	if b.closed.Load() {
		return "", opErr(op, key, objstore.ErrClosed)
	}
	return filepath.Join(b.root, filepath.FromSlash(key)), nil
}

// fileKeyProblem returns why a key valid for S3 cannot be a file path here, or "".
func fileKeyProblem(key string) string {
	first := true
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return "empty path segment (a trailing or doubled '/')"
		case len(seg) > maxSegment:
			return "path segment longer than 255 bytes"
		case first && (seg == TempDirName || seg == MetaDirName):
			return "reserved for the bucket's own files"
		}
		first = false
	}
	return ""
}

// Put implements [objstore.Bucket]. The content goes to a temporary file that is renamed over
// the object's file once complete (and, by default, synced), so readers see the old object or
// the new one whole, never a part. Content headers and metadata go to a sidecar file keyed by
// the temporary file's inode, written before the rename, so they appear with the object. A
// create-only write links the file into place (failing if the name exists), atomically also
// against other processes; a compare-and-swap checks the ETag and renames under a lock of this
// Bucket, so it is atomic among the writers of this process.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.PutOption) error {
	path, err := b.path(ctx, objstore.OpPut, key)
	if err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return opErr(objstore.OpPut, key, err)
	}
	return b.put(ctx, objstore.OpPut, key, path, r, size, &po)
}

func (b *Bucket) put(ctx context.Context, op objstore.Op, key, path string, r io.Reader, size int64, po *objstore.PutOptions) (err error) {
	f, err := os.CreateTemp(b.tmp, "put-*")
	if err != nil {
		return opErr(op, key, err)
	}
	tmpName := f.Name()
	var fi fs.FileInfo
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmpName)
			if fi != nil {
				b.removeSidecar(fi)
			}
		}
	}()
	if _, err := content.Copy(ctx, f, r, size); err != nil {
		return opErr(op, key, err)
	}
	if b.sync {
		if err := f.Sync(); err != nil {
			return opErr(op, key, err)
		}
	}
	if fi, err = f.Stat(); err != nil {
		return opErr(op, key, err)
	}
	if err := f.Close(); err != nil {
		return opErr(op, key, err)
	}
	var sc *sidecar
	if po.HasHeaders() {
		s := sidecarOf(po)
		sc = &s
	}
	if err := b.writeSidecar(fi, sc); err != nil {
		return opErr(op, key, fmt.Errorf("storing the metadata: %w", err))
	}
	if err := ctx.Err(); err != nil {
		return opErr(op, key, err)
	}
	if po.IfMatch != "" {
		b.condMu.Lock()
		defer b.condMu.Unlock()
		old, err := os.Stat(path)
		if notFound(err) || err == nil && (!old.Mode().IsRegular() || etag(old) != po.IfMatch) {
			return opErr(op, key, fmt.Errorf("%w: the ETag does not match", objstore.ErrPreconditionFailed))
		}
	}
	var old fs.FileInfo
	if b.metaUsed.Load() && !po.IfNotExists {
		old, _ = os.Lstat(path)
	}
	// A concurrent Delete may remove a parent directory it found empty between MkdirAll and
	// Rename: try again a few times.
	for attempt := 0; ; attempt++ {
		if err = os.MkdirAll(filepath.Dir(path), 0o750); err == nil {
			if po.IfNotExists {
				err = os.Link(tmpName, path)
			} else {
				err = os.Rename(tmpName, path)
			}
			if err == nil {
				break
			}
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 5 {
			break
		}
	}
	if err == nil {
		if po.IfNotExists {
			_ = os.Remove(tmpName)
		}
		if old != nil && old.Mode().IsRegular() {
			b.removeSidecar(old)
		}
		return nil
	}
	if po.IfNotExists && errors.Is(err, fs.ErrExist) {
		if st, serr := os.Lstat(path); serr == nil && st.Mode().IsRegular() {
			return opErr(op, key, fmt.Errorf("%w: an object exists", objstore.ErrPreconditionFailed))
		}
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) {
		return opErr(op, key, fmt.Errorf(
			"%w: the key and another object's key would need the same path as file and directory (file bucket)",
			objstore.ErrInvalidKey))
	}
	return opErr(op, key, err)
}

// etag is the ETag of the object file fi: its modification time and size, which change whenever
// the object is rewritten.
func etag(fi fs.FileInfo) string {
	return fmt.Sprintf("%x-%x", fi.ModTime().UnixNano(), fi.Size())
}

// Copy implements [objstore.Bucket]: the source file is copied through a temporary file, as Put
// stores content, with its content headers and metadata unless opts replace them.
func (b *Bucket) Copy(ctx context.Context, dst, src string, opts ...objstore.PutOption) error {
	path, err := b.path(ctx, objstore.OpCopy, dst)
	if err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return opErr(objstore.OpCopy, dst, err)
	}
	f, fi, err := b.open(ctx, objstore.OpCopy, src)
	if err != nil {
		return err
	}
	defer f.Close()
	if !po.HasHeaders() {
		sc, err := b.readSidecar(fi)
		if err != nil {
			return opErr(objstore.OpCopy, src, fmt.Errorf("reading the metadata: %w", err))
		}
		if sc != nil {
			po.ContentType, po.ContentEncoding, po.CacheControl, po.ContentDisposition, po.Metadata =
				sc.ContentType, sc.ContentEncoding, sc.CacheControl, sc.ContentDisposition, sc.Metadata
		}
	}
	return b.put(ctx, objstore.OpCopy, dst, path, f, fi.Size(), &po)
}

// DeleteMany implements [objstore.Bucket], deleting the keys one by one.
func (b *Bucket) DeleteMany(ctx context.Context, keys []string) error {
	return objstore.DeleteEach(ctx, keys, b.Delete)
}

// notFound maps the errors of opening or stat-ing a missing object's path to ErrNotFound.
func notFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// open opens the object's file, which must be a regular file.
func (b *Bucket) open(ctx context.Context, op objstore.Op, key string) (*os.File, fs.FileInfo, error) {
	path, err := b.path(ctx, op, key)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(path)
	if notFound(err) {
		return nil, nil, opErr(op, key, objstore.ErrNotFound)
	}
	if err != nil {
		return nil, nil, opErr(op, key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = objstore.ErrNotFound
	}
	if err != nil {
		_ = f.Close()
		return nil, nil, opErr(op, key, err)
	}
	return f, fi, nil
}

// Get implements [objstore.Bucket].
func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	f, _, err := b.open(ctx, objstore.OpGet, key)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// GetRange implements [objstore.Bucket]. A range starting at or beyond the end reads nothing.
func (b *Bucket) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if err := objstore.ValidateRange(off, length); err != nil {
		return nil, opErr(objstore.OpGetRange, key, err)
	}
	f, fi, err := b.open(ctx, objstore.OpGetRange, key)
	if err != nil {
		return nil, err
	}
	start, end := content.Range(fi.Size(), off, length)
	return sectionReadCloser{io.NewSectionReader(f, start, end-start), f}, nil
}

type sectionReadCloser struct {
	*io.SectionReader
	f *os.File
}

func (s sectionReadCloser) Close() error { return s.f.Close() }

// stat returns the object's file info, which must be a regular file.
func (b *Bucket) stat(ctx context.Context, op objstore.Op, key string) (fs.FileInfo, error) {
	path, err := b.path(ctx, op, key)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if notFound(err) || err == nil && !fi.Mode().IsRegular() {
		return nil, opErr(op, key, objstore.ErrNotFound)
	}
	if err != nil {
		return nil, opErr(op, key, err)
	}
	return fi, nil
}

// Attributes implements [objstore.Bucket]. The ETag is derived from the file's modification
// time and size (it changes whenever the object is rewritten); there is no stored checksum.
// Content headers and metadata come from the object's sidecar, read between two stats of the
// key that must agree (inode, modification time, size): otherwise the object was replaced
// meanwhile, and perhaps its inode reused, so Attributes reads again.
func (b *Bucket) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	for attempt := 0; ; attempt++ {
		fi, err := b.stat(ctx, objstore.OpAttributes, key)
		if err != nil {
			return objstore.Attributes{}, err
		}
		a := objstore.Attributes{Size: fi.Size(), ModTime: fi.ModTime(), ETag: etag(fi)}
		if !b.metaUsed.Load() {
			return a, nil
		}
		sc, err := b.readSidecar(fi)
		if err != nil {
			return objstore.Attributes{}, opErr(objstore.OpAttributes, key, fmt.Errorf("reading the metadata: %w", err))
		}
		again, err := b.stat(ctx, objstore.OpAttributes, key)
		if err != nil {
			return objstore.Attributes{}, err
		}
		if sameVersion(fi, again) || attempt == maxAttributeReads-1 {
			if sc != nil {
				sc.apply(&a)
			}
			return a, nil
		}
	}
}

// maxAttributeReads bounds how often Attributes reads an object that keeps being replaced.
const maxAttributeReads = 100

// sameVersion reports whether a and b describe the same version of an object file.
func sameVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size()
}

// Exists implements [objstore.Bucket].
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	_, err := b.stat(ctx, objstore.OpExists, key)
	if objstore.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// List implements [objstore.Bucket]. It walks only the directories that can hold keys with
// prefix, visiting entries in key order (a directory "a" sorts as "a/"), so keys come out in
// lexical order without being collected first.
func (b *Bucket) List(ctx context.Context, prefix string, opts ...objstore.ListOption) iter.Seq2[objstore.ObjectInfo, error] {
	lo := objstore.NewListOptions(opts)
	return objstore.GroupByDelimiter(b.list(ctx, prefix), prefix, lo.Delimiter)
}

func (b *Bucket) list(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(objstore.ObjectInfo{}, opErr(objstore.OpList, prefix, err))
			return
		}
		if b.closed.Load() {
			yield(objstore.ObjectInfo{}, opErr(objstore.OpList, prefix, objstore.ErrClosed))
			return
		}
		// Start at the deepest directory every match lies under.
		base := prefix[:strings.LastIndexByte(prefix, '/')+1]
		if fileKeyProblem(base+"x") != "" {
			return // no object can have this prefix
		}
		w := walker{ctx: ctx, b: b, prefix: prefix, yield: yield}
		w.dir(base)
	}
}

type walker struct {
	ctx    context.Context
	b      *Bucket
	prefix string
	yield  func(objstore.ObjectInfo, error) bool
}

type dirEntry struct {
	sortKey string // name, with "/" appended for a directory
	entry   fs.DirEntry
}

// dir lists the directory holding keys that start with rel ("" or ending in "/"). It returns
// false when iteration must stop.
func (w *walker) dir(rel string) bool {
	if err := w.ctx.Err(); err != nil {
		w.yield(objstore.ObjectInfo{}, opErr(objstore.OpList, w.prefix, err))
		return false
	}
	entries, err := os.ReadDir(filepath.Join(w.b.root, filepath.FromSlash(rel)))
	if notFound(err) {
		return true // removed meanwhile, or the prefix names no directory
	}
	if err != nil {
		w.yield(objstore.ObjectInfo{}, opErr(objstore.OpList, w.prefix, err))
		return false
	}
	sorted := make([]dirEntry, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if rel == "" && (name == TempDirName || name == MetaDirName) {
			continue
		}
		key := rel + name
		if e.IsDir() {
			key += "/"
			if !strings.HasPrefix(key, w.prefix) && !strings.HasPrefix(w.prefix, key) {
				continue
			}
			sorted = append(sorted, dirEntry{name + "/", e})
		} else if e.Type().IsRegular() && strings.HasPrefix(key, w.prefix) {
			sorted = append(sorted, dirEntry{name, e})
		}
	}
	slices.SortFunc(sorted, func(a, b dirEntry) int { return strings.Compare(a.sortKey, b.sortKey) })
	for _, d := range sorted {
		if d.entry.IsDir() {
			if !w.dir(rel + d.sortKey) {
				return false
			}
			continue
		}
		fi, err := d.entry.Info()
		if notFound(err) {
			continue // deleted since ReadDir
		}
		if err != nil {
			w.yield(objstore.ObjectInfo{}, opErr(objstore.OpList, w.prefix, err))
			return false
		}
		if !w.yield(objstore.ObjectInfo{Key: rel + d.sortKey, Size: fi.Size(), ModTime: fi.ModTime()}, nil) {
			return false
		}
	}
	return true
}

// Delete implements [objstore.Bucket]. Deleting a missing object is not an error. Directories
// left empty are removed, up to the root.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	path, err := b.path(ctx, objstore.OpDelete, key)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	if notFound(err) || err == nil && fi.IsDir() {
		return nil
	}
	if err != nil {
		return opErr(objstore.OpDelete, key, err)
	}
	if err := os.Remove(path); err != nil && !notFound(err) {
		return opErr(objstore.OpDelete, key, err)
	}
	b.removeSidecar(fi)
	for dir := filepath.Dir(path); dir != b.root && strings.HasPrefix(dir, b.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil { // not empty (or gone): stop
			break
		}
	}
	return nil
}

// Close marks the bucket closed; later calls to any method, Close included, return an error
// matching [objstore.ErrClosed]. The files stay on disk; readers already returned stay usable.
func (b *Bucket) Close() error {
	if b.closed.Swap(true) {
		return objstore.ErrClosed
	}
	return nil
}
