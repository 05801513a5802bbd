package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/internal/envdoc"
	"github.com/esper-platform/obskit/internal/testserver"
)

var update = flag.Bool("update", false, "rewrite README.md's quickstart environment table")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Canary values that must never appear in any output.
const (
	canaryToken  = "canary-quickstart-token-91b2"
	canaryAWS    = "canary-quickstart-aws-secret-77c1"
	canaryHeader = "canary-quickstart-otlp-header-3f0a"
)

// canaryEnv returns environ plus every secret the quickstart may see, set to canaries.
func canaryEnv(environ map[string]string) map[string]string {
	env := map[string]string{
		"QUICKSTART_DEMO_TOKEN":      canaryToken,
		"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer " + canaryHeader,
		"AWS_ACCESS_KEY_ID":          "AKIDQUICKSTARTTEST",
		"AWS_SECRET_ACCESS_KEY":      canaryAWS,
	}
	for k, v := range environ {
		env[k] = v
	}
	return env
}

// quickstartRun is one run's outputs.
type quickstartRun struct {
	stdout, stderr string
	err            error
}

func runQuickstart(t *testing.T, env map[string]string) quickstartRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), env, &stdout, &stderr)
	t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	return quickstartRun{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// summaryInt returns the integer the pattern's group captures in the summary.
func summaryInt(t *testing.T, out, pattern string) int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("summary has no line matching %q", pattern)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkSummaryAgainstFiles compares what the summary says with the telemetry files: the span
// and log record counts, one objstore span per operation, the SDK spans beneath each put, one
// trace for the whole run, and trace ids on every log record.
func checkSummaryAgainstFiles(t *testing.T, out, dir string, mark otlpfile.Mark, objects int) {
	t.Helper()
	got, err := otlpfile.Read(dir, mark)
	if err != nil {
		t.Fatal(err)
	}
	spans := summaryInt(t, out, `spans +(\d+) written`)
	records := summaryInt(t, out, `log records +(\d+) written`)
	withTrace := summaryInt(t, out, `, (\d+) with a trace id`)
	if spans != len(got.Spans) || records != len(got.LogRecords) || withTrace != records {
		t.Errorf("summary says %d spans and %d log records (%d with a trace id); the files hold %d and %d",
			spans, records, withTrace, len(got.Spans), len(got.LogRecords))
	}
	traceID := regexp.MustCompile(`trace +([0-9a-f]{32})`).FindStringSubmatch(out)
	if traceID == nil {
		t.Fatal("summary has no trace id")
	}
	byName := map[string]int{}
	children := map[string]int{}
	for _, s := range got.Spans {
		byName[s.Name]++
		children[s.ParentSpanID]++
		if s.TraceID != traceID[1] {
			t.Errorf("span %s in trace %s, want the run's trace %s", s.Name, s.TraceID, traceID[1])
		}
	}
	if byName["objstore.put"] != objects || byName["objstore.get"] != objects || byName["objstore.list"] != 1 {
		t.Errorf("objstore spans %v, want %d put, %d get, 1 list", byName, objects, objects)
	}
	if byName["quickstart.run"] != 1 {
		t.Errorf("spans by name %v: want one quickstart.run", byName)
	}
	// The AWS SDK's own spans are opt-in (OBSKIT_S3_SDK_SPANS): by default every objstore span is
	// a child of one of the quickstart's own spans, and nothing is beneath it.
	names := map[string]string{}
	for _, s := range got.Spans {
		names[s.SpanID] = s.Name
	}
	for _, s := range got.Spans {
		if parent := names[s.ParentSpanID]; strings.HasPrefix(s.Name, "objstore.") && !strings.HasPrefix(parent, "quickstart.") {
			t.Errorf("%s %s (key %v) has parent %q, want one of the quickstart's spans", s.Name, s.SpanID, s.Attributes["aws.s3.key"], parent)
		}
		if strings.HasPrefix(s.Name, "objstore.") && children[s.SpanID] != 0 {
			t.Errorf("%s %s has %d spans beneath it without OBSKIT_S3_SDK_SPANS", s.Name, s.SpanID, children[s.SpanID])
		}
	}
	metrics := map[string]bool{}
	for _, name := range got.Metrics {
		metrics[name] = true
	}
	for _, name := range []string{"objstore.operations", "objstore.operation.duration", "objstore.bytes"} {
		if !metrics[name] {
			t.Errorf("metric %s not in the metrics file (got %v)", name, got.Metrics)
		}
	}
	if len(got.LogRecords) < 3 {
		t.Errorf("%d log records, want at least 3 (start, upload, verify)", len(got.LogRecords))
	}
	configLogged := false
	for _, r := range got.LogRecords {
		if r.TraceID != traceID[1] {
			t.Errorf("log record %q has trace id %q, want %s", r.Body, r.TraceID, traceID[1])
		}
		if r.Body != "configuration" {
			continue
		}
		configLogged = true
		group, _ := r.Attributes["config"].(map[string]any)
		objects, _ := group["QUICKSTART_OBJECTS"].(map[string]any)
		if objects["source"] == nil || objects["value"] == nil {
			t.Errorf("configuration record %v: want QUICKSTART_OBJECTS with its value and source", r.Attributes)
		}
	}
	if !configLogged {
		t.Error("no configuration record: the run's configuration is not in the logs backend")
	}
}

func TestRunEmbedded(t *testing.T) {
	dir := t.TempDir()
	env := canaryEnv(map[string]string{
		"QUICKSTART_OBJECTS":  "10",
		"QUICKSTART_MAX_SIZE": "300000",
		"QUICKSTART_OUT_DIR":  dir,
	})
	r := runQuickstart(t, env)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{
		"OTLP-JSON lines in " + dir,
		"embedded S3 server (gofakes3) at http://127.0.0.1:",
		"objects      10 generated, 10 stored, 10 read back byte-identical, 10 listed",
		"success      100.00% (21 of 21 operations)",
		"put          n=10 rate=100.00% p50=",
		"get          n=10 rate=100.00% p50=",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "OTLP to") {
		t.Error("stdout says OTLP is used, but no endpoint is set")
	}
	if !strings.Contains(r.stderr, "demo_token=[REDACTED]") {
		t.Error("the console log does not show the demo token redacted")
	}
	checkSummaryAgainstFiles(t, r.stdout, dir, nil, 10)
	exampletest.AssertNoSecrets(t, []string{canaryToken, canaryAWS, canaryHeader},
		map[string]string{"stdout": r.stdout, "stderr": r.stderr}, dir)
}

// A second run into the same folder appends to the files; its summary counts its own records.
func TestRunCountsOnlyItsOwnRecords(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUICKSTART_OBJECTS": "4", "QUICKSTART_MAX_SIZE": "5000", "QUICKSTART_OUT_DIR": dir,
		"OBSKIT_LOG_CONSOLE": "off"}
	if r := runQuickstart(t, env); r.err != nil {
		t.Fatal(r.err)
	}
	mark, err := otlpfile.MarkFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := runQuickstart(t, env)
	if r.err != nil {
		t.Fatal(r.err)
	}
	checkSummaryAgainstFiles(t, r.stdout, dir, mark, 4)
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct{ name, variable, value string }{
		{"not a number", "QUICKSTART_OBJECTS", "many"},
		{"out of range", "QUICKSTART_MAX_SIZE", "-5"},
		{"bad telemetry variable", "OTEL_TRACES_SAMPLER", "sometimes"},
		{"bad S3 variable", "OBSKIT_S3_MAX_ATTEMPTS", "-3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), map[string]string{tc.variable: tc.value, "QUICKSTART_OUT_DIR": t.TempDir()}, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.variable) || strings.Contains(err.Error(), tc.value) {
				t.Fatalf("err = %v; want one naming %s without its value", err, tc.variable)
			}
		})
	}
}

// The quickstart against real servers: versitygw for S3 and an OpenTelemetry Collector, both
// reached through the same variables a user sets.
func TestRunAgainstCollectorAndVersity(t *testing.T) {
	srv := testserver.StartVersity(t)
	col := testserver.StartCollector(t)
	dir := t.TempDir()
	env := exampletest.ServersEnv(srv, col, canaryHeader, map[string]string{
		"QUICKSTART_OBJECTS":    "6",
		"QUICKSTART_MAX_SIZE":   "200000",
		"QUICKSTART_OUT_DIR":    dir,
		"QUICKSTART_DEMO_TOKEN": canaryToken,
	})
	r := runQuickstart(t, env)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{
		"and OTLP to http://" + col.HTTPEndpoint,
		"S3 at " + srv.Endpoint + ", bucket " + srv.Bucket,
		"objects      6 generated, 6 stored, 6 read back byte-identical, 6 listed",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	checkSummaryAgainstFiles(t, r.stdout, dir, nil, 6)

	// The Collector got what the files got: Shutdown flushed both exporters.
	spans := summaryInt(t, r.stdout, `spans +(\d+) written`)
	records := summaryInt(t, r.stdout, `log records +(\d+) written`)
	testserver.WaitFor(t, func() bool {
		return len(col.ReadSpans(t)) >= spans && len(col.ReadLogs(t)) >= records
	}, 10*time.Second)
	colSpans, colLogs := col.ReadSpans(t), col.ReadLogs(t)
	if len(colSpans) != spans || len(colLogs) != records {
		t.Errorf("Collector received %d spans and %d log records; the files hold %d and %d",
			len(colSpans), len(colLogs), spans, records)
	}
	for _, l := range colLogs {
		if l.TraceID == "" {
			t.Errorf("log record %v reached the Collector without a trace id", l.Body)
		}
	}
	// The objects are on the server: versitygw keeps each as a file under its bucket folder.
	var files int
	_ = filepath.WalkDir(filepath.Join(srv.Dir, srv.Bucket), func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	if files != 6 {
		t.Errorf("versitygw holds %d objects, want 6", files)
	}
	exampletest.AssertNoSecrets(t, []string{canaryToken, canaryHeader, srv.SecretKey},
		map[string]string{"stdout": r.stdout, "stderr": r.stderr}, dir, col.OutputDir)
}

func TestREADMETable(t *testing.T) {
	sec := envdoc.Section{Name: "quickstart", Vars: envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(nil))}
	if err := envdoc.Check(filepath.Join("..", "..", "README.md"), *update, sec); err != nil {
		t.Fatal(err)
	}
}
