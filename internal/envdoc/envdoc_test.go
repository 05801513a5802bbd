package envdoc_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/envdoc"
)

func TestCheckDetectsStaleTable(t *testing.T) {
	type cfg struct {
		A string `env:"A" desc:"first"`
	}
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("x\n<!-- env:s -->\n| old |\n<!-- /env:s -->\ny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sec := envdoc.Section{Name: "s", Vars: envconfig.Describe[cfg](envconfig.WithEnvironment(nil))}
	if err := envdoc.Check(path, false, sec); !errors.Is(err, envdoc.ErrStale) {
		t.Fatalf("err = %v, want ErrStale", err)
	}
	if err := envdoc.Check(path, true, sec); err != nil {
		t.Fatal(err)
	}
	if err := envdoc.Check(path, false, sec); err != nil {
		t.Fatalf("after update: %v", err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "| `A` | string |  |  | first |") || !strings.HasSuffix(string(b), "<!-- /env:s -->\ny\n") {
		t.Errorf("rewritten README:\n%s", b)
	}
	if _, err := envdoc.Render("no markers", sec); err == nil {
		t.Error("missing markers should be an error")
	}
}
