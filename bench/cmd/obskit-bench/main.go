package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/esper-platform/obskit/bench/s3bench"
)

// Scenario names (-only).
const (
	scenarioLogCalls   = "logging-per-call"
	scenarioBursts     = "logging-burst"
	scenarioS3Latency  = "s3-latency"
	scenarioS3Large    = "s3-large"
	scenarioS3Overhead = "s3-overhead"
	scenarioFaults     = "s3-faults"
	scenarioConfig     = "config"
	scenarioSoak       = "soak"
)

// options are the runner's flags.
type options struct {
	Quick bool
	// Out is the folder that receives the <date>-<commit> folder.
	Out string
	// Bar draws a progress bar; otherwise one line per scenario.
	Bar bool
	// Only lists the scenarios to run; empty means all.
	Only []string
	// LargeSize overrides the size of the s3-large object when not 0.
	LargeSize int64
	// Progress receives the progress output.
	Progress io.Writer
}

func main() {
	var o options
	var only string
	plain := flag.Bool("plain", false, "plain progress lines even on a terminal")
	flag.BoolVar(&o.Quick, "quick", false, "scaled-down run (about a minute)")
	flag.StringVar(&o.Out, "out", "results", "folder that receives <date>-<commit>/")
	flag.StringVar(&only, "only", "", "comma-separated scenarios to run (default all): "+strings.Join(allScenarios(), ", "))
	flag.Int64Var(&o.LargeSize, "large-size", 0, "bytes of the s3-large object (default 1 GiB, 32 MiB with -quick)")
	render := flag.String("render", "", "redraw REPORT.md and the charts of a results folder from its results.json, without running anything")
	flag.Parse()
	if *render != "" {
		if err := rerender(*render); err != nil {
			fmt.Fprintln(os.Stderr, "obskit-bench:", err)
			os.Exit(1)
		}
		fmt.Println(filepath.Join(*render, "REPORT.md"))
		return
	}
	if only != "" {
		o.Only = strings.Split(only, ",")
	}
	o.Bar = !*plain && isTerminal(os.Stderr)
	o.Progress = os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir, _, err := run(ctx, o)
	if dir != "" {
		fmt.Println(filepath.Join(dir, "REPORT.md"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "obskit-bench:", err)
		os.Exit(1)
	}
}

// scenario is one part of the suite.
type scenario struct {
	name   string
	title  string
	weight float64
	needS3 bool
	run    func(ctx context.Context, e *env) error
}

// env is what scenarios share.
type env struct {
	sc  scale
	srv *s3bench.Server
	r   *Results
	p   *progress
}

func suite() []scenario {
	return []scenario{
		{scenarioLogCalls, "logging: cost per call", 3, false, func(ctx context.Context, e *env) (err error) {
			e.r.LogCalls, err = runLogCalls(ctx, e.sc, e.p)
			return err
		}},
		{scenarioBursts, "logging: OTLP bursts", 3, false, func(ctx context.Context, e *env) (err error) {
			e.r.Bursts, err = runBursts(ctx, e.sc, e.p)
			return err
		}},
		{scenarioS3Latency, "S3: latency per library", 2, true, func(ctx context.Context, e *env) (err error) {
			e.r.S3Latency, err = runS3Latency(ctx, *e.srv, e.sc, e.p)
			return err
		}},
		{scenarioS3Large, "S3: large multipart Put", 2, true, func(ctx context.Context, e *env) (err error) {
			e.r.S3Large, err = runS3Large(ctx, *e.srv, e.sc, e.p)
			return err
		}},
		{scenarioS3Overhead, "S3: instrumentation overhead", 1, false, func(ctx context.Context, e *env) (err error) {
			e.r.S3Overhead, err = runS3Overhead(ctx, e.sc, e.p)
			return err
		}},
		{scenarioFaults, "S3: uploads with faults", 3, true, func(ctx context.Context, e *env) (err error) {
			e.r.Faults, err = runFaults(ctx, *e.srv, e.sc, e.p)
			return err
		}},
		{scenarioConfig, "config: load time", 1, false, func(ctx context.Context, e *env) (err error) {
			e.r.ConfigLoads, err = runConfig(ctx, e.sc, e.p)
			return err
		}},
		{scenarioSoak, "soak", 3, false, func(ctx context.Context, e *env) (err error) {
			e.r.Soak, err = runSoak(ctx, e.srv, e.sc, e.p)
			return err
		}},
	}
}

func allScenarios() []string {
	var names []string
	for _, s := range suite() {
		names = append(names, s.name)
	}
	return names
}

// run runs the suite and writes the results; it returns the results folder. A scenario that
// fails is reported in the results and in the error, and the others still run.
func run(ctx context.Context, o options) (string, *Results, error) {
	for _, name := range o.Only {
		if !slices.Contains(allScenarios(), name) {
			return "", nil, fmt.Errorf("unknown scenario %q (known: %s)", name, strings.Join(allScenarios(), ", "))
		}
	}
	sc := fullScale()
	if o.Quick {
		sc = quickScale()
	}
	if o.LargeSize > 0 {
		sc.LargeSize = o.LargeSize
	}
	commit, dirty := gitCommit(".")
	started := time.Now()
	r := &Results{
		Date: started.UTC().Format("2006-01-02"), Commit: commit, Quick: o.Quick, Started: started.UTC(),
		Machine: describeMachine(), Skipped: map[string]string{},
	}
	if dirty {
		r.Notes = append(r.Notes, "The working tree had uncommitted changes when this run started.")
	}
	var todo []scenario
	var total float64
	for _, s := range suite() {
		if len(o.Only) > 0 && !slices.Contains(o.Only, s.name) {
			r.Skipped[s.name] = "not selected (-only)"
			continue
		}
		todo = append(todo, s)
		total += s.weight
	}
	p := newProgress(o.Progress, o.Bar, total)

	rt, err := startTelemetry(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("telemetry: %w", err)
	}
	runCtx, runSpan := rt.tracer.Start(ctx, "obskit-bench")

	e := &env{sc: sc, r: r, p: p}
	if slices.ContainsFunc(todo, func(s scenario) bool { return s.needS3 || s.name == scenarioSoak }) {
		v, err := startVersity(ctx)
		if err != nil {
			p.Logf("versitygw: %v", err)
			for _, s := range todo {
				if s.needS3 {
					r.Skipped[s.name] = "versitygw not available: " + firstLine(err.Error())
				}
			}
		} else {
			defer v.Stop()
			e.srv = &v.Server
		}
	}
	var errs []error
	for _, s := range todo {
		if _, skip := r.Skipped[s.name]; skip {
			p.Begin(s.title+" (skipped)", s.weight)
			continue
		}
		p.Begin(s.title, s.weight)
		sctx, span := rt.scenario(runCtx, s.name)
		began := time.Now()
		err := s.run(sctx, e)
		endSpan(span, err)
		if err != nil {
			r.Skipped[s.name] = "failed: " + firstLine(err.Error())
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		p.Logf("%s: done in %.1fs", s.title, time.Since(began).Seconds())
	}
	if e.srv == nil && r.Soak != nil {
		r.Notes = append(r.Notes, "versitygw was not available: the soak logged records but uploaded nothing.")
	}
	r.Machine.LoadAfter = loadAverage()
	r.Duration = Seconds(time.Since(started).Seconds())
	if load := max(r.Machine.LoadBefore, r.Machine.LoadAfter); load > 0.5*float64(r.Machine.Cores) {
		r.Notes = append(r.Notes, fmt.Sprintf("The machine was shared: a load average of up to %.1f on %d cores (other processes compiling and testing). Absolute figures are noisy; compare the libraries within this run.", load, r.Machine.Cores))
	}
	if len(r.Skipped) == 0 {
		r.Skipped = nil
	}
	r.Targets = evaluateTargets(r)
	if err := rt.recordFigures(runCtx, r); err != nil {
		errs = append(errs, fmt.Errorf("telemetry: %w", err))
	}
	runSpan.End()
	if err := rt.shutdown(context.WithoutCancel(ctx)); err != nil {
		errs = append(errs, fmt.Errorf("telemetry shutdown: %w", err))
	}

	dir := filepath.Join(o.Out, r.Date+"-"+r.Commit)
	if err := writeResults(dir, r); err != nil {
		return "", r, errors.Join(append(errs, err)...)
	}
	p.Finish("report written to " + filepath.Join(dir, "REPORT.md"))
	return dir, r, errors.Join(errs...)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
