package main

import (
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/esper-platform/obskit/bench/s3bench"
)

// drawCharts draws the PNG charts of r into dir and returns them; a chart whose scenario did
// not run is not drawn.
func drawCharts(dir string, r *Results) ([]Chart, error) {
	var charts []Chart
	save := func(p *plot.Plot, file, title, section string, w vg.Length) error {
		if err := p.Save(w, 10*vg.Centimeter, filepath.Join(dir, file)); err != nil {
			return err
		}
		charts = append(charts, Chart{File: file, Title: title, Section: section})
		return nil
	}
	if len(r.LogCalls) > 0 {
		for _, q := range []struct {
			file, title string
			value       func(LogCallRow) float64
		}{
			{"log-call-mean.png", "Logging: mean time per call by library and goroutine count", func(row LogCallRow) float64 { return row.MeanNs }},
			{"log-call-p99.png", "Logging: p99 time per call by library and goroutine count", func(row LogCallRow) float64 { return row.P99Ns }},
		} {
			p, err := logChart(r, q.title, q.value)
			if err != nil {
				return nil, err
			}
			if err := save(p, q.file, q.title, "logging", 18*vg.Centimeter); err != nil {
				return nil, err
			}
		}
	}
	for _, size := range []int{1 << 10, 1 << 20} {
		title := "S3: Put latency distribution per library, " + fmtSize(int64(size))
		p, ok, err := s3Chart(r, size, title)
		if err != nil {
			return nil, err
		}
		if ok {
			if err := save(p, "s3-latency-"+fmtSize(int64(size))+".png", title, "s3", 22*vg.Centimeter); err != nil {
				return nil, err
			}
		}
	}
	if len(r.Faults) > 0 {
		title := "S3: success rate per fault level"
		p, err := faultChart(r, title)
		if err != nil {
			return nil, err
		}
		if err := save(p, "s3-faults.png", title, "faults", 14*vg.Centimeter); err != nil {
			return nil, err
		}
	}
	return charts, nil
}

// logChart draws one line per library across the goroutine counts, on a logarithmic axis of
// nanoseconds.
func logChart(r *Results, title string, value func(LogCallRow) float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "ns per call (log scale)"
	p.X.Label.Text = "goroutines"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	gs := goroutineCounts(r)
	var libs []string
	for _, row := range r.LogCalls {
		if row.Goroutines == gs[0] {
			libs = append(libs, row.Library)
		}
	}
	for i, lib := range libs {
		pts := make(plotter.XYs, len(gs))
		for j, g := range gs {
			row, _ := r.logCall(lib, g)
			pts[j] = plotter.XY{X: float64(j), Y: max(value(row), 1)}
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color = plotutil.Color(i)
		line.Width = vg.Points(1.5)
		points.Color = plotutil.Color(i)
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		p.Legend.Add(lib, line, points)
	}
	names := make([]string, len(gs))
	for j, g := range gs {
		names[j] = strconv.Itoa(g)
	}
	p.NominalX(names...)
	p.Legend.Top = true
	p.Legend.Left = true
	return p, nil
}

// s3Chart draws one box plot per library of the Put latencies of one size.
func s3Chart(r *Results, size int, title string) (*plot.Plot, bool, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "ms per Put (log scale)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	var names []string
	for _, row := range r.S3Latency {
		if row.Size != size || len(row.Samples) == 0 {
			continue
		}
		box, err := plotter.NewBoxPlot(vg.Points(30), float64(len(names)), plotter.Values(row.Samples))
		if err != nil {
			return nil, false, err
		}
		box.FillColor = plotutil.Color(len(names))
		p.Add(box)
		names = append(names, row.Library)
	}
	if len(names) == 0 {
		return nil, false, nil
	}
	p.NominalX(names...)
	return p, true, nil
}

// faultChart draws grouped bars of success rates: one group per fault level, one bar per
// library.
func faultChart(r *Results, title string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "uploads succeeded (%)"
	w := vg.Points(30)
	for i, lib := range faultLibraries {
		vs := make(plotter.Values, len(faultLevels))
		for j, level := range faultLevels {
			row, _ := r.fault(lib, level.name)
			vs[j] = 100 * row.SuccessRate
		}
		bar, err := plotter.NewBarChart(vs, w)
		if err != nil {
			return nil, err
		}
		bar.Color = plotutil.Color(i)
		bar.LineStyle.Width = 0
		bar.Offset = w * vg.Length(float64(i)-float64(len(faultLibraries)-1)/2)
		p.Add(bar)
		p.Legend.Add(libLabel(lib), bar)
	}
	names := make([]string, len(faultLevels))
	for j, level := range faultLevels {
		names[j] = level.name
	}
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, 125 // room for the legend above the bars
	p.X.Min, p.X.Max = -0.7, float64(len(faultLevels))-0.3
	p.Legend.Top = true
	return p, nil
}

// libLabel names a library in a chart legend.
func libLabel(lib string) string {
	if lib == s3bench.SDKPutObject {
		return lib + " (SDK defaults)"
	}
	return lib
}
