package s3

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/esper-platform/obskit/objstore"
)

// ErrObjectChanged is wrapped by the error of a Get or GetRange whose body broke and could not be
// resumed because the object was replaced (or deleted) since the read began: the bytes already
// read belong to a version that is gone.
var ErrObjectChanged = errors.New("the object changed while it was read")

// objectReader reads the body of a GetObject response. When the body breaks before its end (a
// reset or timed-out connection), it asks for the rest with a ranged GetObject pinned to the
// version it began reading (If-Match on the ETag, and the version ID when the bucket has one),
// so that its reader gets every byte of one version or an error, never a short read. When it
// verifies (a whole object with a full-object checksum), it hashes every byte it returns,
// resumed or not, and compares the result at the end of the object.
type objectReader struct {
	b    *Bucket
	ctx  context.Context
	op   objstore.Op
	key  string
	body io.ReadCloser

	pos, end  int64 // offset of the next byte, and of the end of the bytes asked for
	etag      string
	versionID string

	// idle is how long a Read may wait for a byte before the body counts as broken (stalled);
	// 0: forever. timer closes the body being read (watched) when it expires.
	idle    time.Duration
	timer   *time.Timer
	mu      sync.Mutex // guards watched and stalled
	watched io.ReadCloser
	stalled bool

	broken  error // the error that broke the body, until a resume replaces it
	resumes int   // resumes in a row without a byte received in between
	err     error // sticky: the error or io.EOF already returned

	verify wholeChecksum
}

// newObjectReader returns the reader of out, the response to a GetObject of key from offset
// start. With verify, a full-object checksum in out is checked at the end of the body.
func (b *Bucket) newObjectReader(ctx context.Context, op objstore.Op, key string, out *s3.GetObjectOutput, start int64, verify bool) *objectReader {
	r := &objectReader{b: b, ctx: ctx, op: op, key: key, body: out.Body,
		pos: start, end: -1, etag: aws.ToString(out.ETag), versionID: aws.ToString(out.VersionId)}
	if out.ContentLength != nil {
		r.end = start + *out.ContentLength
	}
	r.idle = b.bodyIdle
	if verify {
		r.verify = fullObjectChecksum(out)
	}
	return r
}

func (r *objectReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for {
		if r.broken != nil {
			if r.end >= 0 && r.pos >= r.end {
				return 0, r.finish() // the body broke after its last byte
			}
			if err := r.resume(); err != nil {
				r.err = err
				return 0, err
			}
		}
		n, err := r.read(p)
		if n > 0 {
			r.pos += int64(n)
			r.resumes = 0
			r.verify.write(p[:n])
		}
		switch {
		case err == nil:
			return n, nil
		case err == io.EOF && (r.end < 0 || r.pos >= r.end):
			return n, r.finish()
		case r.end < 0 || r.etag == "" || !resumable(r.ctx, err):
			r.err = opError(r.op, r.key, err)
			return n, r.err
		}
		// The body broke (an early EOF too): resume at the next Read, or now if nothing came.
		r.broken = err
		if n > 0 {
			return n, nil
		}
	}
}

// finish ends the read at the end of the bytes asked for: io.EOF, or the checksum mismatch.
func (r *objectReader) finish() error {
	r.err = io.EOF
	if err := r.verify.check(r.op, r.key); err != nil {
		r.err = err
	}
	return r.err
}

// read reads the body, closing it if no byte comes for r.idle.
func (r *objectReader) read(p []byte) (int, error) {
	if r.idle <= 0 {
		return r.body.Read(p)
	}
	r.mu.Lock()
	r.watched = r.body
	r.mu.Unlock()
	if r.timer == nil {
		r.timer = time.AfterFunc(r.idle, r.expire)
	} else {
		r.timer.Reset(r.idle)
	}
	n, err := r.body.Read(p)
	r.timer.Stop()
	r.mu.Lock()
	r.watched = nil
	stalled := r.stalled
	r.stalled = false
	r.mu.Unlock()
	if stalled {
		if err == nil {
			// The timer closed the body just after this Read returned: the next Read resumes.
			r.broken = &stallError{idle: r.idle}
		} else {
			err = &stallError{idle: r.idle}
		}
	}
	return n, err
}

// expire closes the body a Read waits on for too long.
func (r *objectReader) expire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.watched != nil {
		r.stalled = true
		_ = r.watched.Close()
	}
}

// stallError is a body that delivered no byte for idle.
type stallError struct{ idle time.Duration }

func (e *stallError) Error() string   { return "no byte of the body received for " + e.idle.String() }
func (e *stallError) Timeout() bool   { return true }
func (e *stallError) Temporary() bool { return true }

// idleTimeout is how long a body read from client may stall before it is resumed: the
// response header timeout of its HTTP transport (OBSKIT_S3_RESPONSE_HEADER_TIMEOUT for a
// client built by New); 0 (never) for an HTTP client of another kind.
func idleTimeout(client *s3.Client) time.Duration {
	if bc, ok := client.Options().HTTPClient.(*awshttp.BuildableClient); ok {
		return bc.GetTransport().ResponseHeaderTimeout
	}
	return 0
}

// resume replaces the broken body with a ranged GetObject of the rest, pinned to the version
// read so far.
func (r *objectReader) resume() error {
	broken := r.broken
	_ = r.body.Close()
	r.body = http.NoBody
	if max := r.b.client.Options().Retryer.MaxAttempts(); r.resumes+1 >= max {
		return opError(r.op, r.key, fmt.Errorf("the body broke %d times in a row at byte %d: %w", r.resumes+1, r.pos, broken))
	}
	r.resumes++
	objstore.RecordRetry(r.ctx)
	objstore.RecordRetryEvent(r.ctx, objstore.Retry{Attempt: r.resumes, ErrorType: retryErrorType(broken)})
	rng := "bytes=" + strconv.FormatInt(r.pos, 10) + "-" + strconv.FormatInt(r.end-1, 10)
	in := &s3.GetObjectInput{Bucket: &r.b.bucket, Key: &r.key, Range: &rng, IfMatch: &r.etag}
	if r.versionID != "" {
		in.VersionId = &r.versionID
	}
	out, err := r.b.client.GetObject(r.ctx, in)
	if err != nil {
		if changed(err) {
			return &objstore.OpError{Op: r.op, Key: r.key, Err: fmt.Errorf(
				"%w: resuming at byte %d of ETag %s: %w", ErrObjectChanged, r.pos, r.etag, err)}
		}
		return opError(r.op, r.key, fmt.Errorf("resuming at byte %d after %w: %w", r.pos, broken, err))
	}
	r.body, r.broken = out.Body, nil
	return nil
}

func (r *objectReader) Close() error {
	if r.timer != nil {
		r.timer.Stop()
	}
	if err := r.body.Close(); err != nil && r.err == nil {
		return opError(r.op, r.key, err)
	}
	return nil
}

// resumable reports whether err broke a body in a way another request may not meet: a reset,
// timed-out or cut connection, while ctx is still live.
func resumable(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return transientNetworkError(err) == aws.TrueTernary || (errors.As(err, &ne) && ne.Timeout())
}

// changed reports whether a resuming GetObject failed because the object is no longer the
// version read so far: If-Match failed (412), or the version or key is gone.
func changed(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "PreconditionFailed", "NoSuchKey", "NoSuchVersion":
			return true
		}
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusPreconditionFailed || re.HTTPStatusCode() == http.StatusNotFound)
}

// wholeChecksum verifies the bytes of a whole object, hashed in order as they are returned, against
// its stored full-object checksum. Its zero value verifies nothing.
type wholeChecksum struct {
	sum       hash.Hash // nil: nothing to verify
	algorithm string
	want      string // the stored checksum, base64
}

// write hashes the next bytes of the object.
func (c *wholeChecksum) write(p []byte) {
	if c.sum != nil {
		c.sum.Write(p)
	}
}

// check compares the hash of every byte written with the stored checksum, once the last was
// written: nil when they match (or there is nothing to verify), else an error of op on key
// wrapping [objstore.ErrIntegrity].
func (c *wholeChecksum) check(op objstore.Op, key string) error {
	if c.sum == nil {
		return nil
	}
	if got := base64.StdEncoding.EncodeToString(c.sum.Sum(nil)); got != c.want {
		return &objstore.OpError{Op: op, Key: key, Err: fmt.Errorf(
			"%w: %s checksum did not match: computed %s, stored %s", objstore.ErrIntegrity, c.algorithm, got, c.want)}
	}
	return nil
}

// fullObjectChecksum returns the verification of the full-object checksum out carries; one that
// verifies nothing when there is none (no checksum, or a composite one: "…-N").
func fullObjectChecksum(out *s3.GetObjectOutput) wholeChecksum {
	for _, c := range []struct {
		algorithm types.ChecksumAlgorithm
		value     *string
	}{
		{types.ChecksumAlgorithmCrc32c, out.ChecksumCRC32C},
		{types.ChecksumAlgorithmCrc32, out.ChecksumCRC32},
		{types.ChecksumAlgorithmCrc64nvme, out.ChecksumCRC64NVME},
		{types.ChecksumAlgorithmSha256, out.ChecksumSHA256},
		{types.ChecksumAlgorithmSha1, out.ChecksumSHA1},
	} {
		if v := aws.ToString(c.value); v != "" {
			if strings.Contains(v, "-") || out.ChecksumType == "COMPOSITE" {
				return wholeChecksum{}
			}
			return wholeChecksum{sum: checksumHash(c.algorithm), algorithm: string(c.algorithm), want: v}
		}
	}
	return wholeChecksum{}
}

// withoutSDKValidation removes the SDK's response checksum validation from one call, for a Get
// that verifies the checksum itself (objectReader), over resumed bodies too.
func withoutSDKValidation(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		_, _ = stack.Deserialize.Remove("AWSChecksum:ValidateOutputPayloadChecksum")
		return nil
	})
}
