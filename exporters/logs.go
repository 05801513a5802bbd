package exporters

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutlog"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// NewLogExporter builds the log exporters named in names (otlp, console, file, none) and
// returns them as one: each is decorated with the package's metrics, and several are fanned
// out (every batch goes to each in turn, errors joined). It returns nil and no error when
// names selects no exporter. An unknown name or a bad OTLP setting is an error.
func NewLogExporter(ctx context.Context, names []string, opts ...Option) (sdklog.Exporter, error) {
	sel, err := selectNames(Logs, names)
	if err != nil || len(sel) == 0 {
		return nil, err
	}
	c := newConfig(opts)
	exps, err := buildAll(ctx, sel, func(name string) (sdklog.Exporter, error) {
		e, err := newLogExporter(ctx, name, c)
		if err != nil {
			return nil, err
		}
		return instrumentedLogs{Exporter: e, inst: newInstrumentation(c.meterProvider, Logs, name)}, nil
	}, func(ctx context.Context, e sdklog.Exporter) error { return e.Shutdown(ctx) })
	if err != nil {
		return nil, err
	}
	return FanOutLogs(exps...), nil
}

func newLogExporter(ctx context.Context, name string, c config) (sdklog.Exporter, error) {
	switch name {
	case Console:
		return stdoutlog.New(stdoutlog.WithWriter(c.console))
	case File:
		sink, err := openFileSink(c.fileDir, Logs)
		if err != nil {
			return nil, err
		}
		e, err := otlploghttp.New(ctx, otlploghttp.WithEndpoint(fileHost), otlploghttp.WithInsecure(),
			otlploghttp.WithHTTPClient(sink.client()), otlploghttp.WithRetry(otlploghttp.RetryConfig{}))
		if err != nil {
			_ = sink.close()
			return nil, err
		}
		return closingLogs{Exporter: e, close: sink.close}, nil
	}
	t, err := c.otlp.resolve(Logs)
	if err != nil {
		return nil, err
	}
	if t.protocol == ProtocolGRPC {
		o := []otlploggrpc.Option{otlploggrpc.WithEndpoint(t.host), otlploggrpc.WithHeaders(t.headers),
			otlploggrpc.WithTimeout(t.timeout), otlploggrpc.WithRetry(otlploggrpc.RetryConfig(retryPolicy(t.timeout)))}
		if t.insecure {
			o = append(o, otlploggrpc.WithInsecure())
		}
		if t.compression {
			o = append(o, otlploggrpc.WithCompressor("gzip"))
		}
		return otlploggrpc.New(ctx, o...)
	}
	o := []otlploghttp.Option{otlploghttp.WithEndpoint(t.host), otlploghttp.WithURLPath(t.path),
		otlploghttp.WithHeaders(t.headers), otlploghttp.WithTimeout(t.timeout),
		otlploghttp.WithRetry(otlploghttp.RetryConfig(retryPolicy(t.timeout)))}
	if t.insecure {
		o = append(o, otlploghttp.WithInsecure())
	}
	if t.compression {
		o = append(o, otlploghttp.WithCompression(otlploghttp.GzipCompression))
	}
	return otlploghttp.New(ctx, o...)
}

// closingLogs closes the file sink after the exporter shuts down.
type closingLogs struct {
	sdklog.Exporter
	close func() error
}

func (e closingLogs) Shutdown(ctx context.Context) error {
	return errors.Join(e.Exporter.Shutdown(ctx), e.close())
}

// logFanout sends every batch to each exporter. Exporters must not retain or modify the
// records (the sdk/log Exporter contract), so they can share them.
type logFanout []sdklog.Exporter

func (f logFanout) Export(ctx context.Context, records []sdklog.Record) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.Export(ctx, records))
	}
	return errors.Join(errs...)
}

func (f logFanout) ForceFlush(ctx context.Context) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.ForceFlush(ctx))
	}
	return errors.Join(errs...)
}

func (f logFanout) Shutdown(ctx context.Context) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
