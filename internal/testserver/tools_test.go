package testserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recordingTB records Fatalf and Skipf instead of ending the test.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func (r *recordingTB) Skipf(format string, args ...any) { r.skip = fmt.Sprintf(format, args...) }

func TestRequireMissingTool(t *testing.T) {
	t.Setenv("OBSKIT_TOOLS_DIR", t.TempDir()) // an empty tools folder
	for _, tc := range []struct {
		ci        string
		wantFatal bool
	}{
		{ci: "true", wantFatal: true},
		{ci: "1", wantFatal: true},
		{ci: "", wantFatal: false},
		{ci: "false", wantFatal: false},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			rec := &recordingTB{TB: t}
			Require(rec, ToolCollector)
			msg := rec.skip
			if tc.wantFatal {
				msg = rec.fatal
			}
			if (rec.fatal != "") != tc.wantFatal || (rec.skip != "") == tc.wantFatal {
				t.Fatalf("fatal=%q skip=%q, want fatal: %v", rec.fatal, rec.skip, tc.wantFatal)
			}
			if !strings.Contains(msg, "scripts/install-tools.sh collector") {
				t.Errorf("message %q does not say how to install", msg)
			}
		})
	}
}

func TestRequirePresentTool(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("OBSKIT_TOOLS_DIR", dir)
	t.Setenv("CI", "true")
	bin := filepath.Join(dir, "bin", ToolJaeger)
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	rec := &recordingTB{TB: t}
	Require(rec, ToolJaeger)
	if rec.fatal != "" || rec.skip != "" {
		t.Fatalf("fatal=%q skip=%q for an installed tool", rec.fatal, rec.skip)
	}
	if got, err := Tool(ToolJaeger); err != nil || got != bin {
		t.Errorf("Tool = %q, %v; want %q", got, err, bin)
	}
}

func TestTool(t *testing.T) {
	t.Setenv("OBSKIT_TOOLS_DIR", t.TempDir())
	if _, err := Tool(ToolVersity); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing tool: err = %v, want fs.ErrNotExist", err)
	}
	if _, err := Tool("no-such-tool"); err == nil {
		t.Error("unknown tool: no error")
	}
	// Debian tools are looked up in /usr/bin only, whatever PATH says.
	_, err := Tool(ToolAWS)
	if _, statErr := os.Stat("/usr/bin/aws"); (err == nil) != (statErr == nil) {
		t.Errorf("Tool(aws) = %v, but stat /usr/bin/aws = %v", err, statErr)
	}
}

func TestToolsDir(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		t.Setenv("OBSKIT_TOOLS_DIR", "/opt/tools")
		if got := ToolsDir(); got != "/opt/tools" {
			t.Errorf("ToolsDir = %q, want /opt/tools", got)
		}
	})
	t.Run("XDG_CACHE_HOME", func(t *testing.T) {
		t.Setenv("OBSKIT_TOOLS_DIR", "")
		t.Setenv("XDG_CACHE_HOME", "/var/cache/me")
		t.Setenv("HOME", "/home/me")
		if got, want := ToolsDir(), filepath.FromSlash("/var/cache/me/obskit-tools"); got != want {
			t.Errorf("ToolsDir = %q, want %q", got, want)
		}
	})
	t.Run("HOME", func(t *testing.T) {
		t.Setenv("OBSKIT_TOOLS_DIR", "")
		t.Setenv("XDG_CACHE_HOME", "")
		t.Setenv("HOME", "/home/me")
		t.Setenv("USERPROFILE", "/home/me") // os.UserHomeDir on Windows
		if got, want := ToolsDir(), filepath.Join("/home/me", ".cache", "obskit-tools"); got != want {
			t.Errorf("ToolsDir = %q, want %q", got, want)
		}
	})
}

func TestFreePort(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		addr := FreePort(t)
		host, _, err := net.SplitHostPort(addr)
		if err != nil || host != "127.0.0.1" {
			t.Fatalf("FreePort = %q (%v), want 127.0.0.1:PORT", addr, err)
		}
		if seen[addr] {
			t.Fatalf("FreePort returned %s twice", addr)
		}
		seen[addr] = true
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("FreePort = %s, which cannot be bound: %v", addr, err)
		}
		_ = l.Close()
	}
}

func TestTailBuffer(t *testing.T) {
	var b tailBuffer
	b.WriteString(strings.Repeat("a", outputLimit))
	b.WriteString("tail")
	got := b.String()
	if len(got) != outputLimit || !strings.HasSuffix(got, "tail") {
		t.Errorf("len %d, suffix %q; want the last %d bytes", len(got), got[len(got)-4:], outputLimit)
	}
}

func TestParsePromQuery(t *testing.T) {
	vector := `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"otelcol"},"value":[1700000000.1,"1"]}]}}`
	got, err := parsePromQuery([]byte(vector))
	if err != nil || len(got) != 1 || got[0].Value != 1 || got[0].Labels["job"] != "otelcol" {
		t.Errorf("vector: %+v, %v", got, err)
	}
	got, err = parsePromQuery([]byte(`{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2.5"]}}`))
	if err != nil || len(got) != 1 || got[0].Value != 2.5 {
		t.Errorf("scalar: %+v, %v", got, err)
	}
	for _, bad := range []string{
		`{"status":"error","errorType":"bad_data","error":"parse error"}`,
		`{"status":"success","data":{"resultType":"matrix","result":[]}}`,
		`{"status":"success","data":{"resultType":"string","result":[1,"x"]}}`,
		`not json`,
	} {
		if _, err := parsePromQuery([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
