package objstore_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
)

// FuzzValidateKey checks ValidateKey against an independent statement of its rules, and that a
// bucket treats keys as ValidateKey says: a valid key stores and reads back, an invalid one is
// rejected with ErrInvalidKey. Its error never quotes the key. Seeds are in
// testdata/fuzz/FuzzValidateKey.
func FuzzValidateKey(f *testing.F) {
	for _, seed := range []string{"a", "reports/2026/11.csv", "a/./b", "../x", "/abs", "a\x00b", "é/ü", "\xff", "a\u0085b", "..a/b..", strings.Repeat("k", 1024)} {
		f.Add(seed)
	}
	b := membucket.New()
	f.Fuzz(func(t *testing.T, key string) {
		err := objstore.ValidateKey(key)
		want := keyRulesHold(key)
		if (err == nil) != want {
			t.Fatalf("ValidateKey(%q) = %v, but the rules say valid=%v", key, err, want)
		}
		ctx := context.Background()
		putErr := b.Put(ctx, key, strings.NewReader("v"), 1)
		if err != nil {
			if !objstore.IsInvalidKey(err) {
				t.Fatalf("ValidateKey(%q) = %v, which does not wrap ErrInvalidKey", key, err)
			}
			if len(key) >= 4 && strings.Contains(err.Error(), key) {
				t.Fatalf("ValidateKey's error quotes the key: %v", err)
			}
			if !objstore.IsInvalidKey(putErr) {
				t.Fatalf("Put(%q) = %v, want ErrInvalidKey", key, putErr)
			}
			return
		}
		if putErr != nil {
			t.Fatalf("Put of the valid key %q: %v", key, putErr)
		}
		rc, gerr := b.Get(ctx, key)
		if gerr != nil {
			t.Fatalf("Get(%q) after Put: %v", key, gerr)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, []byte("v")) {
			t.Fatalf("Get(%q) = %q, want %q", key, got, "v")
		}
		if err := b.Delete(ctx, key); err != nil {
			t.Fatalf("Delete(%q): %v", key, err)
		}
	})
}

// keyRulesHold states the rules of ValidateKey's documentation, written apart from it.
func keyRulesHold(key string) bool {
	if key == "" || len(key) > objstore.MaxKeyLen || !utf8.ValidString(key) || strings.HasPrefix(key, "/") {
		return false
	}
	for _, r := range key {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return false
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
