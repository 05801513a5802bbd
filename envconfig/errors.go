package envconfig

import (
	"errors"
	"strconv"
	"strings"
)

// The kinds of [VarError]; test with errors.Is.
var (
	// ErrNotSet: a required variable is not set.
	ErrNotSet = errors.New("required but not set")
	// ErrEmpty: a variable tagged notEmpty is set to the empty string.
	ErrEmpty = errors.New("set but empty")
	// ErrInvalid: the value cannot be parsed as the field's type, or fails validation.
	ErrInvalid = errors.New("invalid value")
	// ErrFile: the file named by a _FILE variable (or a `file` field) cannot be read.
	ErrFile = errors.New("file cannot be read")
	// ErrConflict: both a secret variable and its _FILE twin are set.
	ErrConflict = errors.New("set twice")
)

// VarError describes one bad variable. Its message names the variable and what was expected,
// never the value that was found. Reach it with errors.As on the error [Load] returns.
type VarError struct {
	// Var is the variable's full name, prefix included (e.g. APP_PORT).
	Var string
	// Field is the Go field path (e.g. "S3.Port"); empty when not known.
	Field string
	// Kind is one of ErrNotSet, ErrEmpty, ErrInvalid, ErrFile, ErrConflict.
	Kind error
	// Expected says what a valid value looks like (for ErrInvalid), or what to do.
	Expected string
}

// Error returns e.g. `APP_PORT: invalid value: want an integer that fits in int`.
func (e *VarError) Error() string {
	var b strings.Builder
	b.WriteString(e.Var)
	b.WriteString(": ")
	b.WriteString(e.Kind.Error())
	if e.Expected != "" {
		b.WriteString(": ")
		b.WriteString(e.Expected)
	}
	return b.String()
}

// Unwrap returns the error's kind, so errors.Is(err, ErrInvalid) works.
func (e *VarError) Unwrap() error { return e.Kind }

// Error is what [Load] returns when the environment does not make a valid configuration: every
// bad variable, each as a [*VarError] (or, for a failed Validate, the validator's error).
// errors.As reaches each of them; errors.Is matches their kinds.
type Error struct {
	// Errors holds one error per problem, in field order.
	Errors []error
}

// Error lists every problem on one line.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("envconfig: ")
	if n := len(e.Errors); n == 1 {
		b.WriteString("1 problem: ")
	} else {
		b.WriteString(strconv.Itoa(n))
		b.WriteString(" problems: ")
	}
	for i, err := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

// Unwrap returns every problem, for errors.Is and errors.As.
func (e *Error) Unwrap() []error { return e.Errors }
