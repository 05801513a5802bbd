package s3

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/esper-platform/obskit/objstore"
)

// Error codes of S3 that map to objstore sentinels.
var (
	notFoundCodes  = []string{"NoSuchKey", "NotFound"}
	integrityCodes = []string{"BadDigest", "InvalidDigest", "XAmzContentChecksumMismatch",
		"XAmzContentSHA256Mismatch", "InvalidChecksum", "IncompleteBody"}
)

// opError wraps an SDK error in an *objstore.OpError, adding the objstore sentinel it means:
// ErrNotFound for a missing key (NoSuchKey, or 404 on HEAD), ErrIntegrity for a checksum or
// length the server or the SDK rejected. The SDK's error stays in the chain for errors.As (e.g.
// to smithy.APIError); its message names the operation, status, error code and request ID, never
// credentials or signatures (requests are signed in headers, not presigned URLs).
func opError(op objstore.Op, key string, err error) error {
	if sentinel := sentinelFor(err); sentinel != nil {
		err = fmt.Errorf("%w: %w", sentinel, err)
	}
	return &objstore.OpError{Op: op, Key: key, Err: err}
}

func sentinelFor(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case slices.Contains(notFoundCodes, code):
			return objstore.ErrNotFound
		case slices.Contains(integrityCodes, code):
			return objstore.ErrIntegrity
		case code == "PreconditionFailed" || code == "ConditionalRequestConflict":
			return objstore.ErrPreconditionFailed
		case code == "NoSuchBucket":
			return nil // a configuration problem, not a missing object
		}
	}
	// A 404 means a missing object only when the server gave no error code (a HEAD response has
	// no body): a coded 404 that is not NoSuchKey (NoSuchBucket, or versitygw's
	// XAdminUserNotFound for an unknown access key) is another problem.
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound && (ae == nil || ae.ErrorCode() == "") {
		return objstore.ErrNotFound
	}
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed {
		return objstore.ErrPreconditionFailed
	}
	if strings.Contains(err.Error(), "checksum did not match") {
		// The SDK's response checksum validation (its error type is internal).
		return objstore.ErrIntegrity
	}
	return nil
}

// isInvalidRange reports whether S3 answered 416: the range starts at or after the end.
func isInvalidRange(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "InvalidRange" {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusRequestedRangeNotSatisfiable
}
