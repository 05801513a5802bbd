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

// Bucket is an [objstore.Bucket] stored in one S3 bucket: the provider itself, with no
// instrumentation of its own. [New] and [NewFromClient] return it decorated by
// objstore.Instrument (unless [WithInstrumentation](false)); objstore.As reaches it, or its
// client, through the decorator. Its methods are safe for concurrent use and follow the contract
// of objstore.Bucket: keys are validated before any request is sent, and errors are
// [*objstore.OpError] values wrapping the objstore sentinels.
type Bucket struct {
	client    *s3.Client
	tm        *transfermanager.Client
	bucket    string
	partSize  int64
	checksum  types.ChecksumAlgorithm
	verifyGet bool
	sse       types.ServerSideEncryption
	kmsKeyID  string
	// copyThreshold is the size above which Copy goes multipart (UploadPartCopy), in parts of
	// at least the part size, partConcurrency at a time.
	copyThreshold   int64
	partConcurrency int
	getConcurrency  int           // ranged parts of one Get in flight (pget.go); 1: one stream
	bodyIdle        time.Duration // how long a Get's body may stall before it is resumed
	closed          atomic.Bool
	closeIdle       func() // closes the idle connections of a client built by New; nil otherwise
}

var _ objstore.Bucket = (*Bucket)(nil)

// newBucket returns the bucket cfg names over client, decorated by objstore.Instrument unless
// instrumentation is off. cfg is valid.
func newBucket(client *s3.Client, cfg Config, o options, closeIdle func()) objstore.Bucket {
	checksum := types.ChecksumAlgorithm(strings.ToUpper(cfg.Checksum))
	if cfg.ChecksumWhen == ChecksumWhenRequired {
		checksum, cfg.VerifyGet = "", false
	}
	tm := transfermanager.New(client, func(to *transfermanager.Options) {
		to.PartSizeBytes = cfg.PartSize
		// Objects of at least one part size go multipart, so the first read buffers one part
		// and no more.
		to.MultipartUploadThreshold = cfg.PartSize
		to.Concurrency = cfg.PartConcurrency
		to.ChecksumAlgorithm = tmtypes.ChecksumAlgorithm(checksum)
		to.RequestChecksumCalculation = cfg.checksumCalculation()
		to.FailTimeout = abortTimeout
	})
	b := &Bucket{client: client, tm: tm, bucket: cfg.Bucket, partSize: cfg.PartSize,
		checksum: checksum, verifyGet: cfg.VerifyGet, closeIdle: closeIdle,
		sse: types.ServerSideEncryption(cfg.SSE), kmsKeyID: cfg.SSEKMSKeyID,
		copyThreshold: maxCopyObjectSize, partConcurrency: cfg.PartConcurrency,
		getConcurrency: cfg.GetConcurrency}
	b.bodyIdle = idleTimeout(client)
	if !o.instrument {
		return b
	}
	return objstore.Instrument(b,
		objstore.WithTracerProvider(o.tracerProvider),
		objstore.WithMeterProvider(o.meterProvider),
		objstore.WithBucketName(cfg.Bucket),
		objstore.WithStats(o.stats),
	)
}

// Name returns the name of the S3 bucket.
func (b *Bucket) Name() string { return b.bucket }

// As reaches the SDK types behind the bucket, for objstore.As: a target of type **s3.Client
// receives the client that sends the requests, one of type **Bucket the bucket itself. It
// reports whether target was set.
func (b *Bucket) As(target any) bool {
	switch t := target.(type) {
	case **s3.Client:
		*t = b.client
		return true
	case **Bucket:
		*t = b
		return true
	}
	return false
}

// Close marks the bucket closed (later calls return [objstore.ErrClosed]) and, for a client built
// by [New], closes its idle connections. Operations in flight finish. Close is idempotent.
func (b *Bucket) Close() error {
	b.closed.Store(true)
	if b.closeIdle != nil {
		b.closeIdle()
	}
	return nil
}

// Attributes returns the object's metadata with HeadObject, its stored checksum included; see
// [objstore.Bucket.Attributes].
func (b *Bucket) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	if err := b.check(objstore.OpAttributes, key); err != nil {
		return objstore.Attributes{}, err
	}
	out, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       &b.bucket,
		Key:          &key,
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return objstore.Attributes{}, opError(objstore.OpAttributes, key, err)
	}
	var md map[string]string
	if len(out.Metadata) > 0 {
		md = make(map[string]string, len(out.Metadata))
		for k, v := range out.Metadata {
			md[strings.ToLower(k)] = v
		}
	}
	return objstore.Attributes{
		Size:                 aws.ToInt64(out.ContentLength),
		ModTime:              aws.ToTime(out.LastModified),
		ETag:                 strings.Trim(aws.ToString(out.ETag), `"`),
		ContentType:          aws.ToString(out.ContentType),
		Checksum:             headChecksum(out),
		ContentEncoding:      aws.ToString(out.ContentEncoding),
		CacheControl:         aws.ToString(out.CacheControl),
		ContentDisposition:   aws.ToString(out.ContentDisposition),
		Metadata:             md,
		VersionID:            aws.ToString(out.VersionId),
		ServerSideEncryption: string(out.ServerSideEncryption),
		KMSKeyID:             aws.ToString(out.SSEKMSKeyId),
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

// Exists reports whether the object exists, with HeadObject; see [objstore.Bucket.Exists].
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	if err := b.check(objstore.OpExists, key); err != nil {
		return false, err
	}
	_, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		err = opError(objstore.OpExists, key, err)
		if objstore.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Delete removes the object with DeleteObject, which S3 answers with success for a missing key
// too; see [objstore.Bucket.Delete].
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := b.check(objstore.OpDelete, key); err != nil {
		return err
	}
	_, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.bucket, Key: &key})
	if err != nil {
		err = opError(objstore.OpDelete, key, err)
		if objstore.IsNotFound(err) {
			return nil
		}
		return err
	}
	return nil
}

// check validates key and that the bucket is open.
func (b *Bucket) check(op objstore.Op, key string) error {
	if err := objstore.ValidateKey(key); err != nil {
		return &objstore.OpError{Op: op, Key: key, Err: err}
	}
	if b.closed.Load() {
		return &objstore.OpError{Op: op, Key: key, Err: objstore.ErrClosed}
	}
	return nil
}
