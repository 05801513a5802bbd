package exporters

import (
	"context"
	"errors"
	"slices"

	"github.com/esper-platform/obskit/exporters/logpipe"
)

// NewLogExporter builds the log exporters named in names (otlp, console, file, none) for
// obskit's log pipeline, [logpipe.Provider], and returns them as one: each is decorated with
// the package's metrics, and several are fanned out (see [FanOutLogs]). It returns nil and no
// error when names selects no exporter. An unknown name or a bad OTLP setting is an error.
//
//   - otlp is [logpipe.NewOTLPExporter] with the logs' OTLP settings of [WithOTLP] (the
//     OTEL_EXPORTER_OTLP_LOGS_* setting winning over OTEL_EXPORTER_OTLP_*) and TLS files
//     from the process environment (see [WithOTLP]).
//   - file appends each batch as one line of OTLP-JSON to logs.jsonl in the folder of
//     [WithFileDir], exactly as the span and metric file exporters do.
//   - console writes the same OTLP-JSON line, one per batch, to the writer of
//     [WithConsoleWriter].
func NewLogExporter(ctx context.Context, names []string, opts ...Option) (logpipe.Exporter, error) {
	sel, err := selectNames(Logs, names)
	if err != nil || len(sel) == 0 {
		return nil, err
	}
	c := newConfig(opts)
	exps, err := buildAll(ctx, sel, func(name string) (logpipe.Exporter, error) {
		e, err := newLogExporter(name, c)
		if err != nil {
			return nil, err
		}
		obs, err := newExporterObservation(c.meterProvider, Logs, name, c)
		if err != nil {
			_ = e.Shutdown(ctx)
			return nil, err
		}
		return instrumentedLogs{Exporter: e, obs: obs}, nil
	}, func(ctx context.Context, e logpipe.Exporter) error { return e.Shutdown(ctx) })
	if err != nil {
		return nil, err
	}
	return FanOutLogs(exps...), nil
}

func newLogExporter(name string, c config) (logpipe.Exporter, error) {
	switch name {
	case Console:
		return otlpJSONLogs{sink: newSink(c.console, nil, Logs)}, nil
	case File:
		sink, err := openFileSink(c.fileDir, Logs)
		if err != nil {
			return nil, err
		}
		return otlpJSONLogs{sink: sink}, nil
	}
	t, err := c.otlp.resolve(Logs)
	if err != nil {
		return nil, err
	}
	if t.TLSConfig, err = tlsConfigFromEnv(Logs, c.getenv); err != nil {
		return nil, err
	}
	return logpipe.NewOTLPExporter(t)
}

// otlpJSONLogs is the file and console log exporter: it decodes each batch's OTLP request
// and appends it as one OTLP-JSON line through a [fileSink].
type otlpJSONLogs struct {
	sink *fileSink
}

func (e otlpJSONLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return e.sink.writeRequest(b.Request())
}

func (e otlpJSONLogs) Shutdown(context.Context) error { return e.sink.close() }

// FanOutLogs returns one log Exporter that sends every batch to each of exps in turn; nil
// entries are skipped. With no exporter it returns nil, with one, that one. The exporters
// share the batch's request bytes, which are built once. A batch counts as delivered only if
// every exporter took it: when one fails, the error is the failures joined (and the pipeline
// counts the batch's records as dropped, export_failed); when the only errors are partial
// successes, the one rejecting most records is returned.
func FanOutLogs(exps ...logpipe.Exporter) logpipe.Exporter {
	exps = slices.DeleteFunc(slices.Clone(exps), func(e logpipe.Exporter) bool { return e == nil })
	switch len(exps) {
	case 0:
		return nil
	case 1:
		return exps[0]
	}
	return logFanout(exps)
}

// logFanout sends every batch to each exporter.
type logFanout []logpipe.Exporter

func (f logFanout) Export(ctx context.Context, b *logpipe.Batch) error {
	var failed []error
	var partial *logpipe.PartialSuccessError
	for _, e := range f {
		err := e.Export(ctx, b)
		var p *logpipe.PartialSuccessError
		switch {
		case err == nil:
		case errors.As(err, &p):
			if partial == nil || p.Rejected > partial.Rejected {
				partial = p
			}
		default:
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		if partial != nil {
			// Kept as text only, so that the pipeline counts the whole batch as failed.
			failed = append(failed, errors.New(partial.Error()))
		}
		return errors.Join(failed...)
	}
	if partial != nil {
		return partial
	}
	return nil
}

func (f logFanout) Shutdown(ctx context.Context) error {
	var errs []error
	for _, e := range f {
		errs = append(errs, e.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
