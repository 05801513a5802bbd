package membucket

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/internal/content"
)

// Bucket is an [objstore.Bucket] holding objects in memory. The zero value is not usable; call
// [New]. Stored content is never modified in place, so readers returned by Get see the object
// as it was when opened even if it is overwritten meanwhile.
type Bucket struct {
	mu      sync.RWMutex
	objects map[string]*object
	closed  bool
}

type object struct {
	data  []byte
	attrs objstore.Attributes
}

// New returns an empty bucket.
func New() *Bucket { return &Bucket{objects: make(map[string]*object)} }

// Register registers the scheme "mem" in reg: every mem:// URL opens a new, empty bucket (the
// URL's host and path are ignored).
func Register(reg *objstore.Registry) {
	reg.Register("mem", func(context.Context, *url.URL) (objstore.Bucket, error) { return New(), nil })
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func opErr(op objstore.Op, key string, err error) error {
	return &objstore.OpError{Op: op, Key: key, Err: err}
}

// check validates key and fails early on a closed bucket or a done context.
func (b *Bucket) check(ctx context.Context, op objstore.Op, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return opErr(op, key, err)
	}
	if err := ctx.Err(); err != nil {
		return opErr(op, key, err)
	}
	b.mu.RLock()
	closed := b.closed
	b.mu.RUnlock()
	if closed {
		return opErr(op, key, objstore.ErrClosed)
	}
	return nil
}

// Put implements [objstore.Bucket]. The content is read whole before the object is replaced,
// so a failed Put leaves any previous object untouched. A condition is checked under the same
// lock as the object is replaced.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.PutOption) error {
	if err := b.check(ctx, objstore.OpPut, key); err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return opErr(objstore.OpPut, key, err)
	}
	var buf bytes.Buffer
	if size > 0 {
		buf.Grow(int(size))
	}
	if _, err := content.Copy(ctx, &buf, r, size); err != nil {
		return opErr(objstore.OpPut, key, err)
	}
	data := buf.Bytes()
	sum := md5.Sum(data)
	var crc [4]byte
	binary.BigEndian.PutUint32(crc[:], crc32.Checksum(data, castagnoli))
	attrs := objstore.Attributes{
		Size:     int64(len(data)),
		ETag:     hex.EncodeToString(sum[:]),
		Checksum: "CRC32C:" + base64.StdEncoding.EncodeToString(crc[:]),
	}
	setHeaders(&attrs, &po)
	return b.store(ctx, objstore.OpPut, key, &object{data: data, attrs: attrs}, &po)
}

// setHeaders copies the content headers and metadata of po to a.
func setHeaders(a *objstore.Attributes, po *objstore.PutOptions) {
	a.ContentType = po.ContentType
	a.ContentEncoding = po.ContentEncoding
	a.CacheControl = po.CacheControl
	a.ContentDisposition = po.ContentDisposition
	a.Metadata = po.Metadata
}

// store puts obj under key, stamped now, if the condition of po holds.
func (b *Bucket) store(ctx context.Context, op objstore.Op, key string, obj *object, po *objstore.PutOptions) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return opErr(op, key, objstore.ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return opErr(op, key, err)
	}
	old := b.objects[key]
	switch {
	case po.IfNotExists && old != nil:
		return opErr(op, key, fmt.Errorf("%w: an object exists", objstore.ErrPreconditionFailed))
	case po.IfMatch != "" && (old == nil || old.attrs.ETag != po.IfMatch):
		return opErr(op, key, fmt.Errorf("%w: the ETag does not match", objstore.ErrPreconditionFailed))
	}
	obj.attrs.ModTime = time.Now()
	b.objects[key] = obj
	return nil
}

// Copy implements [objstore.Bucket]: the copy shares the source's content (which is never
// modified in place).
func (b *Bucket) Copy(ctx context.Context, dst, src string, opts ...objstore.PutOption) error {
	if err := b.check(ctx, objstore.OpCopy, dst); err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return opErr(objstore.OpCopy, dst, err)
	}
	from, err := b.lookup(ctx, objstore.OpCopy, src)
	if err != nil {
		return err
	}
	obj := &object{data: from.data, attrs: from.attrs}
	if po.HasHeaders() {
		setHeaders(&obj.attrs, &po)
	}
	return b.store(ctx, objstore.OpCopy, dst, obj, &po)
}

// DeleteMany implements [objstore.Bucket], deleting the keys one by one.
func (b *Bucket) DeleteMany(ctx context.Context, keys []string) error {
	return objstore.DeleteEach(ctx, keys, b.Delete)
}

func (b *Bucket) lookup(ctx context.Context, op objstore.Op, key string) (*object, error) {
	if err := b.check(ctx, op, key); err != nil {
		return nil, err
	}
	b.mu.RLock()
	obj := b.objects[key]
	b.mu.RUnlock()
	if obj == nil {
		return nil, opErr(op, key, objstore.ErrNotFound)
	}
	return obj, nil
}

// Get implements [objstore.Bucket].
func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	obj, err := b.lookup(ctx, objstore.OpGet, key)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(obj.data)), nil
}

// GetRange implements [objstore.Bucket]. A range starting at or beyond the end reads nothing.
func (b *Bucket) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if err := objstore.ValidateRange(off, length); err != nil {
		return nil, opErr(objstore.OpGetRange, key, err)
	}
	obj, err := b.lookup(ctx, objstore.OpGetRange, key)
	if err != nil {
		return nil, err
	}
	start, end := content.Range(int64(len(obj.data)), off, length)
	return io.NopCloser(bytes.NewReader(obj.data[start:end])), nil
}

// Attributes implements [objstore.Bucket].
func (b *Bucket) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	obj, err := b.lookup(ctx, objstore.OpAttributes, key)
	if err != nil {
		return objstore.Attributes{}, err
	}
	a := obj.attrs
	a.Metadata = maps.Clone(a.Metadata) // the caller may change it; the object's stays
	return a, nil
}

// Exists implements [objstore.Bucket].
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	_, err := b.lookup(ctx, objstore.OpExists, key)
	if objstore.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// List implements [objstore.Bucket]. It lists the objects present when iteration starts.
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
		b.mu.RLock()
		if b.closed {
			b.mu.RUnlock()
			yield(objstore.ObjectInfo{}, opErr(objstore.OpList, prefix, objstore.ErrClosed))
			return
		}
		infos := make([]objstore.ObjectInfo, 0, 16)
		for k, obj := range b.objects {
			if strings.HasPrefix(k, prefix) {
				infos = append(infos, objstore.ObjectInfo{Key: k, Size: obj.attrs.Size, ModTime: obj.attrs.ModTime})
			}
		}
		b.mu.RUnlock()
		slices.SortFunc(infos, func(a, b objstore.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
		for _, info := range infos {
			if err := ctx.Err(); err != nil {
				yield(objstore.ObjectInfo{}, opErr(objstore.OpList, prefix, err))
				return
			}
			if !yield(info, nil) {
				return
			}
		}
	}
}

// Delete implements [objstore.Bucket]. Deleting a missing object is not an error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := b.check(ctx, objstore.OpDelete, key); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return opErr(objstore.OpDelete, key, objstore.ErrClosed)
	}
	delete(b.objects, key)
	return nil
}

// Close discards the objects. Later calls to any method, Close included, return an error
// matching [objstore.ErrClosed].
func (b *Bucket) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return objstore.ErrClosed
	}
	b.closed = true
	b.objects = nil
	return nil
}
