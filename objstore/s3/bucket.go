package s3

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/objstore"
)

// Bucket is an [objstore.Bucket] stored in one S3 bucket. Its methods are safe for concurrent
// use and follow the contract of objstore.Bucket: keys are validated before any request is sent,
// and errors are [*objstore.OpError] values wrapping the objstore sentinels.
type Bucket struct {
	ops       objstore.Bucket // the store, decorated by objstore.Instrument unless turned off
	store     *store
	closeIdle func() // closes the idle connections of a client built by New; nil otherwise
}

var _ objstore.Bucket = (*Bucket)(nil)

// NewFromClient returns a Bucket over the named bucket that sends its requests through client,
// for callers who build their own *s3.Client. The client is used as configured (region, endpoint,
// credentials, retryer, HTTP client); NewFromClient derives from it a client that also records
// the SDK's spans and reports attempts to the instrumentation. Prefer [New], whose retry and
// connection settings are sized for concurrency.
func NewFromClient(client *s3.Client, bucket string, opts ...Option) (*Bucket, error) {
	if client == nil {
		return nil, fmt.Errorf("objstore/s3: NewFromClient: nil client")
	}
	if bucket == "" {
		return nil, fmt.Errorf("objstore/s3: NewFromClient: empty bucket name")
	}
	o := newOptions(opts)
	if o.partSize == 0 {
		o.partSize = 8 << 20
	}
	if o.partConcurrency == 0 {
		o.partConcurrency = 5
	}
	if o.checksum == "" {
		o.checksum = "CRC32C"
	}
	if o.verifyGet == nil {
		v := true
		o.verifyGet = &v
	}
	derived := s3.New(client.Options(), func(so *s3.Options) { instrumentClient(so, o) })
	return newBucket(derived, bucket, o)
}

func newBucket(client *s3.Client, bucket string, o options) (*Bucket, error) {
	if o.partSize < MinPartSize {
		return nil, fmt.Errorf("objstore/s3: part size %d below the minimum of %d bytes", o.partSize, MinPartSize)
	}
	if o.partConcurrency < 1 {
		return nil, fmt.Errorf("objstore/s3: part concurrency %d, want at least 1", o.partConcurrency)
	}
	if !validChecksum(o.checksum) {
		return nil, fmt.Errorf("objstore/s3: checksum algorithm not one of %s", strings.Join(checksums, ", "))
	}
	st := newStore(client, bucket, o.partSize, o.partConcurrency,
		types.ChecksumAlgorithm(strings.ToUpper(o.checksum)), *o.verifyGet)
	b := &Bucket{ops: st, store: st}
	if o.instrument {
		b.ops = objstore.Instrument(st,
			objstore.WithTracerProvider(o.tracerProvider),
			objstore.WithMeterProvider(o.meterProvider),
			objstore.WithBucketName(bucket),
			objstore.WithStats(o.stats),
		)
	}
	return b, nil
}

// Name returns the name of the S3 bucket.
func (b *Bucket) Name() string { return b.store.bucket }

// As reaches the SDK types behind the bucket: target of type **s3.Client receives the client
// that sends the requests. It reports whether target was set.
func (b *Bucket) As(target any) bool {
	switch t := target.(type) {
	case **s3.Client:
		*t = b.store.client
		return true
	}
	return false
}

// Put stores the content of r under key; see [objstore.Bucket.Put]. Objects smaller than the part
// size go in one PutObject request; larger ones, and those of unknown size (-1), stream through
// the transfer manager in parts of the part size, at most part concurrency at a time, so memory
// stays near part size × (part concurrency + 1) whatever the object size. A failed multipart
// upload is aborted. Every request carries a checksum of its content that the server verifies.
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	return b.ops.Put(ctx, key, r, size)
}

// Get opens the object for streaming; see [objstore.Bucket.Get]. When verification is on (the
// default), reading a whole object with a full-object checksum to its end verifies it, and a
// mismatch is an error wrapping [objstore.ErrIntegrity].
func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return b.ops.Get(ctx, key)
}

// GetRange opens part of the object; see [objstore.Bucket.GetRange].
func (b *Bucket) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	return b.ops.GetRange(ctx, key, off, length)
}

// Attributes returns the object's metadata (HeadObject); see [objstore.Bucket.Attributes].
func (b *Bucket) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	return b.ops.Attributes(ctx, key)
}

// Exists reports whether the object exists (HeadObject); see [objstore.Bucket.Exists].
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	return b.ops.Exists(ctx, key)
}

// List yields the objects under prefix (ListObjectsV2, page by page); see [objstore.Bucket.List].
func (b *Bucket) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return b.ops.List(ctx, prefix)
}

// Delete removes the object; see [objstore.Bucket.Delete].
func (b *Bucket) Delete(ctx context.Context, key string) error {
	return b.ops.Delete(ctx, key)
}

// Close marks the bucket closed (later calls return [objstore.ErrClosed]) and, for a client built
// by [New], closes its idle connections. Operations in flight finish. Close is idempotent.
func (b *Bucket) Close() error {
	err := b.ops.Close()
	if b.closeIdle != nil {
		b.closeIdle()
	}
	return err
}
