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
	// Var is the variable's full name, prefix included (e.g. APP_PORT); for a key of the
	// configuration file, the variable it names (empty when it names none).
	Var string
	// Field is the Go field path (e.g. "S3.Port"); empty when not known.
	Field string
	// Kind is one of ErrNotSet, ErrEmpty, ErrInvalid, ErrFile, ErrConflict, ErrUnknownKey.
	Kind error
	// Expected says what a valid value looks like (for ErrInvalid), or what to do.
	Expected string
	// File is the configuration file (as given to [WithFile]) when the problem is in it: a
	// value it sets (and the environment does not override), a key, or the file's syntax.
	File string
	// Line is the line of File where the key is, or the syntax error found; 0 when unknown.
	Line int
	// Key is the key path in File as written (e.g. "training.lr"); empty for a problem with
	// the whole file.
	Key string
}

// Error returns e.g. `APP_PORT: invalid value: want an integer that fits in int`, or for a
// value read from the configuration file `config.yaml:12: training.lr: want a number` (the
// kind is left out when Expected already says what is wanted).
func (e *VarError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
		if e.Key != "" {
			b.WriteString(e.Key)
			b.WriteString(": ")
		}
		if e.Kind != ErrInvalid || e.Expected == "" {
			b.WriteString(e.Kind.Error())
			if e.Expected != "" {
				b.WriteString(": ")
			}
		}
		b.WriteString(e.Expected)
		return b.String()
	}
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

// Error is what [Load] and [Join] return: every problem of a configuration, each as a
// [*VarError] (or as the error a [Validator] gave), in one flat list. errors.As reaches each of
// them; errors.Is matches their kinds.
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

// Join returns errs as one flat [*Error], or nil when every error in errs is nil. An [*Error],
// or an error made by errors.Join, is replaced by the errors it holds, at any depth; an error
// that adds words of its own to several others (fmt.Errorf with two %w) is kept whole. An
// error whose message repeats an earlier one is dropped, so a problem found twice (a shared
// setting checked once per signal) is reported once. The order of errs is kept.
func Join(errs ...error) error {
	var out []error
	for _, err := range errs {
		out = appendFlat(out, err)
	}
	if len(out) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(out))
	kept := out[:0]
	for _, err := range out {
		if msg := err.Error(); !seen[msg] {
			seen[msg] = true
			kept = append(kept, err)
		}
	}
	return &Error{Errors: kept}
}

// appendFlat appends err to out, or the errors it holds when it only groups them.
func appendFlat(out []error, err error) []error {
	if err == nil {
		return out
	}
	if parts, ok := groupedErrors(err); ok {
		for _, e := range parts {
			out = appendFlat(out, e)
		}
		return out
	}
	return append(out, err)
}

// groupedErrors returns the errors that err groups without adding words of its own: the parts
// of an [*Error], or of an error whose message is its parts' messages joined by newlines, as
// errors.Join makes them.
func groupedErrors(err error) ([]error, bool) {
	if e, ok := err.(*Error); ok {
		return e.Errors, true
	}
	m, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return nil, false
	}
	parts := m.Unwrap()
	var b strings.Builder
	for _, e := range parts {
		if e == nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return parts, b.String() == err.Error()
}
