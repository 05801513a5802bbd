package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/objstore"
)

// Put implements objstore.Bucket. Objects smaller than the part size are sent with one PutObject
// (from r itself when it can seek, else from a buffer of exactly size bytes); larger objects and
// those of unknown size stream through the transfer manager. Every request carries the
// configured checksum, which the server verifies before storing.
//
// All bodies handed to the SDK are seekable (r itself, or the transfer manager's part buffers),
// so a failed attempt is retried with the same bytes and the SDK can sign the payload over plain
// http (no need for unsigned payloads or aws-chunked trailers).
func (s *store) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := s.check(objstore.OpPut, key); err != nil {
		return err
	}
	if r == nil {
		r = emptyReader{}
	}
	if size >= 0 && size < s.partSize {
		body, err := singleBody(r, size)
		if err != nil {
			return &objstore.OpError{Op: objstore.OpPut, Key: key, Err: err}
		}
		_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:            &s.bucket,
			Key:               &key,
			Body:              body,
			ContentLength:     &size,
			ChecksumAlgorithm: s.checksum,
		})
		if err != nil {
			return opError(objstore.OpPut, key, err)
		}
		return nil
	}
	return s.putStream(ctx, key, r, size)
}

// emptyReader is an empty body.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }

// singleBody returns a seekable reader of exactly size bytes of r. A reader holding a different
// number of bytes is an integrity error, reported before anything is sent.
func singleBody(r io.Reader, size int64) (io.ReadSeeker, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		cur, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := rs.Seek(0, io.SeekEnd)
			if err == nil {
				if _, err := rs.Seek(cur, io.SeekStart); err != nil {
					return nil, fmt.Errorf("seeking the body: %w", err)
				}
				if end-cur != size {
					return nil, fmt.Errorf("%w: the reader holds %d bytes, size says %d", objstore.ErrIntegrity, end-cur, size)
				}
				return rs, nil
			}
		}
		// A Seeker that cannot seek (a pipe behind *os.File): read it like any reader.
	}
	buf := make([]byte, size)
	if n, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the reader ended after %d bytes, size says %d", objstore.ErrIntegrity, n, size)
		}
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	if err := expectEOF(r, size); err != nil {
		return nil, err
	}
	return bytes.NewReader(buf), nil
}

// expectEOF checks that r has nothing left after size bytes.
func expectEOF(r io.Reader, size int64) error {
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return fmt.Errorf("%w: the reader holds more than the %d bytes size says", objstore.ErrIntegrity, size)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the body: %w", err)
		}
	}
}

// putStream uploads through the transfer manager: one PutObject below the part size, else a
// multipart upload, aborted if it fails.
func (s *store) putStream(ctx context.Context, key string, r io.Reader, size int64) error {
	in := &transfermanager.UploadObjectInput{Bucket: &s.bucket, Key: &key}
	if size >= 0 {
		in.ContentLength = &size
		in.Body = &exactReader{r: r, left: size, size: size}
	} else {
		in.Body = onlyReader{r} // hide Seek: the transfer manager would trust it for the size
	}
	began := time.Now()
	var watch *createWatcher
	_, err := s.tm.UploadObject(ctx, in, func(o *transfermanager.Options) {
		watch = &createWatcher{S3APIClient: o.S3}
		o.S3 = watch
	})
	if watch != nil && watch.maybeOrphans.Load() {
		s.abortOrphans(ctx, key, began)
	}
	if err == nil {
		return nil
	}
	var mpu transfermanager.MultipartUploadError
	if errors.As(err, &mpu) && mpu.UploadID() != "" {
		// The transfer manager aborts on failure, but its abort can fail too (the server may be
		// restarting). Try once more on a fresh context; aborting twice is harmless.
		s.abort(ctx, key, mpu.UploadID())
	}
	return opError(objstore.OpPut, key, err)
}

func (s *store) abort(ctx context.Context, key, uploadID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	_, _ = s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: &s.bucket, Key: &key, UploadId: &uploadID,
	})
}

// createWatcher notes when CreateMultipartUpload needed more than one attempt (or failed): an
// attempt whose response was lost may have created an upload that nobody knows the ID of.
type createWatcher struct {
	transfermanager.S3APIClient
	maybeOrphans atomic.Bool
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
func (s *store) abortOrphans(ctx context.Context, key string, since time.Time) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
	defer cancel()
	since = since.Add(-orphanClockSkew)
	pages := s3.NewListMultipartUploadsPaginator(s.client, &s3.ListMultipartUploadsInput{Bucket: &s.bucket, Prefix: &key})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return
		}
		for _, u := range page.Uploads {
			if aws.ToString(u.Key) == key && !aws.ToTime(u.Initiated).Before(since) {
				s.abort(ctx, key, aws.ToString(u.UploadId))
			}
		}
	}
}

// onlyReader hides every method of a reader but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// exactReader yields the size bytes of r and fails with an integrity error if r holds fewer or
// more, so that a short or long reader never completes an upload.
type exactReader struct {
	r          io.Reader
	left, size int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		if err := expectEOF(e.r, e.size); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) {
		if e.left > 0 {
			return n, fmt.Errorf("%w: the reader ended after %d bytes, size says %d", objstore.ErrIntegrity, e.size-e.left, e.size)
		}
		err = nil
	}
	return n, err
}
