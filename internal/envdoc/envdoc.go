package envdoc

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/esper-platform/obskit/envconfig"
)

// Section is one generated table: its marker name and its variables.
type Section struct {
	// Name is the marker name: the table sits between <!-- env:Name --> and <!-- /env:Name -->.
	Name string
	// Vars are the variables to list, usually envconfig.Describe[T](envconfig.WithEnvironment(nil)).
	Vars []envconfig.Variable
}

// Render returns text with every section's table replaced by a freshly generated one. A missing
// marker is an error naming it.
func Render(text string, sections ...Section) (string, error) {
	for _, s := range sections {
		begin, end := "<!-- env:"+s.Name+" -->", "<!-- /env:"+s.Name+" -->"
		i := strings.Index(text, begin)
		j := strings.Index(text, end)
		if i < 0 || j < i {
			return "", fmt.Errorf("envdoc: markers %s … %s not found in order", begin, end)
		}
		text = text[:i+len(begin)] + "\n" + envconfig.Markdown(s.Vars) + text[j:]
	}
	return text, nil
}

// ErrStale is returned by [Check] when a table does not match its configuration type.
var ErrStale = errors.New("envdoc: README environment table is stale; run: go test ./internal/envdoc -update")

// Check compares the README at path with freshly generated sections. With update set, it
// rewrites the file instead of failing.
func Check(path string, update bool, sections ...Section) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	want, err := Render(string(b), sections...)
	if err != nil {
		return err
	}
	if want == string(b) {
		return nil
	}
	if update {
		return os.WriteFile(path, []byte(want), 0o644)
	}
	return ErrStale
}
