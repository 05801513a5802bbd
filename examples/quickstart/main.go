package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/examples/internal/storage"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

// shutdownTimeout bounds the final flush of telemetry, which may go to a remote Collector.
const shutdownTimeout = 15 * time.Second

func main() {
	configFile := flag.String("config", "", "optional YAML or JSON file of quickstart settings, beneath the QUICKSTART_* variables (default: "+ConfigFileVar+")")
	flag.Parse()
	environ := envconfig.Environ()
	if *configFile != "" {
		environ[ConfigFileVar] = *configFile
	}
	if err := run(context.Background(), environ, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// run is the whole quickstart, reading environ instead of the process environment: it prints
// what it does and the summary on stdout, and logs on stderr.
func run(ctx context.Context, environ map[string]string, stdout, stderr io.Writer) (err error) {
	cfg, err := envconfig.Load[Config](configOptions(environ)...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	telEnv, dir, err := telemetryEnv(environ, cfg.OutDir)
	if err != nil {
		return err
	}
	telCfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(telEnv))
	if err != nil {
		return err
	}
	mark, err := otlpfile.MarkFiles(dir)
	if err != nil {
		return err
	}
	tel, err := telemetry.Setup(ctx, telCfg,
		telemetry.WithConsoleWriter(stderr), telemetry.WithDiagnostics(stderr))
	if err != nil {
		return err
	}
	// Normally shut down below, before the summary; this covers the early returns.
	defer func() { _ = tel.Shutdown(context.WithoutCancel(ctx)) }()

	fmt.Fprintln(stdout, "obskit quickstart")
	if path := environ[ConfigFileVar]; path != "" {
		fmt.Fprintf(stdout, "  config     %s beneath the QUICKSTART_* variables\n", path)
	}
	fmt.Fprintf(stdout, "  telemetry  OTLP-JSON lines in %s\n", dir)
	if ep := otlpEndpoint(environ); ep != "" {
		fmt.Fprintf(stdout, "             and OTLP to %s\n", ep)
	}

	var stats objstore.Stats
	st, err := storage.Open(ctx, environ, cfg.Bucket, s3.WithTracerProvider(tel.TracerProvider()),
		s3.WithMeterProvider(tel.MeterProvider()), s3.WithStats(&stats))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "  storage    %s\n", st.Describe())

	start := time.Now()
	res, runErr := exercise(ctx, tel, st.Bucket, cfg, envconfig.Describe[Config](configOptions(environ)...))
	res.elapsed = time.Since(start)

	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer scancel()
	shutdownErr := tel.Shutdown(sctx)
	closeErr := st.Close()
	contents, readErr := otlpfile.Read(dir, mark)

	printSummary(stdout, summary{
		result:   res,
		stats:    stats.Snapshot(),
		contents: contents,
		dir:      dir,
		traces:   hasFile(telCfg.TracesExporter),
		logs:     hasFile(telCfg.LogsExporter),
		metrics:  hasFile(telCfg.MetricsExporter),
	})
	if shutdownErr != nil {
		shutdownErr = fmt.Errorf("telemetry shutdown: %w", shutdownErr)
	}
	return errors.Join(runErr, shutdownErr, closeErr, readErr)
}

// hasFile reports whether an exporter list names the file exporter.
func hasFile(names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.TrimSpace(n) == "file" })
}

// otlpEndpoint returns the OTLP endpoint set in environ, without user information, or "".
func otlpEndpoint(environ map[string]string) string {
	for _, k := range otlpEndpointVars {
		if raw := environ[k]; raw != "" {
			u, err := url.Parse(raw)
			if err != nil {
				return "(" + k + ")"
			}
			u.User = nil
			return u.String()
		}
	}
	return ""
}
