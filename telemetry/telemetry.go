package telemetry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/exporters/spanbatch"
	"github.com/esper-platform/obskit/internal/selfobs"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel/log"
	lognoop "go.opentelemetry.io/otel/log/noop"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// ScopeName is the instrumentation scope of the log records that [Telemetry.Logger] sends to
// the OTel log pipeline.
const ScopeName = "github.com/esper-platform/obskit/telemetry"

// Telemetry holds the providers made by [Setup] and the Logger that feeds them. Its methods
// are safe for concurrent use.
type Telemetry struct {
	cfg Config
	// extraMetricReaders says that readers were given with WithMetricReader; they may push at
	// shutdown (see pushesMetrics).
	extraMetricReaders bool
	tp                 trace.TracerProvider
	mp                 metric.MeterProvider
	lp                 log.LoggerProvider
	propagator         propagation.TextMapPropagator
	level              *slog.LevelVar
	deny               atomic.Pointer[denyList] // OBSKIT_LOG_REDACT_KEYS; SetRedactKeys replaces it
	restartWarner      *selfobs.Warner          // ApplyLive's warning about changes that need a restart
	logger             *slog.Logger
	diag               *diagnostics

	// Lifecycle steps, in shutdown order; nil when there is nothing to do.
	logsFlush, logsShutdown       func(context.Context) error
	tracesFlush, tracesShutdown   func(context.Context) error
	metricsFlush, metricsShutdown func(context.Context) error

	shutdownOnce sync.Once
	shutdownErr  error
}

// Setup builds the tracer, meter and logger providers described by cfg, and a Logger whose
// records go to the OTel log pipeline and to the console. It returns an error, and has
// started nothing, when cfg is invalid or an exporter cannot be made. It does not touch the
// OTel globals (see [Telemetry.InstallGlobals]). It writes one warning on the diagnostics
// writer for each unrecognised OTEL_* variable that [ConfigFromEnv] recorded in cfg. With an
// empty environment it exports nothing, logs text to stderr and returns at once: see the
// package documentation for why.
func Setup(ctx context.Context, cfg Config, opts ...Option) (*Telemetry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := newOptions(opts)
	t := &Telemetry{cfg: cfg, level: new(slog.LevelVar), diag: newDiagnostics(o.diag)}
	t.restartWarner = selfobs.NewWarner(t.diag.w, warnEvery, nil)
	t.level.Set(cfg.LogLevel)
	t.propagator, _ = cfg.propagator() // validated
	if len(o.propagators) > 0 {
		t.propagator = propagation.NewCompositeTextMapPropagator(append([]propagation.TextMapPropagator{t.propagator}, o.propagators...)...)
	}
	t.warnUnknownVars()

	t.deny.Store(newDenyList(cfg.LogRedactKeys))
	h := &handler{level: t.level, deny: &t.deny, console: consoleHandler(cfg.LogConsole, o.console)}
	if cfg.Disabled {
		t.tp, t.mp, t.lp = tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider(), lognoop.NewLoggerProvider()
		t.logger = slog.New(h)
		return t, nil
	}
	if err := t.build(ctx, o, h); err != nil {
		// Release what was started, within a bounded time of its own.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), otlpconf.DefaultTimeout)
		defer cancel()
		return nil, errors.Join(err, t.Shutdown(sctx))
	}
	t.logger = slog.New(h)
	return t, nil
}

// build makes the providers: metrics first, since the log and export pipelines record
// their own metrics into it, then traces, then logs.
func (t *Telemetry) build(ctx context.Context, o options, h *handler) error {
	cfg := &t.cfg
	res, err := newResource(ctx, cfg, o.resourceAttrs, o.detectors, t.diag.w)
	if err != nil {
		return err
	}
	expOpts := []exporters.Option{
		exporters.WithOTLP(cfg.OTLP),
		exporters.WithFileDir(cfg.FileExporterDir),
		exporters.WithPrometheusAddr(cfg.prometheusAddr()),
		exporters.WithMetricInterval(cfg.MetricExportInterval.Std(), cfg.MetricExportTimeout.Std()),
		exporters.WithConsoleWriter(o.exporterConsole),
	}

	// The metric exporters record their own metrics into the MeterProvider they feed, which
	// can only exist after them: a no-op until SetMeterProvider.
	readers, err := exporters.NewMetricReaders(ctx, cfg.exporterNames(exporters.Metrics),
		append(expOpts, exporters.WithMeterProvider(metricnoop.NewMeterProvider()))...)
	if err != nil {
		return err
	}
	mopts := []sdkmetric.Option{sdkmetric.WithResource(res), sdkmetric.WithView(o.views...)}
	if o.cardinality > 0 {
		mopts = append(mopts, sdkmetric.WithCardinalityLimit(o.cardinality))
	}
	t.extraMetricReaders = len(o.metricReaders) > 0
	for _, r := range append(readers.Readers, o.metricReaders...) {
		mopts = append(mopts, sdkmetric.WithReader(r))
	}
	mp := sdkmetric.NewMeterProvider(mopts...)
	readers.SetMeterProvider(mp)
	t.mp = mp
	t.metricsFlush = mp.ForceFlush
	t.metricsShutdown = func(ctx context.Context) error { return errors.Join(mp.Shutdown(ctx), readers.Close(ctx)) }
	expOpts = append(expOpts, exporters.WithMeterProvider(mp))
	if cfg.RuntimeMetrics {
		if err := runtime.Start(runtime.WithMeterProvider(mp)); err != nil {
			return err
		}
	}

	spanExp, err := exporters.NewSpanExporter(ctx, cfg.exporterNames(exporters.Traces), expOpts...)
	if err != nil {
		return err
	}
	sampler, _ := cfg.sampler() // validated
	if o.sampler != nil && !cfg.samplerFromEnv {
		sampler = o.sampler
	}
	topts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithSampler(sampler)}
	var abortSpans func()
	if e := exporters.FanOutSpans(append([]sdktrace.SpanExporter{spanExp}, o.spanExporters...)...); e != nil {
		bsp, err := spanbatch.New(e,
			spanbatch.WithScheduleDelay(cfg.BSPScheduleDelay.Std()),
			spanbatch.WithExportTimeout(cfg.BSPExportTimeout.Std()),
			spanbatch.WithMaxQueueSize(cfg.BSPMaxQueueSize),
			spanbatch.WithMaxExportBatchSize(cfg.BSPMaxExportBatchSize),
			spanbatch.WithMeterProvider(mp),
			spanbatch.WithWarningWriter(t.diag.w),
			spanbatch.WithWarningInterval(warnEvery))
		if err != nil {
			_ = e.Shutdown(ctx)
			return err
		}
		topts = append(topts, sdktrace.WithSpanProcessor(bsp))
		abortSpans = func() {
			// The exporter is shut first, so the batcher's last export fails at once
			// instead of waiting for an unreachable endpoint.
			actx, cancel := context.WithTimeout(context.Background(), abortTimeout)
			defer cancel()
			_ = e.Shutdown(actx)
			_ = bsp.Shutdown(actx)
		}
	}
	if cfg.file != nil {
		// The file's span limits (or the specification's defaults), not OTEL_SPAN_* from the
		// process environment, which the SDK would read otherwise.
		topts = append(topts, sdktrace.WithRawSpanLimits(cfg.file.spanLimits))
	}
	for _, sp := range o.spanProcessors {
		topts = append(topts, sdktrace.WithSpanProcessor(sp))
	}
	// Spans are recorded even when none is exported, so logs carry trace and span ids.
	tp := sdktrace.NewTracerProvider(topts...)
	t.tp, t.tracesFlush = tp, tp.ForceFlush
	t.tracesShutdown = func(ctx context.Context) error {
		err := tp.Shutdown(ctx)
		if ctx.Err() != nil && abortSpans != nil {
			// The SDK's TracerProvider gives up at once on a done context and leaves the
			// batcher's goroutine running for good (Shutdown cannot be called again): stop it,
			// dropping the spans it still holds.
			abortSpans()
		}
		return err
	}

	logExp, err := exporters.NewLogExporter(ctx, cfg.exporterNames(exporters.Logs), expOpts...)
	if err != nil {
		return err
	}
	logExp = exporters.FanOutLogs(append([]logpipe.Exporter{logExp}, o.logExporters...)...)
	if logExp == nil {
		// No destination: the Logger writes to the console only, and nothing is lost.
		t.lp = lognoop.NewLoggerProvider()
		return nil
	}
	valueLen := -1
	if l := cfg.LogRecordAttributeValueLengthLimit; l != nil {
		valueLen = *l
	}
	pipeline, err := newLogPipeline(logExp, res, logPipelineSettings{
		queueSize:      cfg.BLRPMaxQueueSize,
		batchSize:      cfg.BLRPMaxExportBatchSize,
		interval:       cfg.BLRPScheduleDelay.Std(),
		timeout:        cfg.BLRPExportTimeout.Std(),
		block:          cfg.LogBlock || o.block,
		attrCountLimit: cfg.LogRecordAttributeCountLimit,
		attrValueLen:   valueLen,
	}, mp, t.diag.w)
	if err != nil {
		_ = logExp.Shutdown(ctx)
		return err
	}
	t.lp, t.logsFlush, t.logsShutdown = pipeline, flushLogs(pipeline), pipeline.Shutdown
	h.otel = otelslog.NewHandler(ScopeName, otelslog.WithLoggerProvider(pipeline))
	return nil
}

// abortTimeout bounds the clean-up of a Shutdown whose context was already done.
const abortTimeout = time.Second

// consoleHandler makes the console output named by OBSKIT_LOG_CONSOLE, or nil for off.
func consoleHandler(mode string, w io.Writer) slog.Handler {
	hopts := &slog.HandlerOptions{Level: consoleLevel}
	switch mode {
	case consoleJSON:
		return slog.NewJSONHandler(w, hopts)
	case consoleOff:
		return nil
	}
	return slog.NewTextHandler(w, hopts)
}

// warnUnknownVars writes one warning per OTEL_* variable that ConfigFromEnv found set but not
// recognised.
func (t *Telemetry) warnUnknownVars() {
	for _, name := range t.cfg.unknownVars {
		_, _ = io.WriteString(t.diag.w, "obskit: "+name+" is set but not recognised; it is ignored\n")
	}
}

// Logger returns the Logger whose records go, behind one level, to the OTel log pipeline and
// to the console handler.
func (t *Telemetry) Logger() *slog.Logger { return t.logger }

// LevelVar returns the level shared by both log outputs; changing it takes effect at once.
func (t *Telemetry) LevelVar() *slog.LevelVar { return t.level }

// SetLevel changes the log level of both outputs at run time.
func (t *Telemetry) SetLevel(l slog.Level) { t.level.Set(l) }

// TracerProvider returns the TracerProvider, to inject into instrumented libraries.
func (t *Telemetry) TracerProvider() trace.TracerProvider { return t.tp }

// MeterProvider returns the MeterProvider, to inject into instrumented libraries.
func (t *Telemetry) MeterProvider() metric.MeterProvider { return t.mp }

// LoggerProvider returns the OTel LoggerProvider the Logger feeds (a no-op one when no log
// exporter is configured), to inject into other log bridges.
func (t *Telemetry) LoggerProvider() log.LoggerProvider { return t.lp }

// Propagator returns the propagator named by OTEL_PROPAGATORS.
func (t *Telemetry) Propagator() propagation.TextMapPropagator { return t.propagator }
