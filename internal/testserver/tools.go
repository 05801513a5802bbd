package testserver

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Names of the tools that [Tool] and [Require] know.
const (
	ToolCollector     = "otelcol-obskit"
	ToolVersity       = "versitygw"
	ToolMinIO         = "minio"
	ToolJaeger        = "jaeger"
	ToolStaticcheck   = "staticcheck"
	ToolAWS           = "aws"
	ToolPrometheus    = "prometheus"
	ToolDockerCompose = "docker-compose"
)

// installStep maps a tool to the argument of scripts/install-tools.sh that
// installs it.
var installStep = map[string]string{
	ToolCollector:     "collector",
	ToolVersity:       "versitygw",
	ToolMinIO:         "minio",
	ToolJaeger:        "jaeger",
	ToolStaticcheck:   "staticcheck",
	ToolAWS:           "debian",
	ToolPrometheus:    "debian",
	ToolDockerCompose: "debian",
}

// debianDir holds the tools that come from Debian packages. They are looked
// up there and not on PATH, where another aws (pip, pyenv) may shadow them.
const debianDir = "/usr/bin"

// ToolsDir returns the folder that scripts/install-tools.sh installs into:
// $OBSKIT_TOOLS_DIR when set, else obskit-tools in the user's cache folder,
// $XDG_CACHE_HOME or else $HOME/.cache (the scripts' default, outside any
// clone, so that every clone reuses the tools). Binaries are in
// ToolsDir()/bin. It returns "" when neither OBSKIT_TOOLS_DIR nor a cache
// folder is known. Safe for concurrent use.
func ToolsDir() string {
	if dir := os.Getenv("OBSKIT_TOOLS_DIR"); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return dir
		}
		return abs
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return ""
		}
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "obskit-tools")
}

// Tool returns the path of the named tool: ToolsDir()/bin/NAME for the tools
// the script builds, /usr/bin/NAME for aws, prometheus and docker-compose.
// The error wraps [fs.ErrNotExist] when the tool is not installed and says
// how to install it. Safe for concurrent use.
func Tool(name string) (string, error) {
	step, known := installStep[name]
	if !known {
		return "", fmt.Errorf("testserver: unknown tool %q", name)
	}
	var path string
	switch step {
	case "debian":
		path = filepath.Join(debianDir, name)
	default:
		dir := ToolsDir()
		if dir == "" {
			return "", fmt.Errorf("testserver: %s: OBSKIT_TOOLS_DIR, XDG_CACHE_HOME and HOME are all unset: %w", name, fs.ErrNotExist)
		}
		path = filepath.Join(dir, "bin", name)
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("testserver: %s not installed (%w); install it with: %s", name, err, installCommand(name))
	}
	if info.IsDir() || info.Mode().Perm()&0o111 == 0 {
		return "", fmt.Errorf("testserver: %s is not an executable file; reinstall it with: %s: %w", path, installCommand(name), fs.ErrNotExist)
	}
	return path, nil
}

// installCommand is the command line that installs the tool.
func installCommand(name string) string {
	return "scripts/install-tools.sh " + installStep[name]
}

// Require makes the test stop unless every named tool is installed: when the
// environment variable CI is true (a test that needs a real server must not
// pass unseen there) it calls t.Fatalf, otherwise t.Skipf; both messages
// give the install command. Call it from the test goroutine.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	var missing []string
	for _, name := range tools {
		if _, err := Tool(name); err != nil {
			missing = append(missing, err.Error())
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, "; ")
	if inCI() {
		t.Fatalf("CI=true and a required tool is missing: %s", msg)
		return
	}
	t.Skipf("skipping, a required tool is missing (with CI=true this fails): %s", msg)
}

// inCI reports whether the environment variable CI is true.
func inCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// repoRoot finds the repository root, where deploy/ lies: the first folder at
// or above the working directory that holds a go.mod and either .tools or
// scripts/install-tools.sh (so nested modules such as bench/ find the root
// too).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isFile(filepath.Join(dir, "go.mod")) &&
			(isDir(filepath.Join(dir, ".tools")) || isFile(filepath.Join(dir, "scripts", "install-tools.sh"))) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testserver: no repository root above the working directory: %w", fs.ErrNotExist)
		}
		dir = parent
	}
}

// repoFile returns the absolute path of a file given relative to the
// repository root; absolute paths are returned as they are.
func repoFile(path string) (string, error) {
	if filepath.IsAbs(path) {
		return path, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, path), nil
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// givenPorts remembers the ports FreePort handed out in this process, so that
// two calls never return the same one even after the first is released.
var givenPorts sync.Map

// FreePort returns a loopback address "127.0.0.1:PORT" whose port was free a
// moment ago and has not been returned before in this test binary. Another
// process may still take it before the caller binds it; that race is rare
// enough for tests. Safe for concurrent use.
func FreePort(t testing.TB) string {
	t.Helper()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testserver: finding a free port: %v", err)
		}
		addr := l.Addr().String()
		if err := l.Close(); err != nil {
			t.Fatalf("testserver: finding a free port: %v", err)
		}
		if _, taken := givenPorts.LoadOrStore(addr, true); !taken {
			return addr
		}
	}
	t.Fatalf("testserver: no fresh free port after 100 tries")
	return ""
}

// splitPort splits "host:port", ending the test if it cannot.
func splitPort(t testing.TB, addr string) (host, port string) {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	return host, port
}
