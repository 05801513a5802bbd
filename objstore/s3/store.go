package s3

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/objstore"
)

// abortTimeout bounds the clean-up of a failed multipart upload, which runs on a fresh context
// so that it happens even when the caller's context was cancelled.
const abortTimeout = 30 * time.Second

// store is the undecorated objstore.Bucket over one S3 bucket.
type store struct {
	client    *s3.Client
	tm        *transfermanager.Client
	bucket    string
	partSize  int64
	checksum  types.ChecksumAlgorithm
	verifyGet bool
	closed    atomic.Bool
}

func newStore(client *s3.Client, bucket string, partSize int64, partConcurrency int, checksum types.ChecksumAlgorithm, verifyGet bool) *store {
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		// Objects of at least one part size go multipart, so the first read buffers one part
		// and no more.
		o.MultipartUploadThreshold = partSize
		o.Concurrency = partConcurrency
		o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithm(checksum)
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
		o.FailTimeout = abortTimeout
	})
	return &store{client: client, tm: tm, bucket: bucket, partSize: partSize, checksum: checksum, verifyGet: verifyGet}
}

// check validates key and that the bucket is open.
func (s *store) check(op objstore.Op, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return &objstore.OpError{Op: op, Key: key, Err: err}
	}
	if s.closed.Load() {
		return &objstore.OpError{Op: op, Key: key, Err: objstore.ErrClosed}
	}
	return nil
}

// Attributes implements objstore.Bucket with HeadObject.
func (s *store) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	if err := s.check(objstore.OpAttributes, key); err != nil {
		return objstore.Attributes{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       &s.bucket,
		Key:          &key,
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return objstore.Attributes{}, opError(objstore.OpAttributes, key, err)
	}
	return objstore.Attributes{
		Size:        aws.ToInt64(out.ContentLength),
		ModTime:     aws.ToTime(out.LastModified),
		ETag:        strings.Trim(aws.ToString(out.ETag), `"`),
		ContentType: aws.ToString(out.ContentType),
		Checksum:    headChecksum(out),
	}, nil
}

// headChecksum returns the stored checksum as "ALGORITHM:base64", or "".
func headChecksum(out *s3.HeadObjectOutput) string {
	for _, c := range []struct {
		name  string
		value *string
	}{
		{"CRC32C", out.ChecksumCRC32C},
		{"CRC32", out.ChecksumCRC32},
		{"CRC64NVME", out.ChecksumCRC64NVME},
		{"SHA256", out.ChecksumSHA256},
		{"SHA1", out.ChecksumSHA1},
	} {
		if v := aws.ToString(c.value); v != "" {
			return c.name + ":" + v
		}
	}
	return ""
}

// Exists implements objstore.Bucket with HeadObject.
func (s *store) Exists(ctx context.Context, key string) (bool, error) {
	if err := s.check(objstore.OpExists, key); err != nil {
		return false, err
	}
	_, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		err = opError(objstore.OpExists, key, err)
		if objstore.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Delete implements objstore.Bucket with DeleteObject, which S3 answers with success for a
// missing key too.
func (s *store) Delete(ctx context.Context, key string) error {
	if err := s.check(objstore.OpDelete, key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		err = opError(objstore.OpDelete, key, err)
		if objstore.IsNotFound(err) {
			return nil
		}
		return err
	}
	return nil
}

// Close implements objstore.Bucket.
func (s *store) Close() error {
	s.closed.Store(true)
	return nil
}
