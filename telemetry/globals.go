package telemetry

import (
	"log"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"

	"github.com/go-logr/logr/funcr"
	"github.com/go-logr/stdr"
	"go.opentelemetry.io/otel"
)

// InstallGlobals makes this Telemetry's providers, propagator and Logger the process-wide
// defaults: otel's TracerProvider, MeterProvider, TextMapPropagator, the global
// LoggerProvider, slog.Default (and with it the standard log package's output). It also sets
// the SDK's own logger at OTEL_LOG_LEVEL and an error handler that writes the SDK's errors to
// the diagnostics writer, rate-limited. It returns a function that puts the previous values
// back; the SDK's logger, which cannot be read, is put back to opentelemetry-go's default
// (stderr, errors only). Call it once, from main; libraries never should.
func (t *Telemetry) InstallGlobals() (restore func()) {
	prevTP, prevMP, prevLP := otel.GetTracerProvider(), otel.GetMeterProvider(), otel.GetLoggerProvider()
	prevProp, prevSlog := otel.GetTextMapPropagator(), slog.Default()
	prevLogOut, prevLogFlags, prevLogPrefix := log.Writer(), log.Flags(), log.Prefix()

	eh := &errorHandler{diag: t.diag}
	verbosity, _ := sdkLogVerbosity(t.cfg.SDKLogLevel)
	otel.SetLogger(funcr.New(func(prefix, args string) {
		_, _ = os.Stderr.WriteString("otel: " + prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: verbosity}))
	otel.SetErrorHandler(eh)
	otel.SetTracerProvider(t.tp)
	otel.SetMeterProvider(t.mp)
	otel.SetLoggerProvider(t.lp)
	otel.SetTextMapPropagator(t.propagator)
	slog.SetDefault(t.logger)

	return func() {
		// otel's initial error handler delegates, once and for good, to the first handler set,
		// which may be this one: once restored, this one writes as otel's default does, and a
		// handler like the default is installed (the previous one cannot be read back).
		eh.restored.Store(true)
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Print(err) }))
		otel.SetLogger(stdr.New(log.New(os.Stderr, "", log.LstdFlags|log.Lshortfile)))
		otel.SetTracerProvider(prevTP)
		otel.SetMeterProvider(prevMP)
		otel.SetLoggerProvider(prevLP)
		otel.SetTextMapPropagator(prevProp)
		slog.SetDefault(prevSlog)
		log.SetOutput(prevLogOut)
		log.SetFlags(prevLogFlags)
		log.SetPrefix(prevLogPrefix)
	}
}

// errorHandler writes the SDK's errors to the diagnostics writer, at most one per 10 seconds.
type errorHandler struct {
	diag     *diagnostics
	restored atomic.Bool
}

func (h *errorHandler) Handle(err error) {
	if h.restored.Load() {
		log.Print(err) // what otel's default handler does
		return
	}
	h.diag.otelError.Warn(func() string { return "obskit: opentelemetry: " + err.Error() })
}

// sdkLogVerbosity maps OTEL_LOG_LEVEL to opentelemetry-go's logr verbosity (errors are always
// logged; warn is V(1), info V(4), debug V(8)).
func sdkLogVerbosity(level string) (int, bool) {
	switch strings.ToLower(strings.TrimSpace(level)) {
	case "error":
		return 0, true
	case "warn", "warning":
		return 1, true
	case "info", "":
		return 4, true
	case "debug":
		return 8, true
	}
	return 0, false
}
