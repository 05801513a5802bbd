package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
)

// stack is the native stack of scripts/stack.sh, on free loopback ports: the Collector with
// deploy/otelcol/stack.yaml sending traces to Jaeger and serving metrics to Prometheus, and
// versitygw behind a fault proxy.
type stack struct {
	collector  *testserver.Collector
	jaeger     *testserver.Jaeger
	prometheus *testserver.Prometheus
	s3         *testserver.S3Server
	proxy      *faultProxy
}

// stackTools are the programs startStack runs.
var stackTools = []string{testserver.ToolCollector, testserver.ToolJaeger, testserver.ToolPrometheus, testserver.ToolVersity}

func startStack(t *testing.T) *stack {
	t.Helper()
	testserver.Require(t, stackTools...)
	s := &stack{jaeger: testserver.StartJaeger(t)}
	promTarget := testserver.FreePort(t)
	s.collector = testserver.StartCollector(t,
		testserver.WithCollectorConfig("deploy/otelcol/stack.yaml"),
		testserver.WithCollectorEnv("OTELCOL_JAEGER_ENDPOINT", s.jaeger.OTLPGRPCEndpoint),
		testserver.WithCollectorEnv("OTELCOL_PROMETHEUS_ENDPOINT", promTarget),
	)
	s.prometheus = testserver.StartPrometheus(t, promTarget)
	s.s3 = testserver.StartVersity(t)
	s.proxy = startFaultProxy(t, s.s3.Endpoint)
	return s
}

// env returns the environment for an example named service: OTLP over HTTP to the Collector,
// metrics exported every 500ms, S3 through the fault proxy with short retries.
func (s *stack) env(service string) map[string]string {
	return map[string]string{
		"OTEL_SERVICE_NAME":           service,
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + s.collector.HTTPEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
		"OTEL_METRIC_EXPORT_INTERVAL": "500",
		"OTEL_BSP_SCHEDULE_DELAY":     "200",
		"OTEL_BLRP_SCHEDULE_DELAY":    "200",
		"AWS_ENDPOINT_URL_S3":         s.proxy.Endpoint,
		"AWS_REGION":                  s.s3.Region,
		"AWS_ACCESS_KEY_ID":           s.s3.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       s.s3.SecretKey,
		"OBSKIT_S3_BUCKET":            s.s3.Bucket,
		"OBSKIT_S3_PATH_STYLE":        "true",
		"OBSKIT_S3_MAX_ATTEMPTS":      strconv.Itoa(s3MaxAttempts),
		"OBSKIT_S3_MAX_BACKOFF":       "50ms",
		// The AWS SDK's own spans are opt-in; on here, so that the test sees them nested.
		"OBSKIT_S3_SDK_SPANS": "true",
		"OBSKIT_LOG_CONSOLE":  "text",
	}
}

// s3MaxAttempts bounds the examples' S3 attempts: with one request in slowDownEvery answered
// SlowDown, an upload fails only if all of them are, which 6 attempts make rare enough (0.2⁶
// per upload) for a test that uploads a few dozen objects.
const s3MaxAttempts = 6

// repoRoot returns the repository root (the test runs in internal/e2e).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from the test's folder: %v", err)
	}
	return root
}
