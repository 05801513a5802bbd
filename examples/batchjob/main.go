package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/storage"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

// shutdownTimeout bounds the final flush of telemetry, which may go to a remote Collector.
const shutdownTimeout = 15 * time.Second

func main() {
	p := process{environ: envconfig.Environ(), stdout: os.Stdout, stderr: os.Stderr}
	if err := run(context.Background(), p); err != nil {
		fmt.Fprintln(os.Stderr, "batchjob:", err)
		os.Exit(1)
	}
}

// process is what run takes from its surroundings; main fills it from the OS, tests with their
// own environment, buffers and exporters.
type process struct {
	environ        map[string]string
	stdout, stderr io.Writer
	// telemetry options added to Setup's (tests pass in-memory exporters and readers).
	telemetry []telemetry.Option
}

// run is the whole job: configuration, telemetry, storage, the run, the summary.
func run(ctx context.Context, p process) error {
	cfg, err := envconfig.Load[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(p.environ))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	env := envconfig.Environ(envconfig.WithEnvironment(p.environ))
	if env["OTEL_SERVICE_NAME"] == "" {
		env["OTEL_SERVICE_NAME"] = "obskit-batchjob"
	}
	telCfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		return err
	}
	prog := newProgress(p.stdout, cfg.Progress)
	opts := append([]telemetry.Option{telemetry.WithBlockingLogs(),
		telemetry.WithConsoleWriter(prog.around(p.stderr)), telemetry.WithDiagnostics(p.stderr)}, p.telemetry...)
	tel, err := telemetry.Setup(ctx, telCfg, opts...)
	if err != nil {
		return err
	}
	// Normally shut down below, before the summary; this covers the early returns.
	defer func() { _ = tel.Shutdown(context.WithoutCancel(ctx)) }()

	metrics, err := newRunMetrics(tel.MeterProvider().Meter(ScopeName))
	if err != nil {
		return err
	}
	st, err := storage.Open(ctx, p.environ, cfg.Bucket,
		s3.WithTracerProvider(tel.TracerProvider()), s3.WithMeterProvider(tel.MeterProvider()))
	if err != nil {
		return err
	}
	runID := cfg.RunID
	if runID == "" {
		runID = "run-" + time.Now().UTC().Format("20060102T150405Z")
	}
	j := &job{cfg: cfg, runID: runID, prefix: "runs/" + runID + "/", bucket: st.Bucket, log: tel.Logger(),
		tracer: tel.TracerProvider().Tracer(ScopeName), metrics: metrics, progress: prog,
		config: envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(p.environ))}
	fmt.Fprintf(p.stdout, "obskit batchjob %s: %d steps, artifacts to %s under %s\n", runID, cfg.Steps, st.Describe(), j.prefix)

	rep, runErr := j.run(ctx)

	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer scancel()
	telErr := tel.Shutdown(sctx)
	if telErr != nil {
		telErr = fmt.Errorf("telemetry shutdown: %w", telErr)
	}
	closeErr := st.Close()

	status := "done"
	if runErr != nil {
		status = "FAILED"
	}
	fmt.Fprintf(p.stdout, "obskit batchjob %s %s: %d/%d steps, %d artifacts stored (%s), %d failed, in %s; trace %s\n",
		runID, status, rep.steps, cfg.Steps, rep.artifacts, humanize.IBytes(uint64(rep.bytes)), rep.failed,
		rep.elapsed.Round(time.Millisecond), rep.traceID)
	return errors.Join(runErr, telErr, closeErr)
}
