package envconfig

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Metric and attribute names recorded by [Watch].
const (
	// MetricLoadDuration is the histogram of the time taken to load the configuration, in
	// seconds, with [AttrOperation] and, when the configuration was refused, error.type.
	MetricLoadDuration = "obskit.config.load.duration"
	// AttrOperation is "load" for the first load of [Watch], "reload" for the next ones.
	AttrOperation = "obskit.config.operation"
)

const (
	opLoad   = "load"
	opReload = "reload"
)

const scopeName = "github.com/esper-platform/obskit/envconfig"

type instruments struct {
	duration metric.Float64Histogram
}

func newInstruments(mp metric.MeterProvider) instruments {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	h, err := mp.Meter(scopeName).Float64Histogram(MetricLoadDuration,
		metric.WithUnit("s"),
		metric.WithDescription("Duration of loading the configuration (file and environment), by outcome."))
	if err != nil {
		otel.Handle(err)
	}
	return instruments{duration: h}
}

func (in instruments) record(ctx context.Context, op string, d time.Duration, err error) {
	if in.duration == nil {
		return
	}
	attrs := []attribute.KeyValue{attribute.String(AttrOperation, op)}
	if err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(err)))
	}
	in.duration.Record(context.WithoutCancel(ctx), d.Seconds(), metric.WithAttributes(attrs...))
}

// errorType is the error.type of a refused configuration: the kind of its first problem, a
// closed set.
func errorType(err error) string {
	for _, k := range []struct {
		kind error
		name string
	}{
		{ErrUnknownKey, "unknown_key"},
		{ErrInvalid, "invalid_value"},
		{ErrNotSet, "not_set"},
		{ErrEmpty, "empty"},
		{ErrFile, "file"},
		{ErrConflict, "conflict"},
	} {
		if errors.Is(err, k.kind) {
			return k.name
		}
	}
	return "validation"
}

// Log writes vars, as [Describe] returns them, to logger as one Info record "configuration", so
// that which configuration a process runs with, and where each value came from, can be read
// from the logs backend. Each variable that has a value is a group named after it, holding
// value (secrets [Redacted]), source ([Source.String]) and, when the configuration file sets
// it, key and location (file:line). A nil logger means slog.Default().
func Log(ctx context.Context, logger *slog.Logger, vars []Variable) {
	if logger == nil {
		logger = slog.Default()
	}
	attrs := make([]any, 0, len(vars))
	for _, v := range vars {
		if v.Source == SourceUnset {
			continue
		}
		value := v.Value
		if v.Secret && value != "" {
			value = Redacted
		}
		group := []any{slog.String("value", value), slog.String("source", v.Source.String())}
		if v.Key != "" {
			group = append(group, slog.String("key", v.Key), slog.String("location", v.File+":"+strconv.Itoa(v.Line)))
		}
		attrs = append(attrs, slog.Group(v.Name, group...))
	}
	logger.Log(ctx, slog.LevelInfo, "configuration", slog.Group("config", attrs...))
}
