package s3

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/objstore"
)

// maxCopyObjectSize is the largest object one CopyObject request copies; Copy copies larger
// ones with UploadPartCopy.
const maxCopyObjectSize = 5 << 30

// maxDeleteKeys is the most keys one DeleteObjects request takes.
const maxDeleteKeys = 1000

// maxParts is the most parts a multipart upload can have.
const maxParts = 10000

// Copy copies src to dst inside the bucket; see [objstore.Bucket.Copy]. HeadObject measures src
// first. Objects up to 5 GiB go in one CopyObject (MetadataDirective COPY, or REPLACE when opts
// set content headers or metadata); larger ones in a multipart upload whose parts are copied
// with UploadPartCopy, at most OBSKIT_S3_PART_CONCURRENCY at a time, with the source's headers
// and metadata unless opts replace them. A conditional Copy goes multipart whatever the size,
// with the condition on CompleteMultipartUpload: S3-compatible servers such as versitygw
// v1.8.0 ignore conditions on CopyObject but check them there. Every part is copied only if
// src still has the ETag measured. The bucket's encryption (OBSKIT_S3_SSE) applies to dst. A
// failed multipart copy is aborted.
func (b *Bucket) Copy(ctx context.Context, dst, src string, opts ...objstore.PutOption) error {
	if err := b.check(objstore.OpCopy, dst); err != nil {
		return err
	}
	if err := b.check(objstore.OpCopy, src); err != nil {
		return err
	}
	po, err := objstore.NewPutOptions(opts)
	if err != nil {
		return &objstore.OpError{Op: objstore.OpCopy, Key: dst, Err: err}
	}
	head, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &src})
	if err != nil {
		return opError(objstore.OpCopy, src, err)
	}
	size := aws.ToInt64(head.ContentLength)
	if size > b.copyThreshold || po.IfNotExists || po.IfMatch != "" {
		if !po.HasHeaders() {
			po.ContentType, po.ContentEncoding = aws.ToString(head.ContentType), aws.ToString(head.ContentEncoding)
			po.CacheControl, po.ContentDisposition = aws.ToString(head.CacheControl), aws.ToString(head.ContentDisposition)
			po.Metadata = head.Metadata
		}
		return b.copyMultipart(ctx, dst, src, size, aws.ToString(head.ETag), &po)
	}
	h := b.headers(&po)
	in := &s3.CopyObjectInput{
		Bucket:               &b.bucket,
		Key:                  &dst,
		CopySource:           aws.String(b.copySource(src)),
		CopySourceIfMatch:    head.ETag, // the object measured, not one written since
		ChecksumAlgorithm:    b.checksum,
		MetadataDirective:    types.MetadataDirectiveCopy,
		IfNoneMatch:          h.ifNoneMatch,
		IfMatch:              h.ifMatch,
		ServerSideEncryption: b.sse,
		SSEKMSKeyId:          h.kmsKeyID,
	}
	if po.HasHeaders() {
		in.MetadataDirective = types.MetadataDirectiveReplace
		in.ContentType, in.ContentEncoding, in.CacheControl, in.ContentDisposition = h.contentType, h.contentEncoding, h.cacheControl, h.contentDisposition
		in.Metadata = po.Metadata
	}
	if _, err := b.client.CopyObject(ctx, in); err != nil {
		return condError(objstore.OpCopy, dst, &po, err)
	}
	return nil
}

// copySource is the x-amz-copy-source value of key: bucket/key, URL-encoded.
func (b *Bucket) copySource(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
	}
	return b.bucket + "/" + strings.Join(segs, "/")
}

// copyMultipart copies src (size bytes, ETag etag) to dst in parts.
func (b *Bucket) copyMultipart(ctx context.Context, dst, src string, size int64, etag string, po *objstore.PutOptions) error {
	partSize := max(b.partSize, (size+maxParts-1)/maxParts)
	h := b.headers(po)
	created, err := b.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &b.bucket, Key: &dst,
		ContentType: h.contentType, ContentEncoding: h.contentEncoding, CacheControl: h.cacheControl,
		ContentDisposition: h.contentDisposition, Metadata: po.Metadata,
		ServerSideEncryption: b.sse, SSEKMSKeyId: h.kmsKeyID,
	})
	if err != nil {
		return opError(objstore.OpCopy, dst, err)
	}
	uploadID := aws.ToString(created.UploadId)
	n := max(1, int((size+partSize-1)/partSize)) // an empty object is one empty part
	parts := make([]types.CompletedPart, n)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, b.partConcurrency)
	)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := range n {
		sem <- struct{}{}
		if pctx.Err() != nil {
			<-sem
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			first := int64(i) * partSize
			last := min(first+partSize, size) - 1
			num := int32(i + 1)
			in := &s3.UploadPartCopyInput{
				Bucket: &b.bucket, Key: &dst, UploadId: &uploadID, PartNumber: &num,
				CopySource:        aws.String(b.copySource(src)),
				CopySourceIfMatch: &etag,
			}
			if size > 0 {
				in.CopySourceRange = aws.String("bytes=" + strconv.FormatInt(first, 10) + "-" + strconv.FormatInt(last, 10))
			}
			out, err := b.client.UploadPartCopy(pctx, in)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				cancel()
				return
			}
			parts[i] = types.CompletedPart{PartNumber: &num, ETag: out.CopyPartResult.ETag}
		})
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr == nil {
		_, firstErr = b.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: &b.bucket, Key: &dst, UploadId: &uploadID,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
			IfNoneMatch:     h.ifNoneMatch, IfMatch: h.ifMatch,
		})
	}
	if firstErr != nil {
		b.abort(ctx, dst, uploadID)
		return condError(objstore.OpCopy, dst, po, firstErr)
	}
	return nil
}

// DeleteMany deletes the keys with DeleteObjects, up to 1,000 keys a request, one request at a
// time; see [objstore.Bucket.DeleteMany]. Invalid keys fail without being sent; a key S3 reports
// an error for fails with that error (code and message); a request that fails fails all its
// keys.
func (b *Bucket) DeleteMany(ctx context.Context, keys []string) error {
	var errs []error
	fail := func(key string, err error) {
		var oe *objstore.OpError
		if errors.As(err, &oe) {
			err = oe.Err
		}
		errs = append(errs, &objstore.OpError{Op: objstore.OpDeleteMany, Key: key, Err: err})
	}
	batch := make([]types.ObjectIdentifier, 0, min(len(keys), maxDeleteKeys))
	send := func() {
		if len(batch) == 0 {
			return
		}
		out, err := b.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket:            &b.bucket,
			Delete:            &types.Delete{Objects: batch, Quiet: aws.Bool(true)},
			ChecksumAlgorithm: b.checksum,
		})
		if err != nil {
			for _, o := range batch {
				fail(aws.ToString(o.Key), opError(objstore.OpDeleteMany, aws.ToString(o.Key), err))
			}
		} else {
			for _, e := range out.Errors {
				if aws.ToString(e.Code) == "NoSuchKey" {
					continue
				}
				fail(aws.ToString(e.Key), fmt.Errorf("%s: %s", aws.ToString(e.Code), aws.ToString(e.Message)))
			}
		}
		batch = batch[:0]
	}
	for _, key := range keys {
		if err := b.check(objstore.OpDeleteMany, key); err != nil {
			fail(key, err)
			continue
		}
		batch = append(batch, types.ObjectIdentifier{Key: aws.String(key)})
		if len(batch) == maxDeleteKeys {
			send()
		}
	}
	send()
	if len(errs) == 0 {
		return nil
	}
	return &objstore.DeleteManyError{Errors: errs}
}
