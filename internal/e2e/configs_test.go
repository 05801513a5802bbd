package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
)

// composeFile is the Docker stack, relative to the repository root.
const composeFile = "docker-compose.otel.yml"

// TestComposeFileValid validates docker-compose.otel.yml offline with Debian's docker-compose
// (`config -q` checks the schema, interpolation, depends_on conditions and health checks) and
// checks that every file it mounts or builds from deploy/ exists.
func TestComposeFileValid(t *testing.T) {
	testserver.Require(t, testserver.ToolDockerCompose)
	compose, err := testserver.Tool(testserver.ToolDockerCompose)
	if err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	cmd := exec.Command(compose, "-f", composeFile, "config", "-q")
	cmd.Dir = root
	// docker-compose reads variables such as COMPOSE_FILE from the environment; give it none.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker-compose -f %s config -q: %v\n%s", composeFile, err, out)
	}

	data, err := os.ReadFile(filepath.Join(root, composeFile))
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`\./deploy/[A-Za-z0-9_./-]+|deploy/[A-Za-z0-9_./-]+/Dockerfile`).FindAllString(string(data), -1)
	if len(refs) < 6 {
		t.Fatalf("found only %d references to deploy/ in %s: %q", len(refs), composeFile, refs)
	}
	for _, ref := range refs {
		if _, err := os.Stat(filepath.Join(root, ref)); err != nil {
			t.Errorf("%s refers to %s: %v", composeFile, ref, err)
		}
	}
}

// TestCollectorConfigsValid runs `otelcol-obskit validate` on the Collector configs of the
// native stack and of the compose stack. compose.yaml uses only components that
// deploy/otelcol/manifest.yaml builds in (otlp receiver, batch, otlp_grpc, otlp_http,
// prometheus, debug), so the contrib image and this build accept the same file.
func TestCollectorConfigsValid(t *testing.T) {
	testserver.Require(t, testserver.ToolCollector)
	collector, err := testserver.Tool(testserver.ToolCollector)
	if err != nil {
		t.Fatal(err)
	}
	for _, config := range []string{"deploy/otelcol/stack.yaml", "deploy/otelcol/compose.yaml", "deploy/otelcol/test.yaml"} {
		t.Run(filepath.Base(config), func(t *testing.T) {
			cmd := exec.Command(collector, "validate", "--config="+filepath.Join(repoRoot(t), config))
			cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("otelcol-obskit validate --config=%s: %v\n%s", config, err, out)
			}
		})
	}
}
