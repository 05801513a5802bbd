package exampletest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/esper-platform/obskit/examples/internal/exampletest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestAssertNoSecrets(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(`{"k":"s3cr3t"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		outputs map[string]string
		dirs    []string
		fail    bool
	}{
		{"clean", map[string]string{"stdout": "nothing here"}, nil, false},
		{"in an output", map[string]string{"stdout": "x s3cr3t y"}, nil, true},
		{"in a file", map[string]string{"stdout": "clean"}, []string{dir}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			exampletest.AssertNoSecrets(r, []string{"s3cr3t"}, tc.outputs, tc.dirs...)
			if r.failed != tc.fail {
				t.Errorf("failed = %v, want %v", r.failed, tc.fail)
			}
		})
	}
}
