package s3

import (
	"context"
	"errors"
	"net"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/esper-platform/obskit/objstore"
)

// retryEvents wraps the client's retryer to report each attempt and retry to the objstore
// instrumentation (objstore.RecordAttempt, objstore.RecordRetry); to record each retry as an
// event on the operation's span (objstore.RecordRetryEvent): the attempt that failed, its
// error.type and HTTP status, and the backoff the retryer chose; and to mark a write ambiguous
// when an attempt that may have been applied failed (outcome.go). An attempt that succeeds
// costs one context lookup.
//
// The SDK's retry loop calls GetRetryToken(ctx, err) and then RetryDelay(attempt, err), on the
// same goroutine, for each attempt it retries; only the first has the context and only the
// second the attempt number and the delay. The error value links the two: it is stored with the
// context by GetRetryToken and taken back by RetryDelay.
type retryEvents struct {
	aws.Retryer
	pending sync.Map // error → context.Context of the attempt that failed with it
}

// GetAttemptToken implements aws.RetryerV2, as the SDK's own wrappers do. The SDK's retry loop
// calls it at the start of every attempt, the first included: each is reported to the
// instrumentation (objstore.RecordAttempt) from here, which costs less than a middleware added
// to every call's stack.
func (r *retryEvents) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	objstore.RecordAttempt(ctx)
	if v2, ok := r.Retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return r.Retryer.GetInitialToken(), nil
}

// GetRetryToken implements aws.Retryer.
func (r *retryEvents) GetRetryToken(ctx context.Context, err error) (func(error) error, error) {
	noteAttempt(ctx, err) // outcome.go
	release, tokenErr := r.Retryer.GetRetryToken(ctx, err)
	if tokenErr == nil {
		objstore.RecordRetry(ctx) // the retry loop sends another attempt after the backoff
		if err != nil && reflect.TypeOf(err).Comparable() {
			r.pending.Store(err, ctx)
		}
	}
	return release, tokenErr
}

// RetryDelay implements aws.Retryer.
func (r *retryEvents) RetryDelay(attempt int, err error) (time.Duration, error) {
	d, delayErr := r.Retryer.RetryDelay(attempt, err)
	if err == nil || !reflect.TypeOf(err).Comparable() {
		return d, delayErr
	}
	if v, ok := r.pending.LoadAndDelete(err); ok && delayErr == nil {
		objstore.RecordRetryEvent(v.(context.Context), objstore.Retry{
			Attempt: attempt, ErrorType: retryErrorType(err), HTTPStatus: httpStatus(err), Backoff: d,
		})
	}
	return d, delayErr
}

// httpStatus returns the status of the response err came with, or 0.
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// retryErrorType is the error.type of a retried attempt: the S3 error code when the server
// answered with one, else the HTTP status, else a class of network error.
func retryErrorType(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		return ae.ErrorCode()
	}
	if s := httpStatus(err); s != 0 {
		return strconv.Itoa(s)
	}
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "connection_reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case errors.Is(err, syscall.EPIPE):
		return "broken_pipe"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return objstore.ErrorType(err)
}
