package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testserver"
)

// TestQuickRun runs the whole suite in -quick mode against a versitygw the runner starts, and
// checks that every scenario ran and the report holds every section, chart and target.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quick suite (about 30 s); skipped with -short")
	}
	testserver.Require(t, testserver.ToolVersity)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var progress strings.Builder
	dir, r, err := run(ctx, options{Quick: true, Out: t.TempDir(), Progress: &progress})
	if err != nil {
		t.Fatalf("run: %v\nprogress:\n%s", err, progress.String())
	}
	if len(r.Skipped) != 0 {
		t.Errorf("scenarios skipped: %v", r.Skipped)
	}
	got := checkResultsDir(t, dir, 5)
	if want := len(quickScale().Goroutines) * 6; len(got.LogCalls) != want {
		t.Errorf("%d per-call rows, want %d", len(got.LogCalls), want)
	}
	for _, tc := range got.Targets {
		if tc.Status == StatusNA {
			t.Errorf("target %s not measured: %s", tc.ID, tc.Note)
		}
	}
	for _, s := range suite() {
		if !strings.Contains(progress.String(), "] "+s.title+"\n") {
			t.Errorf("no progress line for %s in:\n%s", s.title, progress.String())
		}
	}
	if s := r.Soak; s == nil || s.Delivered == 0 || s.Reported != s.Dropped || s.UploadsOK != s.Uploads {
		t.Errorf("soak: %+v: want records delivered, every lost one counted, every upload stored", r.Soak)
	}
}

// TestRunExportsItself runs one short scenario with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
// real Collector and checks that the run's spans (one per scenario under the run's) and gauges
// arrive.
func TestRunExportsItself(t *testing.T) {
	col := testserver.StartCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://"+col.HTTPEndpoint)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	t.Setenv("OBSKIT_RUNTIME_METRICS", "false")
	_, r, err := run(context.Background(), options{Quick: true, Out: t.TempDir(), Progress: io.Discard, Only: []string{scenarioConfig}})
	if err != nil {
		t.Fatal(err)
	}
	var spans []testserver.Span
	testserver.WaitFor(t, func() bool { spans = col.ReadSpans(t); return len(spans) >= 2 }, 15*time.Second)
	var root, scenario *testserver.Span
	for i := range spans {
		switch spans[i].Name {
		case "obskit-bench":
			root = &spans[i]
		case "scenario " + scenarioConfig:
			scenario = &spans[i]
		}
	}
	if root == nil || scenario == nil {
		t.Fatalf("spans %v: want obskit-bench and scenario config", spanNames(spans))
	}
	if scenario.ParentSpanID != root.SpanID || scenario.Resource["service.name"] != "obskit-bench" {
		t.Errorf("scenario span parent %s (want %s), service.name %v", scenario.ParentSpanID, root.SpanID, scenario.Resource["service.name"])
	}
	var metrics []testserver.Metric
	testserver.WaitFor(t, func() bool { metrics = col.ReadMetrics(t); return hasGauge(metrics, "obskit.bench.config.load.mean") }, 15*time.Second)
	var points int
	for _, m := range metrics {
		if m.Name == "obskit.bench.config.load.mean" {
			points += len(m.Points)
			for _, p := range m.Points {
				if p.Value <= 0 || p.Attributes["obskit.bench.library"] == nil {
					t.Errorf("point %+v", p)
				}
			}
		}
	}
	if points != len(r.ConfigLoads) {
		t.Errorf("%d points of obskit.bench.config.load.mean, want one per loader and size (%d)", points, len(r.ConfigLoads))
	}
}

func spanNames(spans []testserver.Span) []string {
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
	}
	return names
}

func hasGauge(ms []testserver.Metric, name string) bool {
	for _, m := range ms {
		if m.Name == name && m.Type == "gauge" {
			return true
		}
	}
	return false
}
