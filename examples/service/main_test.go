package main

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/internal/envdoc"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/telemetry"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Canary values that must never appear in any output.
const (
	canaryAWS    = "canary-service-aws-secret-0c4d"
	canaryHeader = "canary-service-otlp-header-8e21"
)

// A trace the client starts: the PUT's server span must continue it.
const (
	clientTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	clientSpanID  = "00f067aa0ba902b7"
)

// exchange is one request of the scenario and the telemetry it must leave.
type exchange struct {
	method, path, body string
	status             int
	contentType        string // PUT: sent; GET: the Content-Type wanted ("" when not checked)
	wantBody           string // "" when not checked
	route              string // the server span's name; "" when not checked
	objstoreSpan       string
	sdkSpan            string
	logBody            string
}

var scenario = []exchange{
	{method: "PUT", path: "/files/docs/a.txt", body: "hello, service", status: 201, contentType: "text/plain; charset=utf-8", wantBody: `{"key":"docs/a.txt","bytes":14}`,
		route: "PUT /files/{key...}", objstoreSpan: "objstore.put", sdkSpan: "S3.PutObject", logBody: "stored file"},
	{method: "GET", path: "/files/docs/a.txt", status: 200, contentType: "text/plain; charset=utf-8", wantBody: "hello, service",
		route: "GET /files/{key...}", objstoreSpan: "objstore.get", sdkSpan: "S3.GetObject", logBody: "served file"},
	{method: "GET", path: "/files?prefix=docs/", status: 200, wantBody: `"key":"docs/a.txt","size":14`,
		route: "GET /files", objstoreSpan: "objstore.list", sdkSpan: "S3.ListObjectsV2", logBody: "listed files"},
	{method: "GET", path: "/files/docs/missing", status: 404,
		route: "GET /files/{key...}", objstoreSpan: "objstore.attributes", sdkSpan: "S3.HeadObject", logBody: "request failed"},
	{method: "PUT", path: "/files/bad%01key", body: "x", status: 400, wantBody: "invalid object key"},
	{method: "DELETE", path: "/files/docs/a.txt", status: 204,
		route: "DELETE /files/{key...}", objstoreSpan: "objstore.delete", sdkSpan: "S3.DeleteObject", logBody: "deleted file"},
	{method: "GET", path: "/files/docs/a.txt", status: 404},
	{method: "GET", path: "/healthz", status: 200, wantBody: "ok"},
}

// exercise plays the scenario against s; the first request carries the client's traceparent.
func exercise(t *testing.T, s *runningService) {
	t.Helper()
	for i, ex := range scenario {
		h := http.Header{}
		if i == 0 {
			h.Set("Traceparent", "00-"+clientTraceID+"-"+clientSpanID+"-01")
		}
		if ex.method == "PUT" && ex.contentType != "" {
			h.Set("Content-Type", ex.contentType)
		}
		status, body, rh := s.do(t, ex.method, ex.path, ex.body, h)
		if status != ex.status || !strings.Contains(body, ex.wantBody) {
			t.Errorf("%s %s = %d %q, want %d and a body with %q", ex.method, ex.path, status, body, ex.status, ex.wantBody)
		}
		if ex.method == "GET" && ex.contentType != "" && rh.Get("Content-Type") != ex.contentType {
			t.Errorf("%s %s: Content-Type %q, want the uploaded %q", ex.method, ex.path, rh.Get("Content-Type"), ex.contentType)
		}
	}
}

// checkTelemetry checks, for every request of the scenario that names a route, the span tree
// (server span → objstore span → SDK span, one trace) and the log record in the server span.
func checkTelemetry(t *testing.T, spans []spanView, logs []logView) {
	t.Helper()
	children := map[string][]spanView{}
	for _, s := range spans {
		children[s.parentID] = append(children[s.parentID], s)
	}
	used := map[string]bool{}
	for i, ex := range scenario {
		if ex.route == "" {
			continue
		}
		path, _, _ := strings.Cut(ex.path, "?")
		var server *spanView
		for _, s := range spans {
			if s.name == ex.route && s.kind == 2 && s.attrs["url.path"] == path && !used[s.spanID] {
				server = &s
				used[s.spanID] = true
				break
			}
		}
		if server == nil {
			t.Errorf("%s %s: no server span named %q", ex.method, ex.path, ex.route)
			continue
		}
		route := strings.TrimPrefix(ex.route, ex.method+" ")
		if server.attrs["http.route"] != route || server.attrs["http.response.status_code"] != int64(ex.status) {
			t.Errorf("%s %s: server span http.route %v status %v, want %q and %d", ex.method, ex.path,
				server.attrs["http.route"], server.attrs["http.response.status_code"], route, ex.status)
		}
		if i == 0 && (server.traceID != clientTraceID || server.parentID != clientSpanID) {
			t.Errorf("PUT: server span in trace %s under %s, want the client's %s under %s",
				server.traceID, server.parentID, clientTraceID, clientSpanID)
		}
		var op *spanView
		for _, c := range children[server.spanID] {
			if c.name == ex.objstoreSpan {
				op = &c
			}
		}
		if op == nil {
			t.Errorf("%s %s: no %s span beneath the server span", ex.method, ex.path, ex.objstoreSpan)
			continue
		}
		if op.traceID != server.traceID || op.kind != 3 {
			t.Errorf("%s: trace %s kind %d, want the server's trace and client kind", op.name, op.traceID, op.kind)
		}
		var sdk bool
		for _, c := range children[op.spanID] {
			sdk = sdk || c.name == ex.sdkSpan
		}
		if !sdk {
			t.Errorf("%s %s: no %s span beneath %s (children %v)", ex.method, ex.path, ex.sdkSpan, op.name, children[op.spanID])
		}
		var logged bool
		for _, l := range logs {
			logged = logged || (l.body == ex.logBody && l.traceID == server.traceID && l.spanID == server.spanID)
		}
		if !logged {
			t.Errorf("%s %s: no log record %q with the server span's trace and span ids", ex.method, ex.path, ex.logBody)
		}
	}
}

// The service on the embedded S3 server, spans to an in-memory exporter and log records to the
// file exporter; stopped by SIGTERM, after which every span and log record must have been
// exported: the batch processors' own schedule (5s for spans) has not come yet, so only the
// shutdown's flush can have sent them.
func TestServiceSpanTreeAndLogs(t *testing.T) {
	spans, dir := tracetest.NewInMemoryExporter(), t.TempDir()
	env := map[string]string{
		"SERVICE_ADDR":               "127.0.0.1:0",
		"OTEL_LOGS_EXPORTER":         "file",
		"OBSKIT_FILE_EXPORTER_DIR":   dir,
		"AWS_ACCESS_KEY_ID":          "AKIDSERVICETEST",
		"AWS_SECRET_ACCESS_KEY":      canaryAWS,
		"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer " + canaryHeader,
		"OBSKIT_S3_SDK_SPANS":        "true", // the SDK's call spans are opt-in; the tree is checked down to them
	}
	start := time.Now()
	s := startService(t, env, telemetry.WithSpanExporter(exampletest.KeepSpans(spans)))
	exercise(t, s)
	if err := s.terminate(t); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Logf("the run took %v: the batch schedule may have exported before the shutdown", took)
	}
	stdout, stderr := s.stdout.String(), s.stderr.String()
	if !strings.Contains(stdout, "listening on "+s.base) || !strings.Contains(stdout, "embedded S3 server") ||
		!strings.HasSuffix(stdout, "obskit service stopped\n") {
		t.Errorf("stdout:\n%s", stdout)
	}
	got := spansFromStubs(spans.GetSpans())
	written, err := otlpfile.Read(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	logs := logsFromFiles(written.LogRecords)
	checkTelemetry(t, got, logs)
	var stopped bool
	for _, l := range logs {
		stopped = stopped || l.body == "service stopped"
	}
	if !stopped {
		t.Error(`the "service stopped" record, logged just before the telemetry shutdown, was not exported`)
	}
	exampletest.AssertNoSecrets(t, []string{canaryAWS, canaryHeader}, map[string]string{"stdout": stdout,
		"stderr": stderr, "spans": spanText(got), "log records": logText(logs)}, dir)
}

// The service against versitygw, telemetry over OTLP/HTTP to a real Collector.
func TestServiceAgainstVersityAndCollector(t *testing.T) {
	srv := testserver.StartVersity(t)
	col := testserver.StartCollector(t)
	env := exampletest.ServersEnv(srv, col, canaryHeader, map[string]string{"SERVICE_ADDR": "127.0.0.1:0", "OBSKIT_S3_SDK_SPANS": "true"})
	s := startService(t, env)
	exercise(t, s)
	if err := s.terminate(t); err != nil {
		t.Fatal(err)
	}
	if out := s.stdout.String(); !strings.Contains(out, "S3 at "+srv.Endpoint+", bucket "+srv.Bucket) {
		t.Errorf("stdout:\n%s", out)
	}
	// Shutdown has returned, so the Collector has answered every export; its file exporter
	// flushes every 10ms.
	testserver.WaitFor(t, func() bool {
		return len(col.ReadSpans(t)) > 0 && len(col.ReadLogs(t)) > 0 && hasMetric(col.ReadMetrics(t), "http.server.request.duration")
	}, 5*time.Second)
	spans, logs := spansFromCollector(col.ReadSpans(t)), logsFromCollector(col.ReadLogs(t))
	if !slices.ContainsFunc(logs, func(l logView) bool { return l.body == "configuration" }) {
		t.Error("no configuration record reached the Collector")
	}
	checkTelemetry(t, spans, logs)
	for _, sp := range spans {
		if sp.name == "objstore.put" && sp.attrs["aws.s3.key"] == "docs/a.txt" && (sp.attrs["objstore.success"] != true || sp.attrs["objstore.latency_ms"] == nil) {
			t.Errorf("objstore.put attributes %v, want objstore.success=true and objstore.latency_ms", sp.attrs)
		}
	}
	if !hasMetric(col.ReadMetrics(t), "http.server.request.duration") {
		t.Error("the Collector got no http.server.request.duration metric")
	}
	exampletest.AssertNoSecrets(t, []string{srv.SecretKey, canaryHeader}, map[string]string{"stdout": s.stdout.String(),
		"stderr": s.stderr.String(), "spans": spanText(spans), "log records": logText(logs)}, col.OutputDir)
}

// hasMetric reports whether metrics holds one named name.
func hasMetric(metrics []testserver.Metric, name string) bool {
	for _, m := range metrics {
		if m.Name == name {
			return true
		}
	}
	return false
}

func TestServiceRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct{ variable, value string }{
		{"SERVICE_MAX_UPLOAD_BYTES", "-9"},
		{"SERVICE_SHUTDOWN_TIMEOUT", "soon"},
		{"OTEL_LOGS_EXPORTER", "carrier-pigeon"},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			p := process{environ: map[string]string{tc.variable: tc.value}, stdout: &exampletest.Buffer{}, stderr: &exampletest.Buffer{}}
			err := run(t.Context(), p)
			if err == nil || !strings.Contains(err.Error(), tc.variable) || strings.Contains(err.Error(), tc.value) {
				t.Fatalf("err = %v; want one naming %s without its value", err, tc.variable)
			}
		})
	}
}

func TestREADMETable(t *testing.T) {
	sec := envdoc.Section{Name: "service", Vars: envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(nil))}
	if err := envdoc.Check(filepath.Join("..", "..", "README.md"), *update, sec); err != nil {
		t.Fatal(err)
	}
}
