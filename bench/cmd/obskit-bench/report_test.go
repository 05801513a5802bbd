package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/bench/logbench"
	"github.com/esper-platform/obskit/bench/s3bench"
)

var update = flag.Bool("update", false, "rewrite testdata/REPORT.skeleton.md")

// syntheticResults returns results of every scenario with made-up figures: obskit costs
// logRatio × slog JSON per call, and the obskit fault run succeeds at faultRate.
func syntheticResults(logRatio, faultRate float64) *Results {
	r := &Results{
		Date: "2026-01-02", Commit: "0123456789ab", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 95,
		Machine: Machine{CPU: "Test CPU", Cores: 2, GOMAXPROCS: 2, MemoryMiB: 4096, GoVersion: "go1.26.0", OS: "Debian", Kernel: "6.1", Arch: "linux/amd64", LoadBefore: 0.5, LoadAfter: 0.7},
		Notes:   []string{"A note."},
	}
	for _, g := range []int{1, 4, 16, 64} {
		for i, lib := range logbench.Names() {
			wall := 1000.0 + 100*float64(i)
			if lib == logbench.SlogJSON {
				wall = 1000
			}
			if lib == logbench.Obskit {
				wall = 1000 * logRatio
			}
			r.LogCalls = append(r.LogCalls, LogCallRow{Library: lib, Goroutines: g, Calls: 1000, MeanNs: wall, P50Ns: wall, P95Ns: 2 * wall, P99Ns: 3 * wall,
				WallNsPerCall: wall, AllocsPerCall: 2, BytesPerCall: 200, RatioToSlog: wall / 1000})
		}
	}
	for _, contended := range []bool{false, true} {
		r.Bursts = append(r.Bursts,
			BurstRow{Library: logbench.StockOTel, Contended: contended, Sent: 200_000, Delivered: 80_000, Dropped: 120_000, Reported: -1, DeliveredPS: 100_000, DropRate: 0.6},
			BurstRow{Library: logbench.Obskit, Contended: contended, Sent: 200_000, Delivered: 200_000, Reported: 0, DeliveredPS: 400_000, Accounted: true},
			BurstRow{Library: logbench.Logpipe, Contended: contended, Sent: 200_000, Delivered: 200_000, Reported: 0, DeliveredPS: 420_000, Accounted: true})
	}
	for _, size := range []int{1 << 10, 1 << 20} {
		for i, lib := range s3bench.Names() {
			ms := 2 + float64(i)/10
			if lib == s3bench.Obskit {
				ms = 2.02 // within 3% of the bare SDK's 2 ms
			}
			r.S3Latency = append(r.S3Latency, S3LatRow{Library: lib, Size: size, Puts: 100, MeanMs: ms, P50Ms: ms, P95Ms: 2 * ms, P99Ms: 3 * ms, MBps: 50,
				AllocsPerPut: 600, BytesPerPut: 50_000, Samples: []float64{ms, ms * 1.1, ms * 0.9, ms * 2}})
		}
	}
	r.S3Large = []S3LargeRow{
		{Library: s3bench.SDKTransferManager, Size: 1 << 30, Puts: 2, MBps: 200, PeakHeapMiB: 60},
		{Library: s3bench.Obskit, Size: 1 << 30, Puts: 2, MBps: 198, PeakHeapMiB: 70},
	}
	r.S3Overhead = &S3Overhead{Puts: 1000, SDKCPUNs: 30_000, ObskitCPUNs: 33_000, OverheadNs: 3000, SDKAllocs: 400, ObskitAllocs: 430,
		OtelawsCPUNs: 37_000, OtelawsOverheadNs: 7000, OtelawsAllocs: 460}
	for _, level := range faultLevels {
		r.Faults = append(r.Faults,
			FaultRow{Library: s3bench.Obskit, Level: level.name, Uploads: 1000, Succeeded: int(1000 * faultRate), Verified: int(1000 * faultRate), SuccessRate: faultRate, P50Ms: 10, P95Ms: 100, P99Ms: 2000, Retries: 50},
			FaultRow{Library: s3bench.SDKPutObject, Level: level.name, Uploads: 1000, Succeeded: 900, Verified: 900, SuccessRate: 0.9, Retries: 70, FirstError: "retry quota exceeded"})
	}
	for _, fields := range []int{10, 100, 1000} {
		for _, l := range loaderOrder {
			r.ConfigLoads = append(r.ConfigLoads, ConfigRow{Loader: l, Fields: fields, Loads: 100, MeanUs: float64(fields), AllocsPerLoad: 10, BytesPerLoad: 1000})
		}
	}
	r.Soak = &SoakResult{Records: 1_000_000, Delivered: 900_000, Dropped: 100_000, Reported: 100_000, Uploads: 10_000, UploadsOK: 10_000, ElapsedS: 60, HeapBeforeMiB: 3, HeapPeakMiB: 80, HeapAfterMiB: 4, GoroutinesBefore: 5, GoroutinesAfter: 5}
	r.Targets = evaluateTargets(r)
	return r
}

// skeleton keeps a report's structure: headings, table header rows, the first two cells of each
// table row, image references and the result column, with every digit replaced by 9.
func skeleton(md string) string {
	digits := regexp.MustCompile(`[0-9]`)
	var out []string
	lines := strings.Split(md, "\n")
	for i, line := range lines {
		switch {
		case strings.HasPrefix(line, "#"), strings.HasPrefix(line, "!["):
			out = append(out, line)
		case strings.HasPrefix(line, "|"):
			cells := strings.Split(strings.Trim(line, "|"), "|")
			header := i+1 < len(lines) && strings.HasPrefix(lines[i+1], "|---")
			if header || strings.HasPrefix(line, "|---") {
				out = append(out, line)
				continue
			}
			row := "|"
			for _, c := range cells[:min(2, len(cells))] {
				row += " " + strings.TrimSpace(c) + " |"
			}
			for _, c := range cells {
				if c := strings.TrimSpace(c); strings.Contains(c, "pass") || strings.Contains(c, "fail") || strings.Contains(c, "n/a") {
					row += " " + c + " |"
				}
			}
			out = append(out, row)
		}
	}
	return digits.ReplaceAllString(strings.Join(out, "\n"), "9") + "\n"
}

// TestReportStructure renders synthetic results and compares the report's structure with
// testdata/REPORT.skeleton.md (go test -run TestReportStructure -update rewrites it).
func TestReportStructure(t *testing.T) {
	md, err := renderReport(syntheticResults(1.2, 1))
	if err != nil {
		t.Fatal(err)
	}
	got := skeleton(string(md))
	golden := filepath.Join("testdata", "REPORT.skeleton.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("report structure differs from %s (rerun with -update if intended):\n%s", golden, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines of want missing from got and those of got not in want.
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// TestReportFigures checks that the figures of the results land in the report beside their
// targets, with the verdict the thresholds give.
func TestReportFigures(t *testing.T) {
	tests := []struct {
		name      string
		logRatio  float64
		faultRate float64
		want      map[string]string // target ID → status
		contains  []string
	}{
		{"all met", 1.2, 1, map[string]string{"L1": StatusPass, "L4": StatusPass, "L5": StatusPass, "S1": StatusPass, "S4": StatusPass, "S6-mild": StatusPass, "S6-harsh": StatusPass, "K1": StatusPass},
			[]string{"| L1 | #4 |", "1.20× (1.2 µs)", "slog JSON 1 µs", "4.00× (400k/s)", "stock 100k/s", "3 µs (obskit 33 µs, 430 allocs)", "otelaws (one span per call, same providers) adds 7 µs", "| SDK + otelaws | 37 µs | 7 µs | 460 |", "99% (198 MB/s)", "100.0% of 1000, 1000 verified", "✅ pass"}},
		{"slow logging, lost uploads", 1.7, 0.99, map[string]string{"L1": StatusFail, "S6-mild": StatusFail, "S6-harsh": StatusFail},
			[]string{"1.70× (1.7 µs)", "99.00% of 1000, 990 verified", "❌ fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := syntheticResults(tt.logRatio, tt.faultRate)
			got := map[string]string{}
			for _, tc := range r.Targets {
				got[tc.ID] = tc.Status
			}
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("target %s: %q, want %q", id, got[id], want)
				}
			}
			md, err := renderReport(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.contains {
				if !bytes.Contains(md, []byte(s)) {
					t.Errorf("report lacks %q", s)
				}
			}
		})
	}
}

// TestReportNotMeasured checks that targets of scenarios that did not run say so.
func TestReportNotMeasured(t *testing.T) {
	r := &Results{Date: "2026-01-02", Commit: "abc", Skipped: map[string]string{scenarioFaults: "versitygw not available"}}
	r.Targets = evaluateTargets(r)
	for _, tc := range r.Targets {
		if tc.Status != StatusNA {
			t.Errorf("target %s: %q with nothing measured, want n/a", tc.ID, tc.Status)
		}
		if tc.ID == "S6" && !strings.Contains(tc.Note, "versitygw not available") {
			t.Errorf("S6 note %q does not give the reason", tc.Note)
		}
	}
	md, err := renderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("- s3-faults: versitygw not available")) {
		t.Error("report does not list the skipped scenario")
	}
}

// TestWriteResults writes synthetic results and checks the files: results.json round-trips,
// every chart is a PNG that REPORT.md references.
func TestWriteResults(t *testing.T) {
	dir := t.TempDir()
	r := syntheticResults(1.2, 1)
	if err := writeResults(dir, r); err != nil {
		t.Fatal(err)
	}
	checkResultsDir(t, dir, 5)

	// -render draws the same report again from results.json alone.
	before, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "s3-latency-1KiB.png")); err != nil {
		t.Fatal(err)
	}
	if err := rerender(dir); err != nil {
		t.Fatal(err)
	}
	after := checkResultsDir(t, dir, 5)
	got, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	note := []byte("\n> " + rerenderNote + "\n")
	if !bytes.Contains(got, note) {
		t.Error("re-rendered REPORT.md does not say it was drawn again")
	}
	if got = bytes.Replace(got, note, nil, 1); !bytes.Equal(got, before) {
		t.Errorf("re-rendered REPORT.md differs beyond its note:\n%s", lineDiff(string(before), string(got)))
	}
	if len(after.S3Latency) == 0 || len(after.S3Latency[0].Samples) == 0 {
		t.Error("results.json lost the S3 latency samples the charts are drawn from")
	}
}

// checkResultsDir checks a results folder: REPORT.md, results.json and at least minCharts PNG
// charts, each decodable and referenced from REPORT.md.
func checkResultsDir(t *testing.T, dir string, minCharts int) *Results {
	t.Helper()
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Results
	if err := json.Unmarshal(js, &r); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(r.Charts) < minCharts {
		t.Errorf("%d charts, want at least %d", len(r.Charts), minCharts)
	}
	for _, c := range r.Charts {
		f, err := os.Open(filepath.Join(dir, c.File))
		if err != nil {
			t.Error(err)
			continue
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 100 || cfg.Height < 100 {
			t.Errorf("%s: not a chart-sized PNG (%v, %dx%d)", c.File, err, cfg.Width, cfg.Height)
		}
		if !bytes.Contains(md, []byte("]("+c.File+")")) {
			t.Errorf("REPORT.md does not show %s", c.File)
		}
	}
	return &r
}

// TestFigures checks that every figure has a name under obskit.bench., a unit, and that the
// same name is never reused with the same attributes.
func TestFigures(t *testing.T) {
	fs := figures(syntheticResults(1.2, 1))
	if len(fs) < 50 {
		t.Fatalf("%d figures, want one per number of the results", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if !strings.HasPrefix(f.Name, "obskit.bench.") || f.Unit == "" {
			t.Errorf("figure %q unit %q", f.Name, f.Unit)
		}
		key := f.Name
		for _, a := range f.Attrs {
			key += "," + string(a.Key) + "=" + a.Value.String()
		}
		if seen[key] {
			t.Errorf("figure %s recorded twice", key)
		}
		seen[key] = true
	}
}
