package objstore

import (
	"errors"
	"fmt"
)

// Sentinel errors. Providers wrap them with [OpError]; test with errors.Is or the predicates.
var (
	// ErrNotFound: no object is stored under the key.
	ErrNotFound = errors.New("object not found")
	// ErrInvalidKey: the key is empty, too long, not valid UTF-8, or has a forbidden character.
	ErrInvalidKey = errors.New("invalid object key")
	// ErrIntegrity: the content read or stored does not match its checksum or length.
	ErrIntegrity = errors.New("object integrity check failed")
	// ErrClosed: the bucket was closed.
	ErrClosed = errors.New("bucket closed")
)

// OpError is the error every provider returns: the operation, the key and the cause.
type OpError struct {
	// Op is the operation, one of the Op* constants.
	Op Op
	// Key is the object key (or the prefix, for List).
	Key string
	// Err is the cause; it wraps a sentinel where one applies.
	Err error
}

// Error returns e.g. `objstore get "a/b.txt": object not found`.
func (e *OpError) Error() string { return fmt.Sprintf("objstore %s %q: %v", e.Op, e.Key, e.Err) }

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// IsNotFound reports whether err means that the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Op names an operation; the values are used as span names (objstore.<op>) and metric attributes.
type Op string

// The operations of a [Bucket].
const (
	OpPut        Op = "put"
	OpGet        Op = "get"
	OpGetRange   Op = "get_range"
	OpAttributes Op = "attributes"
	OpExists     Op = "exists"
	OpList       Op = "list"
	OpDelete     Op = "delete"
	OpCopy       Op = "copy"
	OpDeleteMany Op = "delete_many"
)

// Sentinel errors of ranges and URLs; the same rules apply.
var (
	// ErrInvalidRange: the range asked of [Bucket.GetRange] is impossible (a negative offset).
	// A range that starts at or beyond the end of the object is not an error: it reads nothing.
	ErrInvalidRange = errors.New("invalid object range")
	// ErrUnknownScheme: [Open] was given a URL whose scheme no [Opener] is registered for.
	ErrUnknownScheme = errors.New("unknown bucket URL scheme")
)

// IsInvalidKey reports whether err means that a key was rejected by [ValidateKey] (or by a
// provider's own stricter rules) before any request was sent.
func IsInvalidKey(err error) bool { return errors.Is(err, ErrInvalidKey) }

// IsIntegrity reports whether err means that content did not match its checksum or length.
func IsIntegrity(err error) bool { return errors.Is(err, ErrIntegrity) }

// IsClosed reports whether err means that the bucket was closed.
func IsClosed(err error) bool { return errors.Is(err, ErrClosed) }

// Sentinel errors of conditional writes and options; the same rules apply.
var (
	// ErrPreconditionFailed: a conditional write ([WithIfNotExists], [WithIfMatch]) found the
	// key in another state than asked (S3's 412 Precondition Failed, or 409 when a concurrent
	// conditional write won), and stored nothing.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrInvalidArgument: an option of the call cannot be honoured (e.g. metadata that cannot be
	// an HTTP header, two conditions at once); nothing was sent.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrOutcomeUnknown: a write failed in a way that leaves its outcome unknown: a request
	// was sent and no answer came back (a timeout, a reset connection, the caller's context
	// ending while it was in flight), and the provider could not find out afterwards whether
	// the object was stored. The object under the key is either the one before the call or
	// the whole new one, never a part of it, and a request held by the network may still
	// store it later: read the key ([Bucket.Attributes]) to know, or write again.
	ErrOutcomeUnknown = errors.New("outcome unknown: the write may have been applied")
)

// IsOutcomeUnknown reports whether err means that a write may have been applied although it
// failed; see [ErrOutcomeUnknown].
func IsOutcomeUnknown(err error) bool { return errors.Is(err, ErrOutcomeUnknown) }

// IsPreconditionFailed reports whether err means that a conditional write found the key in
// another state than asked (an object already there, or another ETag) and stored nothing.
func IsPreconditionFailed(err error) bool { return errors.Is(err, ErrPreconditionFailed) }

// DeleteManyError is returned by [Bucket.DeleteMany] when some keys were not deleted: one
// [*OpError] per such key, in the order of the keys given. Every key not named was deleted (or
// was already missing).
type DeleteManyError struct {
	// Errors holds one *OpError (operation delete_many, its key, the cause) per failed key.
	Errors []error
}

// Error returns e.g. `objstore delete_many: 2 keys not deleted; first: …`.
func (e *DeleteManyError) Error() string {
	return fmt.Sprintf("objstore delete_many: %d keys not deleted; first: %v", len(e.Errors), e.Errors[0])
}

// Unwrap returns the errors of the failed keys, so errors.Is and errors.As see them.
func (e *DeleteManyError) Unwrap() []error { return e.Errors }

// Failed returns the keys that were not deleted, in order.
func (e *DeleteManyError) Failed() []string {
	keys := make([]string, 0, len(e.Errors))
	for _, err := range e.Errors {
		var oe *OpError
		if errors.As(err, &oe) {
			keys = append(keys, oe.Key)
		}
	}
	return keys
}
