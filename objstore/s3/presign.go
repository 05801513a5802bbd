package s3

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/objstore"
)

// MaxPresignExpiry is the longest validity of a presigned URL that S3 accepts (SigV4: 7 days).
const MaxPresignExpiry = 7 * 24 * time.Hour

// PresignGet returns a URL that lets whoever holds it read the object with a plain HTTP GET
// until expires has passed (at most [MaxPresignExpiry]). It sends no request, so it succeeds
// for a missing key too. The URL carries a signature of the bucket's credentials: it is returned
// to the caller only, and never recorded in a span, a metric, a log record or an error. Reach it
// through the decorator with objstore.As:
//
//	var sb *s3.Bucket
//	if objstore.As(bucket, &sb) {
//		url, err := sb.PresignGet(ctx, "reports/2026-11.csv", 15*time.Minute)
//	}
func (b *Bucket) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	if err := b.presignCheck(objstore.OpGet, key, expires); err != nil {
		return "", err
	}
	req, err := s3.NewPresignClient(b.client).PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: &b.bucket, Key: &key}, s3.WithPresignExpires(expires))
	if err != nil {
		return "", presignError(objstore.OpGet, key, err)
	}
	return req.URL, nil
}

// PresignPut returns a URL that lets whoever holds it store the object with a plain HTTP PUT
// until expires has passed, like [Bucket.PresignGet]. The content headers and the condition of
// opts are signed into the URL: the PUT must send the same Content-Type, Content-Encoding,
// Cache-Control, Content-Disposition, x-amz-meta-* and If-None-Match / If-Match headers. The
// bucket's encryption (OBSKIT_S3_SSE) is signed too, and the upload must send its headers.
func (b *Bucket) PresignPut(ctx context.Context, key string, expires time.Duration, opts ...objstore.PutOption) (string, error) {
	if err := b.presignCheck(objstore.OpPut, key, expires); err != nil {
		return "", err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return "", &objstore.OpError{Op: objstore.OpPut, Key: key, Err: err}
	}
	h := b.headers(&po)
	req, err := s3.NewPresignClient(b.client).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: &b.bucket, Key: &key,
		ContentType: h.contentType, ContentEncoding: h.contentEncoding, CacheControl: h.cacheControl,
		ContentDisposition: h.contentDisposition, Metadata: po.Metadata,
		IfNoneMatch: h.ifNoneMatch, IfMatch: h.ifMatch,
		ServerSideEncryption: b.sse, SSEKMSKeyId: h.kmsKeyID,
	}, s3.WithPresignExpires(expires))
	if err != nil {
		return "", presignError(objstore.OpPut, key, err)
	}
	return req.URL, nil
}

func (b *Bucket) presignCheck(op objstore.Op, key string, expires time.Duration) error {
	if err := b.check(op, key); err != nil {
		return err
	}
	if expires <= 0 || expires > MaxPresignExpiry {
		return &objstore.OpError{Op: op, Key: key, Err: fmt.Errorf("%w: presigned URL expiry must be in (0, 7 days]", objstore.ErrInvalidArgument)}
	}
	return nil
}

// presignError reports that presigning failed; the SDK's error is summarized by its type only,
// so that no part of a URL being signed reaches the error.
func presignError(op objstore.Op, key string, err error) error {
	return &objstore.OpError{Op: op, Key: key, Err: fmt.Errorf("presigning failed (%T)", err)}
}
