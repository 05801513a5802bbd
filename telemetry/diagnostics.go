package telemetry

import (
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// warnEvery is the least time between two warnings of one kind.
const warnEvery = 10 * time.Second

// rateLimited writes a warning to w at most once per interval. It does not depend on any
// telemetry pipeline: it is a single Write on a plain writer (stderr by default).
type rateLimited struct {
	w        io.Writer
	interval time.Duration
	last     atomic.Int64 // unix nanoseconds of the last warning; 0: never
}

// warn writes msg(), followed by a newline, unless a warning was written less than interval
// ago. msg is only called when the warning is written.
func (r *rateLimited) warn(msg func() string) {
	now := time.Now().UnixNano()
	last := r.last.Load()
	if last != 0 && now-last < int64(r.interval) {
		return
	}
	if !r.last.CompareAndSwap(last, now) {
		return // another goroutine is writing this warning
	}
	_, _ = io.WriteString(r.w, msg()+"\n")
}

// sdkHandledVars are OTEL_* variables not in [Config] that the OpenTelemetry SDK reads from
// the process environment itself; they are not reported as unknown.
var sdkHandledVars = []string{
	"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_SPAN_EVENT_COUNT_LIMIT", "OTEL_SPAN_LINK_COUNT_LIMIT",
	"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
	"OTEL_METRICS_EXEMPLAR_FILTER",
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
	otelError *rateLimited // errors reported by the OpenTelemetry SDK (InstallGlobals)
}

func newDiagnostics(w io.Writer) *diagnostics {
	return &diagnostics{
		w:         w,
		otelError: &rateLimited{w: w, interval: warnEvery},
	}
}
