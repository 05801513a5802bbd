package exporters

import (
	"context"
	"errors"
	"slices"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The exporter names accepted in OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER and
// OTEL_LOGS_EXPORTER.
const (
	// OTLP sends over OTLP, grpc or http/protobuf (see [WithOTLP]).
	OTLP = "otlp"
	// Console writes JSON documents to a writer, stdout by default (see [WithConsoleWriter]).
	Console = "console"
	// File appends OTLP-JSON lines to a file (see [WithFileDir]).
	File = "file"
	// None exports nothing; alone it means the signal is not exported.
	None = "none"
	// Prometheus serves metrics for scraping (metrics only; see [WithPrometheusAddr]).
	Prometheus = "prometheus"
)

// Names returns the exporter names that sig accepts.
func Names(sig Signal) []string {
	if sig == Metrics {
		return []string{OTLP, Console, File, Prometheus, None}
	}
	return []string{OTLP, Console, File, None}
}

// ValidateNames reports an error, naming the exporter but never other values, when names holds
// a name sig does not accept. Empty entries are ignored.
func ValidateNames(sig Signal, names []string) error {
	_, err := selectNames(sig, names)
	return err
}

// selectNames returns the distinct exporters asked for, in order, without none and empty
// entries.
func selectNames(sig Signal, names []string) ([]string, error) {
	valid := Names(sig)
	var out []string
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		switch {
		case n == "" || n == None || slices.Contains(out, n):
		case slices.Contains(valid, n):
			out = append(out, n)
		default:
			return nil, errors.New("exporters: unknown " + string(sig) + " exporter; want one of " + strings.Join(valid, ", "))
		}
	}
	return out, nil
}

// buildAll builds one exporter per name; if one fails, those already built are shut down.
func buildAll[E any](ctx context.Context, names []string, build func(name string) (E, error), shutdown func(context.Context, E) error) ([]E, error) {
	out := make([]E, 0, len(names))
	for _, n := range names {
		e, err := build(n)
		if err != nil {
			for _, done := range out {
				_ = shutdown(ctx, done)
			}
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// FanOutSpans returns one SpanExporter that sends every batch to each of exps in turn, joining
// their errors; nil entries are skipped. With no exporter it returns nil, with one, that one.
func FanOutSpans(exps ...sdktrace.SpanExporter) sdktrace.SpanExporter {
	exps = slices.DeleteFunc(slices.Clone(exps), func(e sdktrace.SpanExporter) bool { return e == nil })
	switch len(exps) {
	case 0:
		return nil
	case 1:
		return exps[0]
	}
	return spanFanout(exps)
}
