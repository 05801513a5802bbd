package testserver_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testserver"
)

const waitTimeout = 20 * time.Second

// postJSON sends an OTLP/HTTP JSON request and returns the status code.
func postJSON(t *testing.T, url, body string) (int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// mustPost sends an OTLP/HTTP JSON request that must be accepted.
func mustPost(t *testing.T, url, body string) {
	t.Helper()
	status, err := postJSON(t, url, body)
	if err != nil || status != http.StatusOK {
		t.Fatalf("POST %s: status %d, %v", url, status, err)
	}
}

func logRequest(service, body string) string {
	return fmt.Sprintf(`{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},`+
		`"scopeLogs":[{"scope":{"name":"testserver"},"logRecords":[{"timeUnixNano":"%d","severityNumber":17,"severityText":"ERROR",`+
		`"body":{"stringValue":%q},"attributes":[{"key":"attempt","value":{"intValue":"3"}}],`+
		`"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}]}`,
		service, time.Now().UnixNano(), body)
}

func traceRequest(service, traceID string) string {
	now := time.Now().UnixNano()
	return fmt.Sprintf(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},`+
		`"scopeSpans":[{"scope":{"name":"testserver"},"spans":[{"traceId":%q,"spanId":"eee19b7ec3c1b174","name":"GET /thing","kind":2,`+
		`"startTimeUnixNano":"%d","endTimeUnixNano":"%d","status":{"code":1}}]}]}]}`,
		service, traceID, now-int64(time.Millisecond), now)
}

func counterRequest(service, name string, value int) string {
	now := time.Now().UnixNano()
	return fmt.Sprintf(`{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":%q}}]},`+
		`"scopeMetrics":[{"scope":{"name":"testserver"},"metrics":[{"name":%q,"unit":"1","sum":{"aggregationTemporality":2,"isMonotonic":true,`+
		`"dataPoints":[{"asInt":"%d","startTimeUnixNano":"%d","timeUnixNano":"%d","attributes":[{"key":"route","value":{"stringValue":"/thing"}}]}]}}]}]}]}`,
		service, name, value, now-int64(time.Second), now)
}

func TestCollectorLogRoundTrip(t *testing.T) {
	t.Parallel()
	c := testserver.StartCollector(t)
	logsURL := "http://" + c.HTTPEndpoint + "/v1/logs"

	mustPost(t, logsURL, logRequest("roundtrip", "first"))
	testserver.WaitFor(t, func() bool { return len(c.ReadLogs(t)) == 1 }, waitTimeout)
	got := c.ReadLogs(t)[0]
	if got.Body != "first" || got.SeverityNumber != 17 || got.SeverityText != "ERROR" ||
		got.Resource["service.name"] != "roundtrip" || got.Scope.Name != "testserver" ||
		got.Attributes["attempt"] != int64(3) ||
		got.TraceID != "5b8efff798038103d269b633813fc60c" || got.SpanID != "eee19b7ec3c1b174" {
		t.Errorf("log record read back as %+v", got)
	}

	// An outage: nothing listens while stopped; after Restart the same
	// endpoint works and the output file is appended to.
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := postJSON(t, logsURL, logRequest("roundtrip", "lost")); err == nil {
		t.Fatal("POST to a stopped Collector succeeded")
	}
	c.Restart(t)
	mustPost(t, logsURL, logRequest("roundtrip", "second"))
	testserver.WaitFor(t, func() bool { return len(c.ReadLogs(t)) == 2 }, waitTimeout)
	if got := c.ReadLogs(t)[1].Body; got != "second" {
		t.Errorf("after restart read back %v, want second", got)
	}
}

// TestCollectorConfigsValidate checks every Collector config in deploy/otelcol.
func TestCollectorConfigsValidate(t *testing.T) {
	t.Parallel()
	testserver.Require(t, testserver.ToolCollector)
	bin, _ := testserver.Tool(testserver.ToolCollector)
	configs, err := filepath.Glob("../../deploy/otelcol/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	configs = slices.DeleteFunc(configs, func(p string) bool { return filepath.Base(p) == "manifest.yaml" })
	if len(configs) < 2 {
		t.Fatalf("found only %v", configs)
	}
	for _, config := range configs {
		cmd := exec.Command(bin, "validate", "--config="+config)
		cmd.Env = append(os.Environ(),
			"OTELCOL_GRPC_ENDPOINT=127.0.0.1:4317", "OTELCOL_HTTP_ENDPOINT=127.0.0.1:4318",
			"OTELCOL_OUTPUT_DIR="+t.TempDir(), "OTELCOL_JAEGER_ENDPOINT=127.0.0.1:14317",
			"OTELCOL_PROMETHEUS_ENDPOINT=127.0.0.1:8889", "OTELCOL_TELEMETRY_PORT=8888")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s validate --config=%s: %v\n%s", bin, config, err, out)
		}
	}
}

// awsCLI returns a runner of Debian's awscli against s, signing with s's access key and the
// secret given (a wrong one must be refused), isolated from the user's AWS configuration.
func awsCLI(s *testserver.S3Server) func(secret string, args ...string) ([]byte, error) {
	return func(secret string, args ...string) ([]byte, error) {
		awsPath, _ := testserver.Tool(testserver.ToolAWS)
		cmd := exec.Command(awsPath, append([]string{"--endpoint-url", s.Endpoint}, args...)...)
		cmd.Env = append(os.Environ(),
			"AWS_ACCESS_KEY_ID="+s.AccessKey, "AWS_SECRET_ACCESS_KEY="+secret,
			"AWS_DEFAULT_REGION="+s.Region, "AWS_EC2_METADATA_DISABLED=true",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, fmt.Errorf("aws %v: %w: %s", args, err, stderr.String())
		}
		return out, nil
	}
}

func TestVersityObjectRoundTrip(t *testing.T) {
	t.Parallel()
	testserver.Require(t, testserver.ToolAWS)
	s := testserver.StartVersity(t)
	aws := awsCLI(s)
	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, []byte("hello versity"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := aws(s.SecretKey, "s3api", "put-object", "--bucket", s.Bucket, "--key", "dir/obj.txt", "--body", body); err != nil {
		t.Fatal(err)
	}
	get := func(secret string) (string, error) {
		dst := filepath.Join(t.TempDir(), "got")
		if _, err := aws(secret, "s3api", "get-object", "--bucket", s.Bucket, "--key", "dir/obj.txt", dst); err != nil {
			return "", err
		}
		data, err := os.ReadFile(dst)
		return string(data), err
	}
	if got, err := get(s.SecretKey); err != nil || got != "hello versity" {
		t.Fatalf("get-object = %q, %v", got, err)
	}
	// The server checks signatures.
	if _, err := get("wrong-" + s.SecretKey); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("get-object with a wrong secret: %v, want SignatureDoesNotMatch", err)
	}
	// Objects survive a restart.
	s.Restart(t)
	if got, err := get(s.SecretKey); err != nil || got != "hello versity" {
		t.Fatalf("after restart get-object = %q, %v", got, err)
	}
}

// TestMinIOEncryptedRoundTrip: MinIO stores objects under SSE-S3 and SSE-KMS with its test key
// over plain http and says so, refuses an unknown KMS key, checks signatures, and keeps
// encrypted objects readable across a restart.
func TestMinIOEncryptedRoundTrip(t *testing.T) {
	t.Parallel()
	testserver.Require(t, testserver.ToolMinIO, testserver.ToolAWS)
	s := testserver.StartMinIO(t)
	aws := awsCLI(s)
	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, []byte("hello minio"), 0o600); err != nil {
		t.Fatal(err)
	}
	sse := map[string][]string{
		"sse-s3.txt":  {"--server-side-encryption", "AES256"},
		"sse-kms.txt": {"--server-side-encryption", "aws:kms", "--ssekms-key-id", testserver.MinIOKMSKeyID},
	}
	for key, args := range sse {
		if _, err := aws(s.SecretKey, append([]string{"s3api", "put-object", "--bucket", s.Bucket, "--key", key, "--body", body}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := aws(s.SecretKey, "s3api", "put-object", "--bucket", s.Bucket, "--key", "other.txt", "--body", body,
		"--server-side-encryption", "aws:kms", "--ssekms-key-id", "no-such-key"); err == nil || !strings.Contains(err.Error(), "KeyNotFound") {
		t.Errorf("put-object with an unknown KMS key: %v, want kms:KeyNotFound", err)
	}
	check := func(secret string) error {
		for key, args := range sse {
			head, err := aws(secret, "s3api", "head-object", "--bucket", s.Bucket, "--key", key)
			if err != nil {
				return err
			}
			if want := `"ServerSideEncryption": "` + args[1] + `"`; !strings.Contains(string(head), want) {
				return fmt.Errorf("head-object %s = %s, want %s", key, head, want)
			}
			dst := filepath.Join(t.TempDir(), "got")
			if _, err := aws(secret, "s3api", "get-object", "--bucket", s.Bucket, "--key", key, dst); err != nil {
				return err
			}
			if data, err := os.ReadFile(dst); err != nil || string(data) != "hello minio" {
				return fmt.Errorf("get-object %s = %q, %v", key, data, err)
			}
		}
		return nil
	}
	if err := check(s.SecretKey); err != nil {
		t.Fatal(err)
	}
	// The server checks signatures.
	if err := check("wrong-" + s.SecretKey); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("head-object with a wrong secret: %v, want 403", err)
	}
	// Encrypted objects survive a restart (the KMS key is fixed).
	s.Restart(t)
	if err := check(s.SecretKey); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestJaegerTraceRoundTrip(t *testing.T) {
	t.Parallel()
	j := testserver.StartJaeger(t)
	const traceID = "5b8efff798038103d269b633813fc60c"
	if got := j.TraceIDs(t, "jaeger-roundtrip"); len(got) != 0 {
		t.Fatalf("traces before sending: %v", got)
	}
	mustPost(t, "http://"+j.OTLPHTTPEndpoint+"/v1/traces", traceRequest("jaeger-roundtrip", traceID))
	testserver.WaitFor(t, func() bool {
		return slices.Contains(j.TraceIDs(t, "jaeger-roundtrip"), traceID)
	}, waitTimeout)
}

// TestStack runs deploy/otelcol/stack.yaml: traces reach Jaeger, metrics
// reach Prometheus through the Collector's prometheus exporter.
func TestStack(t *testing.T) {
	t.Parallel()
	testserver.Require(t, testserver.ToolCollector, testserver.ToolJaeger, testserver.ToolPrometheus)
	j := testserver.StartJaeger(t)
	promExporter := testserver.FreePort(t)
	c := testserver.StartCollector(t,
		testserver.WithCollectorConfig("deploy/otelcol/stack.yaml"),
		testserver.WithCollectorEnv("OTELCOL_JAEGER_ENDPOINT", j.OTLPGRPCEndpoint),
		testserver.WithCollectorEnv("OTELCOL_PROMETHEUS_ENDPOINT", promExporter),
	)
	p := testserver.StartPrometheus(t, promExporter)

	const traceID = "0af7651916cd43dd8448eb211c80319c"
	mustPost(t, "http://"+c.HTTPEndpoint+"/v1/traces", traceRequest("stack", traceID))
	mustPost(t, "http://"+c.HTTPEndpoint+"/v1/metrics", counterRequest("stack", "obskit.test.requests", 7))

	testserver.WaitFor(t, func() bool {
		up := p.Query(t, `up{job="otelcol"}`)
		return len(up) == 1 && up[0].Value == 1
	}, waitTimeout)
	testserver.WaitFor(t, func() bool {
		got := p.Query(t, `obskit_test_requests_total{service_name="stack"}`)
		return len(got) == 1 && got[0].Value == 7 && got[0].Labels["route"] == "/thing"
	}, waitTimeout)
	testserver.WaitFor(t, func() bool { return slices.Contains(j.TraceIDs(t, "stack"), traceID) }, waitTimeout)
	testserver.WaitFor(t, func() bool { return len(c.ReadSpans(t)) == 1 && len(c.ReadMetrics(t)) == 1 }, waitTimeout)
}
