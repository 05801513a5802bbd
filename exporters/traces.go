package exporters

import (
	"context"
	"errors"

	"github.com/esper-platform/obskit/exporters/otlpconf"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// NewSpanExporter builds the span exporters named in names (otlp, console, file, none) and
// returns them as one: each is decorated with the package's metrics, and several are fanned
// out (every batch goes to each in turn, errors joined). It returns nil and no error when
// names selects no exporter. An unknown name or a bad OTLP setting is an error.
func NewSpanExporter(ctx context.Context, names []string, opts ...Option) (sdktrace.SpanExporter, error) {
	sel, err := selectNames(Traces, names)
	if err != nil || len(sel) == 0 {
		return nil, err
	}
	c := newConfig(opts)
	exps, err := buildAll(ctx, sel, func(name string) (sdktrace.SpanExporter, error) {
		e, err := newSpanExporter(ctx, name, c)
		if err != nil {
			return nil, err
		}
		obs, err := newExporterObservation(c.meterProvider, Traces, name, c)
		if err != nil {
			_ = e.Shutdown(ctx)
			return nil, err
		}
		return instrumentedSpans{SpanExporter: e, obs: obs}, nil
	}, func(ctx context.Context, e sdktrace.SpanExporter) error { return e.Shutdown(ctx) })
	if err != nil {
		return nil, err
	}
	return FanOutSpans(exps...), nil
}

func newSpanExporter(ctx context.Context, name string, c config) (sdktrace.SpanExporter, error) {
	switch name {
	case Console:
		return stdouttrace.New(stdouttrace.WithWriter(c.console))
	case File:
		sink, err := openFileSink(c.fileDir, Traces)
		if err != nil {
			return nil, err
		}
		e, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpoint(fileHost), otlptracehttp.WithInsecure(),
			otlptracehttp.WithHTTPClient(sink.client()), otlptracehttp.WithRetry(otlptracehttp.RetryConfig{}))
		if err != nil {
			_ = sink.close()
			return nil, err
		}
		return closingSpans{SpanExporter: e, close: sink.close}, nil
	}
	t, err := c.otlp.resolve(Traces)
	if err != nil {
		return nil, err
	}
	if t.Protocol == otlpconf.ProtocolGRPC {
		o := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(t.Host), otlptracegrpc.WithHeaders(t.Headers),
			otlptracegrpc.WithTimeout(t.Timeout), otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig(retryPolicy(t.Timeout)))}
		if t.Insecure {
			o = append(o, otlptracegrpc.WithInsecure())
		}
		if t.Gzip {
			o = append(o, otlptracegrpc.WithCompressor("gzip"))
		}
		return otlptracegrpc.New(ctx, o...)
	}
	o := []otlptracehttp.Option{otlptracehttp.WithEndpoint(t.Host), otlptracehttp.WithURLPath(t.Path),
		otlptracehttp.WithHeaders(t.Headers), otlptracehttp.WithTimeout(t.Timeout),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig(retryPolicy(t.Timeout)))}
	if t.Insecure {
		o = append(o, otlptracehttp.WithInsecure())
	}
	if t.Gzip {
		o = append(o, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))
	}
	return otlptracehttp.New(ctx, o...)
}

// closingSpans closes the file sink after the exporter shuts down.
type closingSpans struct {
	sdktrace.SpanExporter
	close func() error
}

func (e closingSpans) Shutdown(ctx context.Context) error {
	return errors.Join(e.SpanExporter.Shutdown(ctx), e.close())
}

// spanFanout sends every batch to each exporter.
type spanFanout []sdktrace.SpanExporter

func (f spanFanout) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.ExportSpans(ctx, spans))
	}
	return errors.Join(errs...)
}

func (f spanFanout) Shutdown(ctx context.Context) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
