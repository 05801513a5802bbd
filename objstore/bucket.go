package objstore

import (
	"context"
	"io"
	"iter"
	"time"
)

// Bucket is the seam between code that stores objects and the store that holds them: S3 (package
// objstore/s3), a directory (file://) or memory (mem://). Instrumentation, retries and limits are
// added by decorating a Bucket (see [Instrument]), never by changing providers.
//
// All methods are safe for concurrent use. Every method that does I/O takes a context first and
// honours its cancellation and deadline. Keys are validated with [ValidateKey] before any request
// is sent. Errors wrap the sentinels of this package ([ErrNotFound], [ErrInvalidKey], …) together
// with the operation and the key, so errors.Is and the Is* predicates work on any provider.
type Bucket interface {
	// Put stores the whole content of r under key, replacing any object there. size is the
	// length of r in bytes, or -1 when unknown (the provider then streams it, in parts if large).
	// Put returns nil only once the object is stored whole and its checksum verified by the
	// store; on error no partial object is left visible under key. A Put whose outcome is
	// ambiguous (a request sent and its answer lost) is resolved by the provider before it
	// returns: nil if the object under key is now the content sent, else an error matching
	// ErrOutcomeUnknown if it cannot rule out that a request still in the network stores it
	// later (then whole, never in part). opts set the object's
	// content headers and metadata ([WithContentType], [WithMetadata], …) and a condition
	// ([WithIfNotExists], [WithIfMatch]) that the store checks atomically with the write.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts ...PutOption) error

	// Get opens the object for streaming. The caller must Close the reader. A missing object
	// gives an error that matches ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)

	// GetRange opens length bytes of the object starting at off; length < 0 reads to the end.
	GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error)

	// Attributes returns the object's metadata without its content (a HEAD request).
	Attributes(ctx context.Context, key string) (Attributes, error)

	// Exists reports whether an object is stored under key. A missing object is not an error.
	Exists(ctx context.Context, key string) (bool, error)

	// List yields the objects whose keys start with prefix, in lexical key order, fetching
	// pages as it goes. Iteration stops at the first error, which is yielded last. With
	// [WithDelimiter] it yields one level of the hierarchy, directories as entries with IsDir.
	List(ctx context.Context, prefix string, opts ...ListOption) iter.Seq2[ObjectInfo, error]

	// Delete removes the object. Deleting a missing object is not an error (idempotent).
	Delete(ctx context.Context, key string) error

	// Copy stores a copy of the object at src under dst, inside the store (the content does not
	// pass through the caller). With no content header or metadata option the copy keeps
	// src's; with any of them, all of src's are replaced by those given. A condition option
	// applies to dst. A missing src gives an error matching ErrNotFound.
	Copy(ctx context.Context, dst, src string, opts ...PutOption) error

	// DeleteMany removes the objects, like Delete for each key but in as few requests as the
	// store allows (S3: 1,000 keys a request). It returns nil when every key was deleted (or
	// missing), else a [*DeleteManyError] with one error per key that was not; an invalid key
	// fails alone. An empty keys sends nothing.
	DeleteMany(ctx context.Context, keys []string) error

	// Close releases the bucket's resources. Calls after Close return ErrClosed.
	Close() error
}

// Attributes is an object's metadata.
type Attributes struct {
	// Size is the object's length in bytes.
	Size int64
	// ModTime is when the object was last written.
	ModTime time.Time
	// ETag is the store's entity tag, without quotes, when it has one: it changes whenever the
	// object is rewritten, and [WithIfMatch] takes it.
	ETag string
	// ContentType is the object's media type, when known.
	ContentType string
	// Checksum is the store's checksum of the content in the form "ALGORITHM:base64", when known
	// (e.g. "CRC32C:yZRlqg==").
	Checksum string
	// ContentEncoding, CacheControl and ContentDisposition are the content headers stored
	// with the object ([WithContentEncoding], …), when set.
	ContentEncoding, CacheControl, ContentDisposition string
	// Metadata is the user metadata ([WithMetadata]), keys in lower case; nil when none.
	Metadata map[string]string
	// VersionID is the store's version of the object, when the bucket is versioned (S3).
	VersionID string
	// ServerSideEncryption is how the store encrypts the object at rest, when it says (S3:
	// "AES256", "aws:kms", "aws:kms:dsse"); KMSKeyID the KMS key, for aws:kms.
	ServerSideEncryption, KMSKeyID string
}

// ObjectInfo is one entry yielded by [Bucket.List].
type ObjectInfo struct {
	// Key is the object's full key.
	Key string
	// Size is the object's length in bytes.
	Size int64
	// ModTime is when the object was last written.
	ModTime time.Time
	// IsDir marks a directory entry of a listing with [WithDelimiter]: Key is the common
	// prefix, ending with the delimiter; Size and ModTime are zero.
	IsDir bool
}
