package main

import (
	"context"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/esper-platform/obskit/telemetry"
)

// scopeName is the instrumentation scope of the run's own spans and metrics.
const scopeName = "github.com/esper-platform/obskit/bench/cmd/obskit-bench"

// runTelemetry exports the run itself through obskit's telemetry when
// OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per scenario under a span for the run, and a gauge
// per figure at the end.
type runTelemetry struct {
	tel    *telemetry.Telemetry
	tracer trace.Tracer
}

// startTelemetry sets telemetry up from the process environment when
// OTEL_EXPORTER_OTLP_ENDPOINT is set, and returns a no-op one otherwise. The service name
// defaults to obskit-bench and the console log output to off.
func startTelemetry(ctx context.Context) (*runTelemetry, error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
		return &runTelemetry{tracer: noop.NewTracerProvider().Tracer(scopeName)}, nil
	}
	cfg, err := telemetry.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "obskit-bench"
	}
	if os.Getenv("OBSKIT_LOG_CONSOLE") == "" {
		cfg.LogConsole = "off"
	}
	tel, err := telemetry.Setup(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &runTelemetry{tel: tel, tracer: tel.TracerProvider().Tracer(scopeName)}, nil
}

// scenario starts the span of one scenario; end it with endSpan.
func (t *runTelemetry) scenario(ctx context.Context, name string) (context.Context, trace.Span) {
	return t.tracer.Start(ctx, "scenario "+name, trace.WithAttributes(attribute.String("obskit.bench.scenario", name)))
}

// endSpan ends span with err as its status.
func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// recordFigures records one gauge per figure of r, then shuts the telemetry down (which exports
// them).
func (t *runTelemetry) recordFigures(ctx context.Context, r *Results) error {
	if t.tel == nil {
		return nil
	}
	meter := t.tel.MeterProvider().Meter(scopeName)
	common := []attribute.KeyValue{attribute.String("obskit.bench.commit", r.Commit), attribute.Bool("obskit.bench.quick", r.Quick)}
	gauges := map[string]metric.Float64Gauge{}
	for _, f := range figures(r) {
		g, ok := gauges[f.Name]
		if !ok {
			var err error
			g, err = meter.Float64Gauge(f.Name, metric.WithUnit(f.Unit))
			if err != nil {
				return err
			}
			gauges[f.Name] = g
		}
		g.Record(ctx, f.Value, metric.WithAttributes(append(f.Attrs, common...)...))
	}
	return nil
}

// shutdown flushes and stops the telemetry.
func (t *runTelemetry) shutdown(ctx context.Context) error {
	if t.tel == nil {
		return nil
	}
	return t.tel.Shutdown(ctx)
}

// figure is one number of the results as a gauge.
type figure struct {
	Name  string
	Unit  string
	Value float64
	Attrs []attribute.KeyValue
}

// figures flattens r into gauges: one metric name per kind of figure, attributes for the
// library and the scenario's parameters.
func figures(r *Results) []figure {
	var fs []figure
	add := func(name, unit string, v float64, attrs ...attribute.KeyValue) {
		fs = append(fs, figure{Name: "obskit.bench." + name, Unit: unit, Value: v, Attrs: attrs})
	}
	lib := func(s string) attribute.KeyValue { return attribute.String("obskit.bench.library", s) }
	for _, row := range r.LogCalls {
		a := []attribute.KeyValue{lib(row.Library), attribute.Int("obskit.bench.goroutines", row.Goroutines)}
		add("log.call.mean", "ns", row.MeanNs, a...)
		add("log.call.p95", "ns", row.P95Ns, a...)
		add("log.call.p99", "ns", row.P99Ns, a...)
		add("log.call.allocs", "{allocation}", row.AllocsPerCall, a...)
		add("log.call.ratio_to_slog_json", "1", row.RatioToSlog, a...)
	}
	for _, row := range r.Bursts {
		a := []attribute.KeyValue{lib(row.Library), attribute.Bool("obskit.bench.contended", row.Contended)}
		add("log.burst.delivered_rate", "{record}/s", row.DeliveredPS, a...)
		add("log.burst.dropped", "{record}", float64(row.Dropped), a...)
	}
	for _, row := range r.S3Latency {
		a := []attribute.KeyValue{lib(row.Library), attribute.Int("obskit.bench.size", row.Size)}
		add("s3.put.latency.mean", "ms", row.MeanMs, a...)
		add("s3.put.latency.p99", "ms", row.P99Ms, a...)
		add("s3.put.allocs", "{allocation}", row.AllocsPerPut, a...)
	}
	for _, row := range r.S3Large {
		add("s3.large.throughput", "MBy/s", row.MBps, lib(row.Library), attribute.Int64("obskit.bench.size", row.Size))
		add("s3.large.peak_heap", "MiBy", row.PeakHeapMiB, lib(row.Library), attribute.Int64("obskit.bench.size", row.Size))
	}
	if o := r.S3Overhead; o != nil {
		add("s3.put.overhead", "ns", o.OverheadNs)
	}
	for _, row := range r.Faults {
		a := []attribute.KeyValue{lib(row.Library), attribute.String("obskit.bench.fault_level", row.Level)}
		add("s3.faults.success_rate", "1", row.SuccessRate, a...)
		add("s3.faults.latency.p99", "ms", row.P99Ms, a...)
		add("s3.faults.retries", "{retry}", float64(row.Retries), a...)
	}
	for _, row := range r.ConfigLoads {
		add("config.load.mean", "us", row.MeanUs, lib(row.Loader), attribute.Int("obskit.bench.fields", row.Fields))
	}
	if s := r.Soak; s != nil {
		add("soak.heap_after", "MiBy", s.HeapAfterMiB)
		add("soak.goroutines_after", "{goroutine}", float64(s.GoroutinesAfter))
		add("soak.dropped", "{record}", float64(s.Dropped))
	}
	for _, t := range r.Targets {
		if t.Status == StatusNA {
			continue
		}
		v := 0.0
		if t.Status == StatusPass {
			v = 1
		}
		add("target.pass", "1", v, attribute.String("obskit.bench.target", t.ID), attribute.String("obskit.bench.issue", t.Issue))
	}
	return fs
}
