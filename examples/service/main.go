package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/examples/internal/storage"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

func main() {
	p := process{environ: envconfig.Environ(), stdout: os.Stdout, stderr: os.Stderr}
	if err := run(context.Background(), p); err != nil {
		fmt.Fprintln(os.Stderr, "service:", err)
		os.Exit(1)
	}
}

// process is what run takes from its surroundings; main fills it from the OS, tests with their
// own environment, buffers and in-memory exporters.
type process struct {
	environ        map[string]string
	stdout, stderr io.Writer
	// telemetry options added to Setup's (tests pass in-memory exporters).
	telemetry []telemetry.Option
	// listening, when not nil, is called with the listener's address once it accepts connections.
	listening func(addr string)
}

// run serves until ctx is done or the process gets SIGINT or SIGTERM, then shuts down
// gracefully (see the package documentation).
func run(ctx context.Context, p process) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := envconfig.Load[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(p.environ))
	if err != nil {
		return err
	}
	telEnv := withDefault(p.environ, "OTEL_SERVICE_NAME", "obskit-service")
	telCfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(telEnv))
	if err != nil {
		return err
	}
	opts := append([]telemetry.Option{telemetry.WithConsoleWriter(p.stderr), telemetry.WithDiagnostics(p.stderr)},
		p.telemetry...)
	tel, err := telemetry.Setup(ctx, telCfg, opts...)
	if err != nil {
		return err
	}
	// Normally shut down below with the shutdown timeout; this covers the early returns.
	defer func() { _ = tel.Shutdown(context.WithoutCancel(ctx)) }()
	log := tel.Logger()

	st, err := storage.Open(ctx, p.environ, cfg.Bucket,
		s3.WithTracerProvider(tel.TracerProvider()), s3.WithMeterProvider(tel.MeterProvider()))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = st.Close()
		return err
	}
	f := &files{bucket: st.Bucket, log: log, maxUpload: cfg.MaxUploadBytes}
	srv := &http.Server{
		Handler:           instrument(f.routes(), tel, cfg.RequestTimeout),
		ReadHeaderTimeout: 10 * time.Second,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	addr := ln.Addr().String()
	fmt.Fprintf(p.stdout, "obskit service listening on http://%s\n  storage  %s\n", addr, st.Describe())
	log.Info("service started", "addr", addr, "storage", st.Describe())
	envconfig.Log(ctx, log, envconfig.Describe[Config](envconfig.WithPrefix(Prefix), envconfig.WithEnvironment(p.environ)))
	if p.listening != nil {
		p.listening(addr)
	}

	var failed error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "cause", context.Cause(ctx).Error())
	case failed = <-serveErr:
		log.Error("server failed", "error", failed)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	shutdownErr := srv.Shutdown(sctx)
	if failed == nil {
		<-serveErr // http.ErrServerClosed
	}
	closeErr := st.Close()
	log.Info("service stopped")
	telErr := tel.Shutdown(sctx)
	if telErr != nil {
		telErr = fmt.Errorf("telemetry shutdown: %w", telErr)
	}
	fmt.Fprintln(p.stdout, "obskit service stopped")
	return errors.Join(failed, shutdownErr, closeErr, telErr)
}

// instrument wraps the routes in otelhttp (one server span per request, named by its route once
// routed, and the http.server.* metrics) and gives each request a time limit. otelhttp hands its
// request straight to the mux, which records the matched pattern on it for the span name.
func instrument(mux *http.ServeMux, tel *telemetry.Telemetry, timeout time.Duration) http.Handler {
	traced := otelhttp.NewHandler(mux, "http.server",
		otelhttp.WithTracerProvider(tel.TracerProvider()),
		otelhttp.WithMeterProvider(tel.MeterProvider()),
		otelhttp.WithPropagators(tel.Propagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if r.Pattern != "" {
				return r.Pattern
			}
			return r.Method
		}),
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		traced.ServeHTTP(w, r.WithContext(ctx))
	})
}

// withDefault returns a copy of environ in which key is set to value unless it was set.
func withDefault(environ map[string]string, key, value string) map[string]string {
	env := envconfig.Environ(envconfig.WithEnvironment(environ))
	if env[key] == "" {
		env[key] = value
	}
	return env
}
