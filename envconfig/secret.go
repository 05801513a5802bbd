package envconfig

import (
	"fmt"
	"log/slog"
)

// Redacted is what a [Secret] shows in every printed, logged or marshalled form.
const Redacted = "[REDACTED]"

// Secret holds a sensitive string (a password, a token, an API key) so that it never shows up
// by accident. Every way of printing it yields [Redacted]: String, GoString, each fmt verb
// (%v %+v %#v %s %q %x …), MarshalText, MarshalJSON and slog's LogValue. Only [Secret.Reveal]
// returns the value.
//
// The value sits behind a pointer, so even a Secret held in an unexported struct field (which
// fmt prints without calling its methods) shows an address, never the text.
//
// The zero Secret is empty. Secrets are filled by [Load] from the environment (or from the file
// named by the variable's _FILE twin) through [Secret.UnmarshalText]. A Secret is immutable once
// made and safe for concurrent use.
type Secret struct {
	value *string
}

// NewSecret wraps s as a Secret.
func NewSecret(s string) Secret { return Secret{value: &s} }

// Reveal returns the secret's value. Call it only where the value is handed to what needs it
// (an SDK credential, an HTTP header), never to build a message.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return *s.value
}

// IsSet reports whether the secret holds a non-empty value.
func (s Secret) IsSet() bool { return s.value != nil && *s.value != "" }

// String returns [Redacted].
func (s Secret) String() string { return Redacted }

// GoString returns [Redacted] wrapped as Go syntax, for %#v.
func (s Secret) GoString() string { return `envconfig.Secret("` + Redacted + `")` }

// Format writes [Redacted] for every verb; %q quotes it and %#v uses [Secret.GoString].
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = f.Write([]byte(s.GoString()))
	case verb == 'q':
		_, _ = f.Write([]byte(`"` + Redacted + `"`))
	default:
		_, _ = f.Write([]byte(Redacted))
	}
}

// MarshalText returns [Redacted]: encoders that use encoding.TextMarshaler never see the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// MarshalJSON returns the JSON string "[REDACTED]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// LogValue implements [slog.LogValuer]: a Secret logged through slog shows [Redacted].
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// UnmarshalText sets the secret from text; [Load] uses it to fill Secret fields.
// Note that marshalling a Secret and reading it back yields [Redacted], not the value.
func (s *Secret) UnmarshalText(text []byte) error {
	v := string(text)
	s.value = &v
	return nil
}
