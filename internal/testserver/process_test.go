package testserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A server that exits while starting ends the test at once, with its output.
func TestStartCollectorBadConfig(t *testing.T) {
	Require(t, ToolCollector)
	config := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(config, []byte("exporters:\n  nope:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := &recordingTB{TB: t}
	StartCollector(rec, WithCollectorConfig(config))
	if !strings.Contains(rec.fatal, "exited while starting") || !strings.Contains(rec.fatal, `unknown type: "nope"`) {
		t.Errorf("Fatalf message %q does not give the exit and the Collector's error", rec.fatal)
	}
}

// Stop is idempotent, and Restart starts a stopped server.
func TestStopRestart(t *testing.T) {
	c := StartCollector(t)
	for range 2 {
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	if err := tcpReady(c.GRPCEndpoint)(t.Context()); err == nil {
		t.Fatal("gRPC port still accepts connections after Stop")
	}
	c.Restart(t)
	if err := tcpReady(c.GRPCEndpoint, c.HTTPEndpoint)(t.Context()); err != nil {
		t.Fatalf("after Restart: %v", err)
	}
}
