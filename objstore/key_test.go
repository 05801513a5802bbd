package objstore_test

import (
	"strings"
	"testing"

	"github.com/esper-platform/obskit/objstore"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key    string
		reason string // "" when valid
	}{
		{"a", ""},
		{"a/b/c.txt", ""},
		{"a//b", ""}, // S3 allows empty segments; filebucket rejects them itself
		{"dir/", ""},
		{"..a/b..", ""},
		{".hidden", ""},
		{"ünïcødé 日本", ""},
		{strings.Repeat("k", objstore.MaxKeyLen), ""},
		{"", "empty"},
		{strings.Repeat("k", objstore.MaxKeyLen+1), "longer than 1024"},
		{strings.Repeat("é", objstore.MaxKeyLen/2+1), "longer than 1024"}, // counted in bytes
		{"/a", "starts with '/'"},
		{"a\x00", "control"},
		{"a\tb", "control"},
		{"a\x7f", "control"},
		{"a\u009fb", "control"},
		{"a\xc3", "UTF-8"},
		{".", `"." or ".."`},
		{"..", `"." or ".."`},
		{"a/..", `"." or ".."`},
		{"../a", `"." or ".."`},
		{"a/./b", `"." or ".."`},
	}
	for _, tt := range tests {
		err := objstore.ValidateKey(tt.key)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("ValidateKey(%q) = %v, want nil", tt.key, err)
		case tt.reason != "" && !objstore.IsInvalidKey(err):
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey", tt.key, err)
		case tt.reason != "" && !strings.Contains(err.Error(), tt.reason):
			t.Errorf("ValidateKey(%q) = %v, want it to say %q", tt.key, err, tt.reason)
		}
	}
}

func TestValidateKeyDoesNotAllocate(t *testing.T) {
	key := "reports/2026/11/26/report-0001.json"
	if n := testing.AllocsPerRun(100, func() { _ = objstore.ValidateKey(key) }); n != 0 {
		t.Errorf("ValidateKey of a valid key allocates %v times, want 0", n)
	}
}

func TestValidateRange(t *testing.T) {
	for _, tt := range []struct {
		off, length int64
		ok          bool
	}{{0, 0, true}, {0, -1, true}, {10, 5, true}, {1 << 40, -1, true}, {-1, 5, false}} {
		if err := objstore.ValidateRange(tt.off, tt.length); (err == nil) != tt.ok {
			t.Errorf("ValidateRange(%d, %d) = %v, want ok %t", tt.off, tt.length, err, tt.ok)
		}
	}
}
