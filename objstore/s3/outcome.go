package s3

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/objstore"
)

// A write is ambiguous when one of its attempts may have been applied although it failed:
//
//   - unanswered: it was sent and no answer came back (a timeout, a reset or closed connection,
//     the caller's context ending in flight). The request may still be in the network (a proxy
//     holding it) and be applied later;
//   - answered 500, 502 or 504, which a server or proxy may give after the write was applied;
//     once answered, the request is no longer in flight.
//
// Its outcome is resolved before Put returns, by looking at the key (HeadObject with the stored
// checksum, sent again after a pause while the store cannot be reached, for up to
// resolveTimeout):
//
//   - the object under the key has the size and checksum of the content sent: the Put succeeded
//     (one of its attempts stored it), and returns nil;
//   - a multipart upload whose CompleteMultipartUpload was ambiguous and is not stored is
//     aborted, which fences it (a Complete arriving later fails), and looked at once more: the
//     Put then fails for certain, unless the object is found after all;
//   - a single request not found stored fails for certain when every ambiguous attempt was
//     answered (nothing is left in flight);
//   - otherwise (an unanswered single request, which S3 offers no way to fence, or a store that
//     could not be asked) the error wraps [objstore.ErrOutcomeUnknown]: the object is the old one
//     or the whole new one, and a request held by the network may still store it later.
//
// A create-only Put (If-None-Match: *) whose attempt was ambiguous and whose retry is refused
// with 412 is resolved the same way: if the object now under the key is the content sent, an
// earlier attempt of this Put created it, and the Put succeeds. (A writer that stored the same
// bytes in the meantime cannot be told apart; the content under the key is the caller's.)
//
// When the caller's context has ended, Put returns at once without looking (the caller asked
// not to wait), and the error wraps both the context's error and ErrOutcomeUnknown if a request
// was in flight.

// resolveTimeout bounds the HeadObject requests that resolve an ambiguous write (within the
// caller's context).
const resolveTimeout = 10 * time.Second

// writeAttempts is carried by the context of a write request (PutObject,
// CompleteMultipartUpload) and marked by the retryer when one of its attempts may have been
// applied although it failed (retryEvents.GetRetryToken).
type writeAttempts struct {
	answered   atomic.Bool // an attempt answered 500, 502 or 504
	unanswered atomic.Bool // an attempt sent and not answered
}

type writeAttemptsKey struct{}

// watchWrite returns ctx carrying a new writeAttempts.
func watchWrite(ctx context.Context) (context.Context, *writeAttempts) {
	w := &writeAttempts{}
	return context.WithValue(ctx, writeAttemptsKey{}, w), w
}

// noteAttempt notes, in the writeAttempts of ctx, an attempt that failed with err.
func noteAttempt(ctx context.Context, err error) {
	if w, ok := ctx.Value(writeAttemptsKey{}).(*writeAttempts); ok {
		w.note(err)
	}
}

func (w *writeAttempts) note(err error) {
	switch fateOf(err) {
	case answeredMaybeApplied:
		w.answered.Store(true)
	case unanswered:
		w.unanswered.Store(true)
	}
}

// settled reports whether the write, whose last attempt failed with err, failed without any of
// its attempts possibly applied.
func (w *writeAttempts) settled(err error) bool {
	w.note(err)
	return !w.answered.Load() && !w.unanswered.Load()
}

// fate is what a failed attempt says of whether it was applied.
type fate int

const (
	notApplied           fate = iota // refused, or never sent
	answeredMaybeApplied             // answered 500, 502 or 504
	unanswered                       // sent (maybe), no answer: may be applied, now or later
)

// fateOf classifies the request attempt that failed with err.
func fateOf(err error) fate {
	if err == nil {
		return notApplied
	}
	switch s := httpStatus(err); {
	case s == http.StatusInternalServerError || s == http.StatusBadGateway || s == http.StatusGatewayTimeout:
		return answeredMaybeApplied
	case s != 0:
		return notApplied
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return notApplied // never sent
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return notApplied
	}
	return unanswered // a reset, a timeout, a closed connection, a cancelled context
}

// persist calls call until it succeeds, fails with an error for which again is false, or
// timeout has passed (or ctx ended), pausing between calls (250 ms, doubling to 4 s); it
// returns call's last error. Each call still makes the client's own attempts: persist is for
// requests that must outlast an outage longer than their retry budget (the abort of a failed
// upload, the resolution of an ambiguous write).
func persist(ctx context.Context, timeout time.Duration, again func(error) bool, call func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pause := 250 * time.Millisecond
	for {
		err := call(ctx)
		if err == nil || !again(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, 4*time.Second)
	}
}

// maybeTransient reports whether a failed request may succeed if sent again later: no answer,
// or a 5xx or 429 answer.
func maybeTransient(err error) bool {
	s := httpStatus(err)
	return s == 0 || s >= 500 || s == http.StatusTooManyRequests
}

// unreachable reports whether a request failed because the store could not be reached (no
// answer, or a proxy's 502, 503 or 504), rather than answered with an error of its own.
func unreachable(err error) bool {
	switch httpStatus(err) {
	case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// sentSum hashes the content a write sends, to compare it with what the store holds: with the
// bucket's checksum algorithm, or MD5 (compared with a single-part ETag) when requests carry no
// checksum. It is written to in order, once per byte.
type sentSum struct {
	algo string // CRC32C, CRC32, CRC64NVME, SHA256, SHA1 or MD5
	h    hash.Hash
	n    int64
}

func newSentSum(algo types.ChecksumAlgorithm) *sentSum {
	if h := checksumHash(algo); h != nil {
		return &sentSum{algo: string(algo), h: h}
	}
	return &sentSum{algo: "MD5", h: md5.New()}
}

// checksumHash returns a new hash computing the S3 checksum algo; nil for another value ("").
func checksumHash(algo types.ChecksumAlgorithm) hash.Hash {
	switch algo {
	case types.ChecksumAlgorithmCrc32c:
		return crc32.New(crc32.MakeTable(crc32.Castagnoli))
	case types.ChecksumAlgorithmCrc32:
		return crc32.NewIEEE()
	case types.ChecksumAlgorithmCrc64nvme:
		return crc64.New(crc64NVMETable)
	case types.ChecksumAlgorithmSha256:
		return sha256.New()
	case types.ChecksumAlgorithmSha1:
		return sha1.New()
	}
	return nil
}

// crc64NVMETable is the table of CRC64NVME (the reversed NVMe polynomial), as the SDK's.
var crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func (s *sentSum) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	return s.h.Write(p)
}

// fullObject reports whether a multipart upload can carry the whole object's checksum
// (ChecksumType FULL_OBJECT: the CRCs); SHA checksums of multipart uploads are composite.
func fullObject(algo types.ChecksumAlgorithm) bool {
	switch algo {
	case types.ChecksumAlgorithmCrc32c, types.ChecksumAlgorithmCrc32, types.ChecksumAlgorithmCrc64nvme:
		return true
	}
	return false
}

// value is the checksum of the bytes written, base64 as S3 shows it.
func (s *sentSum) value() string { return base64.StdEncoding.EncodeToString(s.h.Sum(nil)) }

// hashingReader passes what it reads to a sentSum.
type hashingReader struct {
	r io.Reader
	s *sentSum
}

func (h hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	_, _ = h.s.Write(p[:n])
	return n, err
}

// sumOf hashes body from offset start to its end.
func sumOf(body io.ReadSeeker, start int64, algo types.ChecksumAlgorithm) (*sentSum, error) {
	if _, err := body.Seek(start, io.SeekStart); err != nil {
		return nil, err
	}
	s := newSentSum(algo)
	_, err := io.Copy(s, body)
	return s, err
}

// expected is what the store shows for a write: size, and checksum or ETag (without quotes).
type expected struct {
	size     int64
	algo     string // as sentSum.algo
	checksum string // base64, with "-N" for a composite multipart checksum; or the hex MD5
}

// expectedSingle is what a single request storing the content s hashed leaves.
func expectedSingle(s *sentSum) expected {
	e := expected{size: s.n, algo: s.algo, checksum: s.value()}
	if s.algo == "MD5" {
		e.checksum = hex.EncodeToString(s.h.Sum(nil))
	}
	return e
}

// expectedMultipart is what completing in leaves: the full-object checksum s hashed, or the
// composite checksum of in's parts (SHA: the hash of the parts' hashes, "-N").
func expectedMultipart(s *sentSum, in *s3.CompleteMultipartUploadInput) (expected, bool) {
	if s.algo == "MD5" {
		return expected{}, false // the ETag of a multipart upload hashes part MD5s nobody sent
	}
	if fullObject(types.ChecksumAlgorithm(s.algo)) {
		return expectedSingle(s), true
	}
	if in.MultipartUpload == nil {
		return expected{}, false
	}
	parts := in.MultipartUpload.Parts
	h := newSentSum(types.ChecksumAlgorithm(s.algo))
	for _, p := range parts {
		v := aws.ToString(p.ChecksumSHA256)
		if s.algo == string(types.ChecksumAlgorithmSha1) {
			v = aws.ToString(p.ChecksumSHA1)
		}
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil || v == "" {
			return expected{}, false
		}
		h.h.Write(raw)
	}
	return expected{size: s.n, algo: s.algo, checksum: h.value() + "-" + strconv.Itoa(len(parts))}, true
}

// holds reports whether the object under key is what e describes, with HeadObject; an error
// when the store could not be asked.
func (b *Bucket) holds(ctx context.Context, key string, e expected) (bool, error) {
	var out *s3.HeadObjectOutput
	// Looked at again while the store cannot be reached (an outage outlasting the write's
	// attempts); a store answering 500 to the HeadObject too is not waited for.
	err := persist(ctx, resolveTimeout, unreachable, func(ctx context.Context) (err error) {
		out, err = b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.bucket, Key: &key, ChecksumMode: types.ChecksumModeEnabled})
		return err
	})
	if err != nil {
		if objstore.IsNotFound(opError(objstore.OpPut, key, err)) {
			return false, nil
		}
		return false, err
	}
	if aws.ToInt64(out.ContentLength) != e.size {
		return false, nil
	}
	var stored string
	switch e.algo {
	case "MD5":
		stored = strings.Trim(aws.ToString(out.ETag), `"`)
	case string(types.ChecksumAlgorithmCrc32c):
		stored = aws.ToString(out.ChecksumCRC32C)
	case string(types.ChecksumAlgorithmCrc32):
		stored = aws.ToString(out.ChecksumCRC32)
	case string(types.ChecksumAlgorithmCrc64nvme):
		stored = aws.ToString(out.ChecksumCRC64NVME)
	case string(types.ChecksumAlgorithmSha256):
		stored = aws.ToString(out.ChecksumSHA256)
	case string(types.ChecksumAlgorithmSha1):
		stored = aws.ToString(out.ChecksumSHA1)
	}
	return stored != "" && stored == e.checksum, nil
}

// resolve settles the outcome of a single-request write that failed with err after attempts
// w (see the top of this file): nil when the object sent is stored, else the error, wrapping
// objstore.ErrOutcomeUnknown when the write was ambiguous. want computes what the store would
// show; it is called only when needed.
func (b *Bucket) resolve(ctx context.Context, key string, po *objstore.PutOptions, w *writeAttempts, err error, want func() (expected, bool)) error {
	if w.settled(err) {
		return condError(objstore.OpPut, key, po, err)
	}
	if ctx.Err() == nil {
		if e, ok := want(); ok {
			stored, herr := b.holds(ctx, key, e)
			switch {
			case herr == nil && stored:
				objstore.RecordResolution(ctx, objstore.ResolvedStored)
				return nil
			case herr == nil && (isPreconditionFailed(err) || !w.unanswered.Load()):
				// Not stored, and it cannot be later: every ambiguous attempt was answered, or
				// another object is under the key and an attempt of this Put arriving later is
				// refused by the same condition.
				objstore.RecordResolution(ctx, objstore.ResolvedNotStored)
				return condError(objstore.OpPut, key, po, err)
			}
		}
	}
	objstore.RecordResolution(ctx, objstore.ResolvedUnknown)
	return unknownOutcome(key, po, err)
}

// isPreconditionFailed reports whether the store refused a write for its condition.
func isPreconditionFailed(err error) bool {
	return errors.Is(sentinelFor(err), objstore.ErrPreconditionFailed)
}

// unknownOutcome is the error of a write whose outcome is unknown.
func unknownOutcome(key string, po *objstore.PutOptions, err error) error {
	err = condError(objstore.OpPut, key, po, err)
	var oe *objstore.OpError
	if errors.As(err, &oe) {
		oe.Err = fmt.Errorf("%w: %w", objstore.ErrOutcomeUnknown, oe.Err)
	}
	return err
}
