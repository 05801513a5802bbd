package telemetry

import (
	"io"
	"os"

	"github.com/esper-platform/obskit/exporters/logpipe"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Option configures [Setup]. A nil Option is skipped, and an option given a nil or zero
// value leaves its setting at the default its comment names.
type Option interface {
	apply(options) options
}

type options struct {
	diag            io.Writer
	console         io.Writer
	exporterConsole io.Writer // nil: the exporters' default, os.Stdout
	block           bool
	resourceAttrs   []attribute.KeyValue
	spanExporters   []sdktrace.SpanExporter
	logExporters    []logpipe.Exporter
	metricReaders   []sdkmetric.Reader
}

type optionFunc func(options) options

func (f optionFunc) apply(o options) options { return f(o) }

func newOptions(opts []Option) options {
	o := options{diag: os.Stderr, console: os.Stderr}
	for _, opt := range opts {
		if opt != nil {
			o = opt.apply(o)
		}
	}
	return o
}

// WithEnvironment is ignored.
//
// Deprecated: [ConfigFromEnv] records the unrecognised OTEL_* variables of the environment it
// reads, and Setup warns about those; pass the environment to ConfigFromEnv only, with
// envconfig.WithEnvironment.
func WithEnvironment(map[string]string) Option { return nil }

// WithDiagnostics sets where obskit writes its own warnings: unknown variables, dropped log
// records, failed log exports and (after InstallGlobals) the SDK's errors, each kind at most
// once per 10 seconds. It must not be a telemetry output. Default, and with a nil w: os.Stderr;
// to discard the warnings, pass io.Discard.
func WithDiagnostics(w io.Writer) Option {
	return optionFunc(func(o options) options {
		if w != nil {
			o.diag = w
		}
		return o
	})
}

// WithConsoleWriter sets where the console log handler (OBSKIT_LOG_CONSOLE) and the console
// exporters (OTEL_*_EXPORTER=console) write. Default, and with a nil w: os.Stderr for the log
// handler, os.Stdout for the exporters. To turn the console log output off, set
// OBSKIT_LOG_CONSOLE=off.
func WithConsoleWriter(w io.Writer) Option {
	return optionFunc(func(o options) options {
		if w != nil {
			o.console, o.exporterConsole = w, w
		}
		return o
	})
}

// WithBlockingLogs makes logging calls wait for room when the log export queue is full,
// instead of dropping records; for batch jobs that must lose nothing. Same as OBSKIT_LOG_BLOCK.
// Default: drop (and count) records.
func WithBlockingLogs() Option {
	return optionFunc(func(o options) options { o.block = true; return o })
}

// WithResourceAttributes adds resource attributes from code, to those of earlier calls;
// OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME override them. Default: none.
func WithResourceAttributes(attrs ...attribute.KeyValue) Option {
	return optionFunc(func(o options) options {
		o.resourceAttrs = append(o.resourceAttrs, attrs...)
		return o
	})
}

// WithSpanExporter adds a span exporter to those named by OTEL_TRACES_EXPORTER, batched with
// the OTEL_BSP_* settings. A nil e adds nothing. Default: none.
func WithSpanExporter(e sdktrace.SpanExporter) Option {
	return optionFunc(func(o options) options { o.spanExporters = append(o.spanExporters, e); return o })
}

// WithLogExporter adds an exporter of obskit's log pipeline (exporters/logpipe) to those named
// by OTEL_LOGS_EXPORTER; every batch goes to each (see exporters.FanOutLogs). With
// OTEL_LOGS_EXPORTER=none it is the only one: logpipe.Discard{} so measures the whole logging
// path without a network. A nil e adds nothing. Default: none.
func WithLogExporter(e logpipe.Exporter) Option {
	return optionFunc(func(o options) options { o.logExporters = append(o.logExporters, e); return o })
}

// WithMetricReader adds a metric reader (a periodic reader around an exporter, or a
// sdkmetric.ManualReader) to those made for OTEL_METRICS_EXPORTER. A nil r adds nothing.
// Default: none.
func WithMetricReader(r sdkmetric.Reader) Option {
	return optionFunc(func(o options) options {
		if r != nil {
			o.metricReaders = append(o.metricReaders, r)
		}
		return o
	})
}
