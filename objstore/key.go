package objstore

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key accepted, in bytes of UTF-8, as in S3.
const MaxKeyLen = 1024

// ValidateKey reports whether key is acceptable to every provider. Each provider calls it before
// sending any request, so a bad key costs nothing and behaves the same on S3, on disk and in
// memory. A key is valid when it:
//
//   - is not empty and is at most [MaxKeyLen] bytes of valid UTF-8;
//   - has no control character (U+0000–U+001F, U+007F–U+009F);
//   - does not start with '/';
//   - has no "." or ".." segment between slashes (so no provider can be led outside its root).
//
// The error wraps [ErrInvalidKey] and says which rule was broken; it does not quote the key
// (providers return it inside an [OpError], which does). Providers may reject more (the file bucket rejects keys that
// cannot be file names), always with an error wrapping ErrInvalidKey.
func ValidateKey(key string) error {
	if reason := keyProblem(key); reason != "" {
		return fmt.Errorf("%w: %s", ErrInvalidKey, reason)
	}
	return nil
}

// keyProblem returns why key is invalid, or "" when it is valid. It does not allocate.
func keyProblem(key string) string {
	switch {
	case key == "":
		return "empty key"
	case len(key) > MaxKeyLen:
		return "longer than 1024 bytes"
	case key[0] == '/':
		return "starts with '/'"
	}
	for i := 0; i < len(key); {
		c := key[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return "contains a control character"
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(key[i:])
		if r == utf8.RuneError && n <= 1 {
			return "not valid UTF-8"
		}
		if r >= 0x80 && r <= 0x9f {
			return "contains a control character"
		}
		i += n
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "." || seg == ".." {
			return `has a "." or ".." segment`
		}
	}
	return ""
}

// ValidateRange reports whether off and length describe a range [Bucket.GetRange] accepts:
// off ≥ 0; any length is valid (negative reads to the end, beyond the end is truncated). The
// error wraps [ErrInvalidRange].
func ValidateRange(off, length int64) error {
	if off < 0 {
		return fmt.Errorf("%w: negative offset %d", ErrInvalidRange, off)
	}
	return nil
}
