package objstore

import (
	"fmt"
	"iter"
	"maps"
	"strings"
)

// MaxMetadataSize is the most user metadata an object can carry, keys and values together, in
// bytes, as in S3.
const MaxMetadataSize = 2 << 10

// PutOption sets how [Bucket.Put] and [Bucket.Copy] store an object: its content headers, its
// user metadata, and a condition on what the key holds. A nil PutOption is skipped; the last one
// given for a setting wins.
type PutOption interface {
	applyPut(*PutOptions)
}

// PutOptions are the settings of one Put or Copy, as the provider sees them: the zero value
// stores the object with no content headers, no metadata and no condition. Providers get them
// with [NewPutOptions]; callers pass [PutOption] values.
type PutOptions struct {
	// ContentType is the media type stored with the object and served with it ("" for none).
	ContentType string
	// ContentEncoding is the coding of the stored bytes (e.g. "gzip"); "" for none.
	ContentEncoding string
	// CacheControl is the Cache-Control value stored and served with the object.
	CacheControl string
	// ContentDisposition is the Content-Disposition value stored and served with the object.
	ContentDisposition string
	// Metadata is the user metadata, with lower-case keys. Nil for none.
	Metadata map[string]string
	// IfNotExists makes the write fail with [ErrPreconditionFailed] when an object is stored
	// under the key (S3's If-None-Match: *).
	IfNotExists bool
	// IfMatch makes the write fail with [ErrPreconditionFailed] unless the object stored under
	// the key has this ETag (S3's If-Match); a missing object fails too. Quotes are ignored.
	IfMatch string
}

// HasHeaders reports whether any content header or metadata is set: for [Bucket.Copy], whether
// the destination gets these instead of the source's.
func (o *PutOptions) HasHeaders() bool {
	return o.ContentType != "" || o.ContentEncoding != "" || o.CacheControl != "" ||
		o.ContentDisposition != "" || len(o.Metadata) > 0
}

// NewPutOptions applies opts, in order, to the zero PutOptions and checks the result with
// [ValidatePutOptions]. Providers call it first in Put and Copy, so that the same options fail
// the same way on every provider, before any request is sent.
func NewPutOptions(opts []PutOption) (PutOptions, error) {
	if len(opts) == 0 {
		return PutOptions{}, nil // without allocating: the options below escape
	}
	o := new(PutOptions)
	for _, opt := range opts {
		if opt != nil {
			opt.applyPut(o)
		}
	}
	return *o, ValidatePutOptions(o)
}

type putOptionFunc func(*PutOptions)

func (f putOptionFunc) applyPut(o *PutOptions) { f(o) }

// WithContentType stores the object's media type (e.g. "text/csv"), returned by
// [Bucket.Attributes] and served by S3 as Content-Type. Default (and for ""): none; S3 then
// serves binary/octet-stream.
func WithContentType(v string) PutOption {
	return putOptionFunc(func(o *PutOptions) { o.ContentType = v })
}

// WithContentEncoding stores the coding of the content (e.g. "gzip"). The bytes are stored as
// given: no provider compresses or decompresses them. Default (and for ""): none.
func WithContentEncoding(v string) PutOption {
	return putOptionFunc(func(o *PutOptions) { o.ContentEncoding = v })
}

// WithCacheControl stores the Cache-Control value served with the object (e.g.
// "max-age=3600"). Default (and for ""): none.
func WithCacheControl(v string) PutOption {
	return putOptionFunc(func(o *PutOptions) { o.CacheControl = v })
}

// WithContentDisposition stores the Content-Disposition value served with the object (e.g.
// `attachment; filename="report.csv"`). Default (and for ""): none.
func WithContentDisposition(v string) PutOption {
	return putOptionFunc(func(o *PutOptions) { o.ContentDisposition = v })
}

// WithMetadata stores user metadata with the object (S3's x-amz-meta-* headers). Keys are case
// insensitive and returned in lower case; keys are letters, digits, '-', '_' and '.', values
// printable ASCII, at most [MaxMetadataSize] bytes in all. The map is copied. Default (and for
// an empty map): none.
func WithMetadata(md map[string]string) PutOption {
	var c map[string]string
	if len(md) > 0 {
		c = make(map[string]string, len(md))
		clash := ""
		for k, v := range md {
			lk := strings.ToLower(k)
			if _, dup := c[lk]; dup {
				clash = lk
			}
			c[lk] = v
		}
		if clash != "" {
			c[strings.ToUpper(clash)] = "" // an invalid key, so that validation reports the clash
		}
	}
	return putOptionFunc(func(o *PutOptions) { o.Metadata = maps.Clone(c) })
}

// WithIfNotExists makes the write create the object only: it fails with an error matching
// [ErrPreconditionFailed] when an object is already stored under the key. Among concurrent
// create-only writes of one key exactly one succeeds. Default: no condition.
func WithIfNotExists() PutOption {
	return putOptionFunc(func(o *PutOptions) { o.IfNotExists = true })
}

// WithIfMatch makes the write replace the object only if its ETag (from [Bucket.Attributes]) is
// etag: a compare-and-swap. It fails with an error matching [ErrPreconditionFailed] when the
// object changed or is missing. Default (and for ""): no condition.
func WithIfMatch(etag string) PutOption {
	return putOptionFunc(func(o *PutOptions) { o.IfMatch = strings.Trim(etag, `"`) })
}

// ValidatePutOptions reports whether o can be stored by every provider: header values of
// printable ASCII, metadata as [WithMetadata] describes, and at most one condition. The error
// wraps [ErrInvalidArgument] and names the setting, never a value.
func ValidatePutOptions(o *PutOptions) error {
	for _, h := range []struct{ name, v string }{
		{"content type", o.ContentType},
		{"content encoding", o.ContentEncoding},
		{"cache control", o.CacheControl},
		{"content disposition", o.ContentDisposition},
	} {
		if !printable(h.v) {
			return fmt.Errorf("%w: %s is not printable ASCII", ErrInvalidArgument, h.name)
		}
	}
	size := 0
	for k, v := range o.Metadata {
		if !metadataKey(k) {
			return fmt.Errorf("%w: metadata key %q: want lower-case letters, digits, '-', '_' or '.'", ErrInvalidArgument, k)
		}
		if !printable(v) {
			return fmt.Errorf("%w: the value of metadata key %q is not printable ASCII", ErrInvalidArgument, k)
		}
		size += len(k) + len(v)
	}
	if size > MaxMetadataSize {
		return fmt.Errorf("%w: metadata of %d bytes, more than %d", ErrInvalidArgument, size, MaxMetadataSize)
	}
	if o.IfNotExists && o.IfMatch != "" {
		return fmt.Errorf("%w: WithIfNotExists and WithIfMatch together", ErrInvalidArgument)
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func metadataKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// ListOption sets how [Bucket.List] lists. A nil ListOption is skipped.
type ListOption interface {
	applyList(*ListOptions)
}

// ListOptions are the settings of one List, as the provider sees them (see [NewListOptions]).
type ListOptions struct {
	// Delimiter, when not empty, groups the keys that contain it after the prefix into one
	// directory entry each, as S3's delimiter does.
	Delimiter string
}

type listOptionFunc func(*ListOptions)

func (f listOptionFunc) applyList(o *ListOptions) { f(o) }

// NewListOptions applies opts, in order, to the zero ListOptions.
func NewListOptions(opts []ListOption) ListOptions {
	if len(opts) == 0 {
		return ListOptions{}
	}
	o := new(ListOptions)
	for _, opt := range opts {
		if opt != nil {
			opt.applyList(o)
		}
	}
	return *o
}

// WithDelimiter lists one level of a hierarchy: a key that contains delimiter after the prefix
// is not yielded; instead its part up to and including the first delimiter after the prefix is
// yielded once, as an [ObjectInfo] with IsDir set (e.g. List(ctx, "logs/",
// WithDelimiter("/")) yields "logs/a.txt" and the directory "logs/2026/"). Entries stay in
// lexical order. Default (and for ""): every key under the prefix, at any depth.
func WithDelimiter(delimiter string) ListOption {
	return listOptionFunc(func(o *ListOptions) { o.Delimiter = delimiter })
}

// GroupByDelimiter turns a lexically ordered listing of the keys under prefix into one with
// directory entries, as [WithDelimiter] describes; with an empty delimiter it returns seq. It is
// for providers that cannot list by directory natively: the keys under one directory are
// contiguous in lexical order, so it needs no memory beyond the last directory yielded.
func GroupByDelimiter(seq iter.Seq2[ObjectInfo, error], prefix, delimiter string) iter.Seq2[ObjectInfo, error] {
	if delimiter == "" {
		return seq
	}
	return func(yield func(ObjectInfo, error) bool) {
		var lastDir string
		for info, err := range seq {
			if err != nil {
				yield(info, err)
				return
			}
			rest := strings.TrimPrefix(info.Key, prefix)
			i := strings.Index(rest, delimiter)
			if i < 0 {
				if !yield(info, nil) {
					return
				}
				continue
			}
			dir := info.Key[:len(prefix)+i+len(delimiter)]
			if dir == lastDir {
				continue
			}
			lastDir = dir
			if !yield(ObjectInfo{Key: dir, IsDir: true}, nil) {
				return
			}
		}
	}
}
