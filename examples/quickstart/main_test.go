package main

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/envdoc"
)

var update = flag.Bool("update", false, "rewrite README.md's quickstart environment table")

func TestRunPrintsConfigWithoutSecrets(t *testing.T) {
	const canary = "canary-quickstart-91b2"
	var out bytes.Buffer
	err := run(&out, envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(map[string]string{
		"QUICKSTART_OBJECTS":    "3",
		"QUICKSTART_DEMO_TOKEN": canary,
	}))
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, canary) {
		t.Fatalf("output shows the secret:\n%s", s)
	}
	for _, want := range []string{"QUICKSTART_OBJECTS     3", "env", "QUICKSTART_BUCKET", "default", "Password:[REDACTED]"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	err := run(&bytes.Buffer{}, envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(map[string]string{"QUICKSTART_OBJECTS": "many"}))
	if err == nil || !strings.Contains(err.Error(), "QUICKSTART_OBJECTS") || strings.Contains(err.Error(), "many") {
		t.Fatalf("err = %v", err)
	}
}

func TestREADMETable(t *testing.T) {
	sec := envdoc.Section{Name: "quickstart", Vars: envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(nil))}
	if err := envdoc.Check(filepath.Join("..", "..", "README.md"), *update, sec); err != nil {
		t.Fatal(err)
	}
}
