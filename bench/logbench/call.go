package logbench

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// The call every logger makes: this message and four attributes, of these values.
const (
	Message   = "request handled"
	KeyMethod = "http.method"
	KeyStatus = "http.status"
	KeyPath   = "url.path"
	KeyTime   = "elapsed"

	valMethod = "GET"
	valStatus = 200
	valPath   = "/api/v1/items"
	valTime   = 1500 * time.Microsecond
)

// SpanContext returns a context carrying a sampled remote span, as a request handler's context
// does, so that the OTel pipelines attach trace and span ids.
func SpanContext() context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10},
		SpanID:     trace.SpanID{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18},
		TraceFlags: trace.FlagsSampled,
		Remote:     true,
	})
	return trace.ContextWithSpanContext(context.Background(), sc)
}
