package telemetry

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/esper-platform/obskit/internal/selfobs"
)

// warnEvery is the least time between two warnings of one kind.
const warnEvery = 10 * time.Second

// sdkHandledVars are OTEL_* variables not in [Config] that the OpenTelemetry SDK reads from
// the process environment itself; they are not reported as unknown.
var sdkHandledVars = []string{
	"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_SPAN_EVENT_COUNT_LIMIT", "OTEL_SPAN_LINK_COUNT_LIMIT",
	"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_METRICS_EXEMPLAR_FILTER",
	// Read by the OTLP metric exporters.
	"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
	"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
	// Read by contrib's instrumentation libraries (otelhttp, otelgrpc, …).
	"OTEL_SEMCONV_STABILITY_OPT_IN",
}

// sdkHandledSuffixes are the TLS settings of the OTLP exporters, read from the process
// environment by the exporters themselves, for the shared and the per-signal prefixes.
var sdkHandledSuffixes = []string{"CERTIFICATE", "CLIENT_KEY", "CLIENT_CERTIFICATE"}

// unknownOTelVars returns, sorted, the OTEL_* names in environ that neither [Config] (whose
// variables are known) nor the OpenTelemetry SDK reads.
func unknownOTelVars(environ map[string]string, known []string) []string {
	var out []string
	for k := range environ {
		if !strings.HasPrefix(k, "OTEL_") || slices.Contains(known, k) || slices.Contains(sdkHandledVars, k) {
			continue
		}
		if strings.HasPrefix(k, "OTEL_EXPORTER_OTLP_") && slices.ContainsFunc(sdkHandledSuffixes, func(s string) bool {
			return strings.HasSuffix(k, "_"+s)
		}) {
			continue
		}
		if strings.HasPrefix(k, "OTEL_GO_X_") { // opentelemetry-go's experimental switches
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// diagnostics are obskit's own warnings, written to one writer (stderr by default), each kind
// rate-limited on its own. The log pipeline writes its warnings about lost records to w with
// the same interval (see newLogPipeline).
type diagnostics struct {
	w         io.Writer
	otelError *selfobs.Warner // errors reported by the OpenTelemetry SDK (InstallGlobals)
}

func newDiagnostics(w io.Writer) *diagnostics {
	return &diagnostics{
		w:         w,
		otelError: selfobs.NewWarner(w, warnEvery, nil),
	}
}
