package telemetry

import (
	"io"
	"os"

	"github.com/esper-platform/obskit/exporters/logpipe"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
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
	sampler         sdktrace.Sampler
	spanProcessors  []sdktrace.SpanProcessor
	views           []sdkmetric.View
	cardinality     int
	detectors       []resource.Detector
	propagators     []propagation.TextMapPropagator
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

// WithSampler sets the sampler of the TracerProvider, in place of the one OTEL_TRACES_SAMPLER
// names, unless the environment that [ConfigFromEnv] read sets OTEL_TRACES_SAMPLER: an
// operator's explicit setting wins over the code's choice, and the code's choice over obskit's
// default (parentbased_always_on). A nil s leaves the default. The last call wins.
func WithSampler(s sdktrace.Sampler) Option {
	return optionFunc(func(o options) options {
		if s != nil {
			o.sampler = s
		}
		return o
	})
}

// WithSpanProcessor adds a span processor to the TracerProvider, after obskit's batch span
// processor (OTEL_BSP_*), in the order of the calls: each sees every span start and end, and
// is flushed and shut down with the TracerProvider. A nil sp adds nothing. Default: none.
func WithSpanProcessor(sp sdktrace.SpanProcessor) Option {
	return optionFunc(func(o options) options {
		if sp != nil {
			o.spanProcessors = append(o.spanProcessors, sp)
		}
		return o
	})
}

// WithView adds metric views to the MeterProvider, after those of earlier calls (the SDK
// applies every matching view). Default: none, so every instrument keeps its own name,
// aggregation and attributes.
func WithView(views ...sdkmetric.View) Option {
	return optionFunc(func(o options) options {
		for _, v := range views {
			if v != nil {
				o.views = append(o.views, v)
			}
		}
		return o
	})
}

// WithCardinalityLimit bounds the attribute sets kept per metric instrument and collection
// cycle; sets beyond it are aggregated into one overflow series (otel.metric.overflow=true).
// Zero or less leaves the SDK's default (2000, or OTEL_GO_X_CARDINALITY_LIMIT).
func WithCardinalityLimit(n int) Option {
	return optionFunc(func(o options) options {
		if n > 0 {
			o.cardinality = n
		}
		return o
	})
}

// WithResourceDetectors adds resource detectors, such as contrib's cloud detectors
// (go.opentelemetry.io/contrib/detectors/...), to obskit's own (host, process, runtime,
// container, Kubernetes downward API). Their attributes sit with the detected ones: below
// [WithResourceAttributes] and OTEL_RESOURCE_ATTRIBUTES. Detection is bounded by
// [ResourceDetectionTimeout] in all: a detector that calls a metadata endpoint that does not
// answer leaves its attributes out, and Setup warns on the diagnostics writer. No detector
// that calls the network runs unless given here. Nil detectors are skipped. Default: none.
func WithResourceDetectors(detectors ...resource.Detector) Option {
	return optionFunc(func(o options) options {
		for _, d := range detectors {
			if d != nil {
				o.detectors = append(o.detectors, d)
			}
		}
		return o
	})
}

// WithPropagator adds a context propagator after those OTEL_PROPAGATORS names (even after
// "none"), in the order of the calls; [Telemetry.Propagator] returns them composed. A nil p
// adds nothing. Default: none.
func WithPropagator(p propagation.TextMapPropagator) Option {
	return optionFunc(func(o options) options {
		if p != nil {
			o.propagators = append(o.propagators, p)
		}
		return o
	})
}
