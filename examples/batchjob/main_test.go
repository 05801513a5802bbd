package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/internal/envdoc"
	"github.com/esper-platform/obskit/internal/testserver"
)

var update = flag.Bool("update", false, "rewrite README.md's batchjob environment table")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Canary values that must never appear in any output.
const (
	canaryAWS    = "canary-batchjob-aws-secret-6a9f"
	canaryHeader = "canary-batchjob-otlp-header-d370"
)

// jobRun is one run's outputs.
type jobRun struct {
	stdout, stderr string
	err            error
	took           time.Duration
}

func runJob(t *testing.T, env map[string]string, rec *recorders) jobRun {
	t.Helper()
	var stdout, stderr exampletest.Buffer
	p := process{environ: env, stdout: &stdout, stderr: &stderr}
	if rec != nil {
		p.telemetry = rec.options()
	}
	start := time.Now()
	err := run(context.Background(), p)
	r := jobRun{stdout: stdout.String(), stderr: stderr.String(), err: err, took: time.Since(start)}
	t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	return r
}

// smallRun is a run of three quick steps of three artifacts each: nine artifacts and a manifest.
func smallRun(extra map[string]string) map[string]string {
	env := map[string]string{
		"BATCHJOB_RUN_ID":             "test-run",
		"BATCHJOB_STEPS":              "3",
		"BATCHJOB_STEP_DURATION":      "30ms",
		"BATCHJOB_ARTIFACTS_PER_STEP": "3",
		"BATCHJOB_ARTIFACT_SIZE":      "20000",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func traceOf(t *testing.T, stdout string) string {
	t.Helper()
	m := regexp.MustCompile(`trace ([0-9a-f]{32})`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatal("the summary has no trace id")
	}
	return m[1]
}

func TestRunEmbedded(t *testing.T) {
	rec := newRecorders()
	r := runJob(t, smallRun(map[string]string{
		"AWS_ACCESS_KEY_ID":          "AKIDBATCHJOBTEST",
		"AWS_SECRET_ACCESS_KEY":      canaryAWS,
		"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer " + canaryHeader,
	}), rec)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, want := range []string{
		"obskit batchjob test-run: 3 steps, artifacts to embedded S3 server (gofakes3)",
		"step 1/3 done: bench-01\n", "step 3/3 done: bench-03\n",
		"uploaded 10/10 artifacts, ",
		"obskit batchjob test-run done: 3/3 steps, 10 artifacts stored (",
		", 0 failed, in ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "\r") {
		t.Error("stdout is not a terminal, but the progress bar was drawn")
	}
	traceID := traceOf(t, r.stdout)

	// Metrics, from the final export at shutdown.
	m := rec.metrics
	for _, c := range []struct {
		name   string
		match  map[string]string
		counts bool
		want   float64
	}{
		{MetricSteps, map[string]string{"batchjob.outcome": "success"}, false, 3},
		{MetricStepDuration, nil, true, 3},
		{MetricArtifacts, map[string]string{"batchjob.outcome": "success"}, false, 10},
		{MetricArtifactSize, nil, true, 10},
		{MetricRunDuration, map[string]string{"batchjob.outcome": "success"}, true, 1},
		{"objstore.operations", map[string]string{"objstore.operation": "put", "objstore.outcome": "success"}, false, 10},
	} {
		if got := m.sum(c.name, c.match, c.counts); got != c.want {
			t.Errorf("%s %v (counts %v) = %v, want %v", c.name, c.match, c.counts, got, c.want)
		}
	}
	if got := m.sum(MetricStepDuration, map[string]string{"batchjob.step": "bench-02"}, false); got < 0.03 {
		t.Errorf("step bench-02 lasted %vs, want at least the 30ms of simulated work", got)
	}

	// Spans: batchjob.run → 3 batchjob.step and batchjob.upload → 10 objstore.put → SDK spans.
	spans := rec.spans.GetSpans()
	byParent := map[string][]string{}
	ids := map[string]string{}
	for _, s := range spans {
		if s.SpanContext.TraceID().String() != traceID {
			t.Errorf("span %s in trace %s, want the run's %s", s.Name, s.SpanContext.TraceID(), traceID)
		}
		parent := ""
		if s.Parent.IsValid() {
			parent = s.Parent.SpanID().String()
		}
		byParent[parent] = append(byParent[parent], s.Name)
		ids[s.Name] = s.SpanContext.SpanID().String() // the last one of each name
	}
	if got := byParent[""]; len(got) != 1 || got[0] != "batchjob.run" {
		t.Fatalf("root spans %v, want one batchjob.run", got)
	}
	if got := fmt.Sprint(byParent[ids["batchjob.run"]]); got != "[batchjob.step batchjob.step batchjob.step batchjob.upload]" {
		t.Errorf("under batchjob.run: %s", got)
	}
	puts := byParent[ids["batchjob.upload"]]
	if len(puts) != 10 || strings.Count(strings.Join(puts, " "), "objstore.put") != 10 {
		t.Errorf("under batchjob.upload: %v, want 10 objstore.put", puts)
	}
	// The AWS SDK's own spans are opt-in (OBSKIT_S3_SDK_SPANS): nothing beneath an objstore.put.
	if sdk := byParent[ids["objstore.put"]]; len(sdk) != 0 {
		t.Errorf("spans beneath an objstore.put without OBSKIT_S3_SDK_SPANS: %v", sdk)
	}
	if n := strings.Count(r.stderr, `msg="step done"`); n != 3 || strings.Count(r.stderr, "trace_id="+traceID) < 7 {
		t.Errorf("console log: %d step records, want 3, all with the run's trace id", n)
	}
	exampletest.AssertNoSecrets(t, []string{canaryAWS, canaryHeader}, map[string]string{
		"stdout": r.stdout, "stderr": r.stderr, "spans": fmt.Sprint(spans)})
}

func TestRunStopsAtTimeout(t *testing.T) {
	rec := newRecorders()
	r := runJob(t, smallRun(map[string]string{"BATCHJOB_STEP_DURATION": "20s", "BATCHJOB_TIMEOUT": "300ms"}), rec)
	if !errors.Is(r.err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", r.err)
	}
	if r.took > 5*time.Second {
		t.Errorf("the run took %v past a 300ms limit", r.took)
	}
	if !strings.Contains(r.stdout, "obskit batchjob test-run FAILED: 0/3 steps, 0 artifacts stored") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if got := rec.metrics.sum(MetricSteps, map[string]string{"batchjob.outcome": "failure"}, false); got != 1 {
		t.Errorf("failed steps = %v, want 1", got)
	}
	if got := rec.metrics.sum(MetricRunDuration, map[string]string{"batchjob.outcome": "failure"}, true); got != 1 {
		t.Errorf("failed runs = %v, want 1", got)
	}
}

// The job against versitygw and a real Collector, through the variables a user sets.
func TestRunAgainstVersityAndCollector(t *testing.T) {
	srv := testserver.StartVersity(t)
	col := testserver.StartCollector(t)
	r := runJob(t, smallRun(exampletest.ServersEnv(srv, col, canaryHeader, nil)), nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, "S3 at "+srv.Endpoint+", bucket "+srv.Bucket+" under runs/test-run/") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	// The manifest and every artifact it lists are on the server, whole.
	dir := filepath.Join(srv.Dir, srv.Bucket, "runs", "test-run")
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var man manifest
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.RunID != "test-run" || len(man.Artifacts) != 9 {
		t.Fatalf("manifest %+v, want 9 artifacts of test-run", man)
	}
	for _, a := range man.Artifacts {
		data, err := os.ReadFile(filepath.Join(srv.Dir, srv.Bucket, a.Key))
		if err != nil || newArtifact(a.Key, data).SHA256 != a.SHA256 {
			t.Errorf("artifact %s on the server: err %v or content differs from the manifest", a.Key, err)
		}
	}
	// Telemetry reached the Collector: run metrics, objstore metrics, logs with trace ids.
	traceID := traceOf(t, r.stdout)
	testserver.WaitFor(t, func() bool { return len(col.ReadLogs(t)) > 0 && len(col.ReadMetrics(t)) > 0 }, 5*time.Second)
	names := map[string]bool{}
	for _, m := range col.ReadMetrics(t) {
		names[m.Name] = true
	}
	for _, n := range []string{MetricSteps, MetricStepDuration, MetricArtifacts, MetricRunDuration, "objstore.operations"} {
		if !names[n] {
			t.Errorf("the Collector got no %s", n)
		}
	}
	configLogged := false
	for _, l := range col.ReadLogs(t) {
		if l.TraceID != traceID {
			t.Errorf("log record %v has trace id %q, want %s", l.Body, l.TraceID, traceID)
		}
		configLogged = configLogged || l.Body == "configuration"
	}
	if !configLogged {
		t.Error("no configuration record reached the Collector")
	}
	exampletest.AssertNoSecrets(t, []string{srv.SecretKey, canaryHeader},
		map[string]string{"stdout": r.stdout, "stderr": r.stderr}, col.OutputDir)
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct{ variable, value string }{
		{"BATCHJOB_STEPS", "-2"},
		{"BATCHJOB_PROGRESS", "spinner"},
		{"BATCHJOB_TIMEOUT", "whenever"},
		{"OBSKIT_LOG_LEVEL", "LOUD"},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			r := runJob(t, map[string]string{tc.variable: tc.value}, nil)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.variable) || strings.Contains(r.err.Error(), tc.value) {
				t.Fatalf("err = %v; want one naming %s without its value", r.err, tc.variable)
			}
		})
	}
}

func TestREADMETable(t *testing.T) {
	sec := envdoc.Section{Name: "batchjob", Vars: envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(nil))}
	if err := envdoc.Check(filepath.Join("..", "..", "README.md"), *update, sec); err != nil {
		t.Fatal(err)
	}
}
