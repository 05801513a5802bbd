package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
)

// The quickstart reads an optional configuration file beneath its QUICKSTART_* variables.
func TestConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quickstart.yaml")
	if err := os.WriteFile(path, []byte("objects: 3\nmax_size: 4096\ntimeout: 30s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := envconfig.Load[Config](configOptions(map[string]string{ConfigFileVar: path, "QUICKSTART_OBJECTS": "5"})...)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Objects != 5 || cfg.MaxSize != 4096 || cfg.Timeout.Seconds() != 30 || cfg.Concurrency != 8 {
		t.Errorf("got %+v", cfg)
	}
	// No file: the defaults, as before.
	if cfg, err := envconfig.Load[Config](configOptions(nil)...); err != nil || cfg.Objects != 24 {
		t.Errorf("without a file: %+v, %v", cfg, err)
	}
}

func TestRunRejectsBadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quickstart.yaml")
	if err := os.WriteFile(path, []byte("objects: 3\nmax_sise: many\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), map[string]string{ConfigFileVar: path, "QUICKSTART_OUT_DIR": t.TempDir()}, &stdout, &stderr)
	if !errors.Is(err, envconfig.ErrUnknownKey) || !strings.Contains(err.Error(), "quickstart.yaml:2: max_sise: names no setting: did you mean max_size?") ||
		strings.Contains(err.Error(), "many") {
		t.Fatalf("err = %v", err)
	}
}
