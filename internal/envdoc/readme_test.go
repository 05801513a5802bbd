package envdoc_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/envdoc"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

var update = flag.Bool("update", false, "rewrite README.md's environment tables")

// TestREADMETablesAreCurrent fails when README.md's tables for the library configurations differ
// from what envconfig.Describe says of their types; `go test ./internal/envdoc -update` rewrites them.
func TestREADMETablesAreCurrent(t *testing.T) {
	none := envconfig.WithEnvironment(nil)
	sections := []envdoc.Section{
		{Name: "telemetry", Vars: envconfig.Describe[telemetry.Config](none)},
		{Name: "objstore-s3", Vars: envconfig.Describe[s3.Config](none)},
	}
	if err := envdoc.Check(filepath.Join("..", "..", "README.md"), *update, sections...); err != nil {
		t.Fatal(err)
	}
}
