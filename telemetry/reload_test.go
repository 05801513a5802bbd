package telemetry_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
)

// TestApplyLiveThroughWatch reloads the configuration from a file with envconfig.Watch and
// tel.ApplyLive: the log level and the redacted keys change at once; a changed exporter is
// not applied and draws a warning that it needs a restart.
func TestApplyLiveThroughWatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obskit.yaml")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("obskit:\n  log:\n    level: INFO\n    redact_keys: [password]\n")
	env := map[string]string{"OBSKIT_LOG_CONSOLE": "text", "OBSKIT_RUNTIME_METRICS": "false"}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env), envconfig.WithFile(path))
	if err != nil {
		t.Fatal(err)
	}
	var console, diag testkit.SyncBuffer
	tel, err := telemetry.Setup(context.Background(), cfg, telemetry.WithConsoleWriter(&console), telemetry.WithDiagnostics(&diag))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())

	ctx := context.Background()
	w, err := envconfig.Watch(ctx, tel.ApplyLive, envconfig.WithEnvironment(env), envconfig.WithFile(path),
		envconfig.WithSIGHUP(false), envconfig.WithLogger(tel.Logger()))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(ctx)

	log := tel.Logger()
	log.Debug("before", "tenant", "acme")
	write("obskit:\n  log:\n    level: DEBUG\n    redact_keys: [password, tenant]\notel:\n  traces:\n    exporter: [console]\n")
	if err := w.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	log.Debug("after", "tenant", "acme")
	out := console.String()
	if strings.Contains(out, "msg=before") {
		t.Errorf("a debug record was written at level INFO: %s", out)
	}
	if !strings.Contains(out, "msg=after tenant=[REDACTED]") {
		t.Errorf("after the reload, want the debug record with tenant redacted; console:\n%s", out)
	}
	if got := diag.String(); !strings.Contains(got, "OTEL_TRACES_EXPORTER changed and need a restart") {
		t.Errorf("diagnostics: %q, want a warning that OTEL_TRACES_EXPORTER needs a restart", got)
	}
}
