package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/esper-platform/obskit/bench/logbench"
	"github.com/esper-platform/obskit/bench/s3bench"
)

//go:embed report.md.tmpl
var reportTemplate string

// renderReport renders REPORT.md from r.
func renderReport(r *Results) ([]byte, error) {
	funcs := template.FuncMap{
		"ns":      fmtNs,
		"ms":      fmtMs,
		"us":      func(us float64) string { return fmtNs(us * 1000) },
		"ratio":   fmtRatio,
		"pct":     fmtPct,
		"count":   fmtCount,
		"size":    func(n int) string { return fmtSize(int64(n)) },
		"size64":  fmtSize,
		"sub":     func(a, b float64) float64 { return a - b },
		"libName": libName,
		"statusMark": func(s string) string {
			switch s {
			case StatusPass:
				return "✅ pass"
			case StatusFail:
				return "❌ fail"
			}
			return "— n/a"
		},
		"logTarget": func(row LogCallRow) string {
			if row.Library != logbench.Obskit {
				return ""
			}
			if row.Goroutines == 1 {
				return fmt.Sprintf("≤ %.1f×, ≤ %d allocs", maxLogRatio, maxLogAllocs)
			}
			if serial, ok := r.logCall(logbench.Obskit, 1); ok {
				return fmt.Sprintf("≤ %s (%.1f× serial)", fmtRatio(maxParallelDrift*serial.RatioToSlog), maxParallelDrift)
			}
			return ""
		},
		"s3Ratio": func(row S3LatRow) string {
			sdk, ok := r.s3Lat(s3bench.SDKPutObject, row.Size)
			if !ok || row.Library == s3bench.SDKPutObject {
				return ""
			}
			s := fmtRatio(ratio(row.P50Ms, sdk.P50Ms))
			if row.Library == s3bench.Obskit {
				s += fmt.Sprintf(" (target ≤ %.2f×)", maxLatencyRatio)
			}
			return s
		},
		"configRatio": func(row ConfigRow) string {
			for _, o := range r.ConfigLoads {
				if o.Loader == loaderObskit && o.Fields == row.Fields && row.Loader != loaderObskit {
					return fmtRatio(ratio(row.MeanUs, o.MeanUs))
				}
			}
			return ""
		},
		"chartsFor": func(section string) string {
			var b strings.Builder
			for _, c := range r.Charts {
				if c.Section == section {
					fmt.Fprintf(&b, "\n![%s](%s)\n", c.Title, c.File)
				}
			}
			return b.String()
		},
	}
	t, err := template.New("REPORT.md").Funcs(funcs).Parse(reportTemplate)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// libName shows a library's name in code style.
func libName(name string) string { return "`" + name + "`" }

// writeResults writes REPORT.md, results.json and the charts into dir.
func writeResults(dir string, r *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	charts, err := drawCharts(dir, r)
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	r.Charts = charts
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	md, err := renderReport(r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "REPORT.md"), md, 0o644)
}

// rerenderNote is added to the notes of a report drawn again by rerender.
const rerenderNote = "This report was drawn again from results.json (-render) after the run: the figures are the run's, the targets were evaluated by the current runner."

// rerender reads dir/results.json and writes REPORT.md and the charts again, with the targets
// evaluated anew (after a change of the template, the charts or the thresholds).
func rerender(dir string) error {
	js, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	var r Results
	if err := json.Unmarshal(js, &r); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "results.json"), err)
	}
	r.Charts = nil
	r.Targets = evaluateTargets(&r)
	if !slices.Contains(r.Notes, rerenderNote) {
		r.Notes = append(r.Notes, rerenderNote)
	}
	return writeResults(dir, &r)
}
