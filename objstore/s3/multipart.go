package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The transfer manager's failure handling is taken over by putStream, through the client it
// calls (createWatcher):
//
//   - its AbortMultipartUpload is not sent. The transfer manager sends it on a context of its own
//     (context.Background with its FailTimeout), which carries neither the operation's span nor
//     its attempt counter: its SDK spans would be orphan root spans and its attempts uncounted.
//     putStream aborts the upload itself, once, on a context derived from the operation's.
//   - a failed CompleteMultipartUpload is kept for putStream and reported to the transfer manager
//     as done, which would otherwise print it to the process's standard logger (log.Printf)
//     before aborting.

// AbortMultipartUpload sends nothing: the transfer manager returns the upload's ID in its error,
// and putStream aborts it; see above.
func (w *createWatcher) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return &s3.AbortMultipartUploadOutput{}, nil
}

// CompleteMultipartUpload sends the request and keeps its error for putStream; see above.
// With a full-object checksum (ChecksumType FULL_OBJECT) it carries the checksum of every byte
// the transfer manager read, which the server checks against the parts it combines.
func (w *createWatcher) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	if in.ChecksumType == types.ChecksumTypeFullObject {
		v := w.sum.value()
		switch types.ChecksumAlgorithm(w.sum.algo) {
		case types.ChecksumAlgorithmCrc32c:
			in.ChecksumCRC32C = &v
		case types.ChecksumAlgorithmCrc32:
			in.ChecksumCRC32 = &v
		case types.ChecksumAlgorithmCrc64nvme:
			in.ChecksumCRC64NVME = &v
		}
	}
	w.completeIn = in
	ctx, w.complete = watchWrite(ctx)
	out, err := w.S3APIClient.CompleteMultipartUpload(ctx, in, opts...)
	if err != nil {
		w.completeErr = &completeError{err: err, uploadID: aws.ToString(in.UploadId)}
		return &s3.CompleteMultipartUploadOutput{}, nil
	}
	return out, nil
}

// PutObject sends the transfer manager's single request (an object of unknown size below the part
// size), noting ambiguous attempts for putStream.
func (w *createWatcher) PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	ctx, w.put = watchWrite(ctx)
	return w.S3APIClient.PutObject(ctx, in, opts...)
}

// completeError is a failed CompleteMultipartUpload, a transfermanager.MultipartUploadError.
type completeError struct {
	err      error
	uploadID string
}

func (e *completeError) Error() string    { return e.err.Error() }
func (e *completeError) Unwrap() error    { return e.err }
func (e *completeError) UploadID() string { return e.uploadID }
