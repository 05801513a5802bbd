package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
func (w *createWatcher) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, opts ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	out, err := w.S3APIClient.CompleteMultipartUpload(ctx, in, opts...)
	if err != nil {
		w.completeErr = &completeError{err: err, uploadID: aws.ToString(in.UploadId)}
		return &s3.CompleteMultipartUploadOutput{}, nil
	}
	return out, nil
}

// completeError is a failed CompleteMultipartUpload, a transfermanager.MultipartUploadError.
type completeError struct {
	err      error
	uploadID string
}

func (e *completeError) Error() string    { return e.err.Error() }
func (e *completeError) Unwrap() error    { return e.err }
func (e *completeError) UploadID() string { return e.uploadID }
