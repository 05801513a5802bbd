package objstore

import (
	"context"
	"errors"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Outcome is how an operation ended, as reported by [Instrument] (metric attribute
// objstore.outcome) and [Stats]. The values are a closed set.
type Outcome string

// The outcomes of an operation. Only OutcomeFailure is a failure: a cancelled operation, a
// missing object asked for by Get, GetRange or Attributes, and a conditional write whose
// condition does not hold are expected results (as in thanos
// objstore), recorded but not counted against the success rate and not marked as span errors.
const (
	// OutcomeSuccess: the operation did what was asked (Exists answering false included).
	OutcomeSuccess Outcome = "success"
	// OutcomeNotFound: Get, GetRange or Attributes found no object under the key.
	OutcomeNotFound Outcome = "not_found"
	// OutcomeCanceled: the caller cancelled the context (context.Canceled). A deadline that
	// expires is a failure, not a cancellation.
	OutcomeCanceled Outcome = "canceled"
	// OutcomeFailure: any other error.
	OutcomeFailure Outcome = "failure"
	// OutcomePreconditionFailed: a conditional Put or Copy found the key in another state than
	// asked ([ErrPreconditionFailed]): the answer a conditional write exists to get, not a
	// failure of the store.
	OutcomePreconditionFailed Outcome = "precondition_failed"
)

// Classify returns the outcome of op ending with err (nil: success).
func Classify(op Op, err error) Outcome {
	switch {
	case err == nil:
		return OutcomeSuccess
	case errors.Is(err, context.Canceled):
		return OutcomeCanceled
	case errors.Is(err, ErrNotFound) && (op == OpGet || op == OpGetRange || op == OpAttributes):
		return OutcomeNotFound
	case errors.Is(err, ErrPreconditionFailed) && (op == OpPut || op == OpCopy):
		return OutcomePreconditionFailed
	default:
		return OutcomeFailure
	}
}

// ErrorType returns a short, low-cardinality name for err, used as the error.type attribute:
// the sentinel it wraps ("not_found", "invalid_key", "invalid_range", "integrity", "closed",
// "unknown_scheme", "precondition_failed", "invalid_argument"), "deadline_exceeded", else the code of a service error (any error in the
// chain with an ErrorCode() string method, e.g. "SlowDown" from S3), else what
// semconv.ErrorType gives (an ErrorType() string method, or the Go type name).
func ErrorType(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrInvalidKey):
		return "invalid_key"
	case errors.Is(err, ErrInvalidRange):
		return "invalid_range"
	case errors.Is(err, ErrIntegrity):
		return "integrity"
	case errors.Is(err, ErrClosed):
		return "closed"
	case errors.Is(err, ErrUnknownScheme):
		return "unknown_scheme"
	case errors.Is(err, ErrPreconditionFailed):
		return "precondition_failed"
	case errors.Is(err, ErrInvalidArgument):
		return "invalid_argument"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) {
		if code := coded.ErrorCode(); code != "" {
			return code
		}
	}
	return semconv.ErrorType(err).Value.AsString()
}
