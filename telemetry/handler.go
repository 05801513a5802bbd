package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync/atomic"

	"go.opentelemetry.io/otel/trace"
)

// Keys of the trace correlation attributes added to console records logged in a span.
const (
	TraceIDKey = "trace_id"
	SpanIDKey  = "span_id"
)

// handler is the slog.Handler behind [Telemetry.Logger]. It applies the one level shared by
// both outputs, redacts denied keys (in records, in Logger.With attributes, inside groups),
// and hands each record to the OTel bridge (which takes the trace context from ctx) and to
// the console handler (to which it adds trace_id and span_id). Either output may be absent.
type handler struct {
	level   slog.Leveler
	deny    *atomic.Pointer[denyList] // shared by the handler's clones; nil inside: no redaction
	otel    slog.Handler
	console slog.Handler
}

// consoleLevel lets the console handler pass everything: the level is applied by handler.
const consoleLevel = slog.Level(math.MinInt32)

// Enabled applies the shared level, then asks whether an output takes the record: the console
// always does; the OTel side does until the log pipeline is shut down, so that after Shutdown
// a call with the console off costs what a disabled level costs.
func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level.Level() && (h.console != nil || h.otelEnabled(ctx, l))
}

// otelEnabled reports whether the OTel side takes a record of level l (false once the log
// pipeline is shut down).
func (h *handler) otelEnabled(ctx context.Context, l slog.Level) bool {
	return h.otel != nil && h.otel.Enabled(ctx, l)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	if d := h.deny.Load(); d != nil {
		r = d.record(r)
	}
	var errOTel, errConsole error
	if h.otelEnabled(ctx, r.Level) {
		errOTel = h.otel.Handle(ctx, r)
	}
	if h.console != nil {
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			r = r.Clone() // r was handed to the OTel side; never append to a shared record
			r.AddAttrs(slog.String(TraceIDKey, sc.TraceID().String()), slog.String(SpanIDKey, sc.SpanID().String()))
		}
		errConsole = h.console.Handle(ctx, r)
	}
	if errOTel == nil {
		return errConsole
	}
	return errors.Join(errOTel, errConsole)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	if d := h.deny.Load(); d != nil {
		as = d.attrs(as)
	}
	c := *h
	if c.otel != nil {
		c.otel = c.otel.WithAttrs(as)
	}
	if c.console != nil {
		c.console = c.console.WithAttrs(as)
	}
	return &c
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	if c.otel != nil {
		c.otel = c.otel.WithGroup(name)
	}
	if c.console != nil {
		c.console = c.console.WithGroup(name)
	}
	return &c
}
