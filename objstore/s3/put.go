package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/internal/content"
)

// Put stores the content of r under key; see [objstore.Bucket.Put]. Objects smaller than the part
// size go in one PutObject request (from r itself when it can seek, else from a buffer of exactly
// size bytes); larger ones, and those of unknown size (-1), stream through the transfer manager in
// parts of the part size, at most part concurrency at a time, so memory stays near part size ×
// (part concurrency + 1) whatever the object size. A failed multipart upload is aborted. Every
// request carries the configured checksum, which the server verifies before storing; a reader
// holding another number of bytes than size fails with [objstore.ErrIntegrity] and stores nothing.
//
// All bodies handed to the SDK are seekable (r itself, or the transfer manager's part buffers),
// so a failed attempt is retried with the same bytes and the SDK can sign the payload over plain
// http (no need for unsigned payloads or aws-chunked trailers).
func (b *Bucket) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.PutOption) error {
	if err := b.check(objstore.OpPut, key); err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return &objstore.OpError{Op: objstore.OpPut, Key: key, Err: err}
	}
	if r == nil {
		r = emptyReader{}
	}
	if size >= 0 && size < b.partSize {
		body, err := content.Seekable(r, size)
		if err != nil {
			return &objstore.OpError{Op: objstore.OpPut, Key: key, Err: err}
		}
		in := &s3.PutObjectInput{
			Bucket:            &b.bucket,
			Key:               &key,
			Body:              body,
			ContentLength:     &size,
			ChecksumAlgorithm: b.checksum,
		}
		if len(opts) > 0 || b.sse != "" {
			h := b.headers(&po)
			in.ContentType, in.ContentEncoding, in.CacheControl, in.ContentDisposition = h.contentType, h.contentEncoding, h.cacheControl, h.contentDisposition
			in.Metadata, in.IfNoneMatch, in.IfMatch = po.Metadata, h.ifNoneMatch, h.ifMatch
			in.ServerSideEncryption, in.SSEKMSKeyId = b.sse, h.kmsKeyID
		}
		start, err := body.Seek(0, io.SeekCurrent)
		if err != nil {
			return &objstore.OpError{Op: objstore.OpPut, Key: key, Err: err}
		}
		wctx, w := watchWrite(ctx)
		if _, err = b.client.PutObject(wctx, in); err != nil {
			return b.resolve(ctx, key, &po, w, err, func() (expected, bool) {
				s, err := sumOf(body, start, b.checksum)
				return expectedSingle(s), err == nil
			})
		}
		return nil
	}
	return b.putStream(ctx, key, r, size, &po)
}

// headers are the request fields of PutOptions and the bucket's encryption, as the SDK takes
// them (nil for unset).
type headers struct {
	contentType, contentEncoding, cacheControl, contentDisposition *string
	ifNoneMatch, ifMatch, kmsKeyID                                 *string
}

func (b *Bucket) headers(po *objstore.PutOptions) headers {
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	h := headers{
		contentType:        str(po.ContentType),
		contentEncoding:    str(po.ContentEncoding),
		cacheControl:       str(po.CacheControl),
		contentDisposition: str(po.ContentDisposition),
		ifMatch:            str(po.IfMatch),
		kmsKeyID:           str(b.kmsKeyID),
	}
	if po.IfNotExists {
		h.ifNoneMatch = aws.String("*")
	}
	return h
}

// condError is opError for a write with the conditions of po: S3 answers If-Match on a missing
// object with NoSuchKey, which for the caller means that the condition failed.
func condError(op objstore.Op, key string, po *objstore.PutOptions, err error) error {
	err = opError(op, key, err)
	if po.IfMatch != "" && objstore.IsNotFound(err) {
		oe := err.(*objstore.OpError)
		oe.Err = fmt.Errorf("%w: %w", objstore.ErrPreconditionFailed, oe.Err)
	}
	return err
}

// emptyReader is an empty body.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }

// putStream uploads through the transfer manager: one PutObject below the part size, else a
// multipart upload, aborted if it fails. The content is hashed as the transfer manager reads
// it: a multipart upload with a CRC checksum carries the whole object's checksum
// (ChecksumType FULL_OBJECT), which the server checks against its parts and Get verifies; and
// an ambiguous outcome is resolved against it (outcome.go).
func (b *Bucket) putStream(ctx context.Context, key string, r io.Reader, size int64, po *objstore.PutOptions) error {
	h := b.headers(po)
	in := &transfermanager.UploadObjectInput{Bucket: &b.bucket, Key: &key,
		ContentType: h.contentType, ContentEncoding: h.contentEncoding, CacheControl: h.cacheControl,
		ContentDisposition: h.contentDisposition, Metadata: po.Metadata,
		IfNoneMatch: h.ifNoneMatch, IfMatch: h.ifMatch,
		ServerSideEncryption: tmtypes.ServerSideEncryption(b.sse), SSEKMSKeyID: h.kmsKeyID,
	}
	if fullObject(b.checksum) {
		in.ChecksumType = tmtypes.ChecksumTypeFullObject
	}
	sum := newSentSum(b.checksum)
	if size >= 0 {
		in.ContentLength = &size
		in.Body = hashingReader{content.Exact(r, size), sum}
	} else {
		in.Body = hashingReader{r, sum} // hides Seek: the transfer manager would trust it for the size
	}
	began := time.Now()
	watch := &createWatcher{sum: sum}
	_, err := b.tm.UploadObject(ctx, in, func(o *transfermanager.Options) {
		watch.S3APIClient = o.S3
		o.S3 = watch
	})
	if watch.maybeOrphans.Load() {
		b.abortOrphans(ctx, key, began)
	}
	switch {
	case err == nil && watch.completeErr == nil:
		return nil
	case err == nil:
		return b.resolveComplete(ctx, key, po, watch) // see multipart.go
	case watch.put != nil:
		// The transfer manager's single PutObject (an object of unknown size below the part size).
		return b.resolve(ctx, key, po, watch.put, err, func() (expected, bool) { return expectedSingle(sum), true })
	}
	var mpu transfermanager.MultipartUploadError
	if errors.As(err, &mpu) && mpu.UploadID() != "" {
		// The transfer manager's own abort is not sent (multipart.go): abort here, once, under
		// the operation's context (not cancelled, so that it happens after a cancellation too).
		_ = b.abort(ctx, key, mpu.UploadID())
	}
	return condError(objstore.OpPut, key, po, err)
}

// resolveComplete settles a multipart upload whose CompleteMultipartUpload failed: when it was
// ambiguous and the object is not found stored, the upload is aborted (a Complete arriving
// later then fails) and looked at once more; see outcome.go.
func (b *Bucket) resolveComplete(ctx context.Context, key string, po *objstore.PutOptions, watch *createWatcher) error {
	ce := watch.completeErr
	if watch.complete.settled(ce.err) {
		_ = b.abort(ctx, key, ce.uploadID)
		return condError(objstore.OpPut, key, po, ce)
	}
	want, ok := expectedMultipart(watch.sum, watch.completeIn)
	stored := func(ctx context.Context) bool {
		if !ok || ctx.Err() != nil {
			return false
		}
		held, err := b.holds(ctx, key, want)
		return err == nil && held
	}
	if stored(ctx) {
		objstore.RecordResolution(ctx, objstore.ResolvedStored)
		return nil
	}
	if err := b.abort(ctx, key, ce.uploadID); err != nil {
		objstore.RecordResolution(ctx, objstore.ResolvedUnknown)
		return unknownOutcome(key, po, ce)
	}
	if stored(ctx) { // completed after all, before the abort
		objstore.RecordResolution(ctx, objstore.ResolvedStored)
		return nil
	}
	if ctx.Err() != nil || !ok {
		objstore.RecordResolution(ctx, objstore.ResolvedUnknown)
		return unknownOutcome(key, po, ce)
	}
	objstore.RecordResolution(ctx, objstore.ResolvedNotStored)
	return condError(objstore.OpPut, key, po, ce)
}

// abort aborts the multipart upload, on the operation's context but not cancelled with it. An
// upload left open keeps its parts (and their cost) until a lifecycle rule removes it, so the
// abort outlasts the request's retry budget (persist, for up to abortTimeout): a server that is
// down for a few seconds, as when the upload itself failed, still gets it.
func (b *Bucket) abort(ctx context.Context, key, uploadID string) error {
	err := persist(context.WithoutCancel(ctx), abortTimeout, maybeTransient, func(ctx context.Context) error {
		_, err := b.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: &b.bucket, Key: &key, UploadId: &uploadID,
		})
		return err
	})
	if isNoSuchUpload(err) {
		return nil // gone already: completed or aborted
	}
	return err
}

// isNoSuchUpload reports whether S3 answered that the upload is gone (completed or aborted).
func isNoSuchUpload(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchUpload"
}

// createWatcher notes when CreateMultipartUpload needed more than one attempt (or failed): an
// attempt whose response was lost may have created an upload that nobody knows the ID of.
type createWatcher struct {
	transfermanager.S3APIClient
	maybeOrphans atomic.Bool

	sum         *sentSum                         // of the content read by the transfer manager
	put         *writeAttempts                   // of its PutObject, if it sent one
	complete    *writeAttempts                   // of its CompleteMultipartUpload
	completeIn  *s3.CompleteMultipartUploadInput // as sent
	completeErr *completeError                   // see multipart.go
}

func (w *createWatcher) CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	out, err := w.S3APIClient.CreateMultipartUpload(ctx, in, opts...)
	if err != nil {
		w.maybeOrphans.Store(true)
		return out, err
	}
	if r, ok := retry.GetAttemptResults(out.ResultMetadata); ok && len(r.Results) > 1 {
		w.maybeOrphans.Store(true)
	}
	return out, nil
}

// orphanClockSkew widens the window in which abortOrphans looks for uploads, for a server clock
// slightly behind the client's.
const orphanClockSkew = 5 * time.Second

// abortOrphans aborts the multipart uploads of key initiated since the Put began: those created by
// attempts of CreateMultipartUpload whose responses were lost (the Put's own upload is completed
// or already aborted by then). A concurrent Put of the same key by another writer in that window
// would be aborted too and fail (reported, never silent). Without this, such uploads stay until
// the bucket's lifecycle rule (AbortIncompleteMultipartUpload) removes them.
func (b *Bucket) abortOrphans(ctx context.Context, key string, since time.Time) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	since = since.Add(-orphanClockSkew)
	pages := s3.NewListMultipartUploadsPaginator(b.client, &s3.ListMultipartUploadsInput{Bucket: &b.bucket, Prefix: &key})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return
		}
		for _, u := range page.Uploads {
			if aws.ToString(u.Key) == key && !aws.ToTime(u.Initiated).Before(since) {
				b.abort(ctx, key, aws.ToString(u.UploadId))
			}
		}
	}
}
