package s3

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestFateOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want fate
	}{
		{"nil", nil, notApplied},
		{"503 SlowDown", responseError(503, "SlowDown"), notApplied},
		{"403", responseError(403, "AccessDenied"), notApplied},
		{"412", responseError(412, "PreconditionFailed"), notApplied},
		{"500", responseError(500, "InternalError"), answeredMaybeApplied},
		{"502", responseError(502, ""), answeredMaybeApplied},
		{"504", responseError(504, ""), answeredMaybeApplied},
		{"reset", fmt.Errorf("send: %w", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), unanswered},
		{"EOF", fmt.Errorf("send: %w", io.ErrUnexpectedEOF), unanswered},
		{"deadline", context.DeadlineExceeded, unanswered},
		{"refused", fmt.Errorf("send: %w", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), notApplied},
		{"dial timeout", &net.OpError{Op: "dial", Err: errors.New("i/o timeout")}, notApplied},
	}
	for _, tc := range tests {
		if got := fateOf(tc.err); got != tc.want {
			t.Errorf("%s: fateOf(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

func TestUnreachable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{io.ErrUnexpectedEOF, true},
		{responseError(502, ""), true},
		{responseError(503, "SlowDown"), true},
		{responseError(504, ""), true},
		{responseError(500, "InternalError"), false},
		{responseError(403, "AccessDenied"), false},
	} {
		if got := unreachable(tc.err); got != tc.want {
			t.Errorf("unreachable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestWriteAttemptsSettled(t *testing.T) {
	_, w := watchWrite(context.Background())
	if !w.settled(responseError(503, "SlowDown")) {
		t.Error("a write answered 503 on every attempt is not settled")
	}
	ctx, w := watchWrite(context.Background())
	noteAttempt(ctx, responseError(503, "SlowDown"))
	noteAttempt(ctx, responseError(502, ""))
	if w.settled(responseError(503, "SlowDown")) || w.unanswered.Load() {
		t.Error("a write with an attempt answered 502 is settled, or counted unanswered")
	}
	noteAttempt(ctx, io.ErrUnexpectedEOF)
	if !w.unanswered.Load() {
		t.Error("an attempt whose answer was lost is not noted")
	}
	_, w = watchWrite(context.Background())
	if w.settled(io.ErrUnexpectedEOF) || !w.unanswered.Load() {
		t.Error("a write whose last attempt was not answered is settled")
	}
	noteAttempt(context.Background(), io.ErrUnexpectedEOF) // no writeAttempts: nothing to mark
}

func TestPersist(t *testing.T) {
	calls := 0
	err := persist(context.Background(), 5*time.Second, maybeTransient, func(context.Context) error {
		calls++
		if calls < 3 {
			return responseError(503, "SlowDown")
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("persist = %v after %d calls, want nil after 3", err, calls)
	}
	calls = 0
	err = persist(context.Background(), 5*time.Second, maybeTransient, func(context.Context) error {
		calls++
		return responseError(404, "NoSuchUpload")
	})
	if calls != 1 || !isNoSuchUpload(err) {
		t.Errorf("persist sent a request refused for good %d times (%v), want once", calls, err)
	}
	began := time.Now()
	err = persist(context.Background(), 300*time.Millisecond, maybeTransient, func(context.Context) error { return io.ErrUnexpectedEOF })
	if err == nil || time.Since(began) > 2*time.Second {
		t.Errorf("persist = %v after %v, want the error within its timeout", err, time.Since(began))
	}
}

func TestExpected(t *testing.T) {
	data := []byte("hello, world")
	s := newSentSum(types.ChecksumAlgorithmCrc32c)
	_, _ = s.Write(data)
	crc := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	want := base64.StdEncoding.EncodeToString([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	if e := expectedSingle(s); e.checksum != want || e.size != int64(len(data)) || e.algo != "CRC32C" {
		t.Errorf("expectedSingle = %+v, want CRC32C %s of %d bytes", e, want, len(data))
	}
	if e := expectedSingle(func() *sentSum { m := newSentSum(""); _, _ = m.Write(data); return m }()); e.algo != "MD5" || e.checksum != "e4d7f1b4ed2e42d15898f4b27b019da4" {
		t.Errorf("without a checksum: %+v, want the hex MD5 (a single-part ETag)", e)
	}
	// SHA256 multipart: the composite checksum is the hash of the parts' hashes, "-N".
	sha := newSentSum(types.ChecksumAlgorithmSha256)
	_, _ = sha.Write(data)
	p1, p2 := newSentSum(types.ChecksumAlgorithmSha256), newSentSum(types.ChecksumAlgorithmSha256)
	_, _ = p1.Write(data[:5])
	_, _ = p2.Write(data[5:])
	in := &s3.CompleteMultipartUploadInput{MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
		{PartNumber: aws.Int32(1), ChecksumSHA256: aws.String(p1.value())},
		{PartNumber: aws.Int32(2), ChecksumSHA256: aws.String(p2.value())},
	}}}
	both := newSentSum(types.ChecksumAlgorithmSha256)
	_, _ = both.Write(p1.h.Sum(nil))
	_, _ = both.Write(p2.h.Sum(nil))
	if e, ok := expectedMultipart(sha, in); !ok || e.checksum != both.value()+"-2" {
		t.Errorf("expectedMultipart(SHA256) = %+v, %v; want %s-2", e, ok, both.value())
	}
	if _, ok := expectedMultipart(newSentSum(""), in); ok {
		t.Error("a multipart upload without checksums has an expected value")
	}
}
