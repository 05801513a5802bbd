package s3

import (
	"context"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/objstore"
)

// Get opens the object for streaming with GetObject; see [objstore.Bucket.Get]. When the body
// breaks before its end, the reader asks for the rest pinned to the same version (resume.go):
// it returns every byte or an error, never a short read; if the object was replaced meanwhile,
// the error wraps [ErrObjectChanged]. When verification is on (Config.VerifyGet, the default),
// reading a whole object with a full-object checksum to its end verifies it, resumed or not,
// and a mismatch is an error wrapping [objstore.ErrIntegrity].
//
// With Config.GetConcurrency above 1, an object larger than the part size (Config.PartSize) is
// read in ranged parts of that size, up to GetConcurrency at a time, and delivered in order
// (pget.go). The first GetObject is the same as with a single stream, so an object of at most one
// part costs one request; its body serves the first part (then it is closed, with its
// connection, before its end), and every later part is a ranged
// GetObject pinned to the version it described (If-Match on its ETag, and its version ID), resumed
// like the single stream when its body breaks. Parts are buffered, and a part is asked for only
// once the part GetConcurrency places before it has been read, so memory stays near part size ×
// GetConcurrency and a slow reader stops new requests. If the object is replaced meanwhile, the
// read fails wrapping [ErrObjectChanged]; the checksum is verified over the bytes as they are
// returned, in order. Close stops the parts in flight and lets their buffers go.
func (b *Bucket) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := b.check(objstore.OpGet, key); err != nil {
		return nil, err
	}
	in := &s3.GetObjectInput{Bucket: &b.bucket, Key: &key}
	var opts []func(*s3.Options)
	if b.verifyGet {
		in.ChecksumMode = types.ChecksumModeEnabled
		opts = append(opts, withoutSDKValidation) // the reader verifies, over resumed bodies too
	}
	out, err := b.client.GetObject(ctx, in, opts...)
	if err != nil {
		return nil, opError(objstore.OpGet, key, err)
	}
	if size := aws.ToInt64(out.ContentLength); b.getConcurrency > 1 && size > b.partSize &&
		out.ContentRange == nil && aws.ToString(out.ETag) != "" {
		return b.getParallel(ctx, key, out, size, b.getConcurrency, b.verifyGet), nil
	}
	return b.newObjectReader(ctx, objstore.OpGet, key, out, 0, b.verifyGet), nil
}

// GetRange opens part of the object with a ranged GetObject; see [objstore.Bucket.GetRange]. A
// range starting at or beyond the end of the object reads nothing. A broken body is resumed as
// with [Bucket.Get].
func (b *Bucket) GetRange(ctx context.Context, key string, off, length int64) (io.ReadCloser, error) {
	if err := b.check(objstore.OpGetRange, key); err != nil {
		return nil, err
	}
	if err := objstore.ValidateRange(off, length); err != nil {
		return nil, &objstore.OpError{Op: objstore.OpGetRange, Key: key, Err: err}
	}
	if length == 0 {
		// S3 has no empty range; check the object exists so a missing key is still reported.
		if _, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key}); err != nil {
			return nil, opError(objstore.OpGetRange, key, err)
		}
		return io.NopCloser(emptyReader{}), nil
	}
	rng := "bytes=" + strconv.FormatInt(off, 10) + "-"
	if length > 0 {
		rng += strconv.FormatInt(off+length-1, 10)
	}
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.bucket, Key: &key, Range: &rng})
	if err != nil {
		if isInvalidRange(err) {
			return io.NopCloser(emptyReader{}), nil // the range starts at or after the end
		}
		return nil, opError(objstore.OpGetRange, key, err)
	}
	return b.newObjectReader(ctx, objstore.OpGetRange, key, out, off, false), nil
}
