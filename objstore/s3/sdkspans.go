package s3

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/smithy-go/tracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// sdkTracerProvider adapts tp for the SDK's tracing interface (smithy-go's tracing package) and
// keeps, of the spans the SDK starts, those a reader of a trace needs: one per S3 call
// ("S3.PutObject", …) and one per attempt ("Attempt", with the attempt number). The spans of the
// SDK's internal steps (serializing, resolving the endpoint and identity, signing, …; about eight
// per attempt) are not started, which keeps the cost of tracing a call to two spans.
//
// It does what smithy-go's own adapter (smithyoteltracing) does, with the same span names, kinds,
// attributes and statuses, at a lower cost per span: the properties the SDK gives at a span's
// start are set in one SetAttributes call instead of one call each, and a span that is not
// recording (sampled out, or a no-op provider) costs the SDK nothing more: its properties are
// not converted and it does not enter the SDK's span lineage.
func sdkTracerProvider(tp trace.TracerProvider) tracing.TracerProvider {
	return &callSpans{otel: tp}
}

// callSpans is the tracing.TracerProvider of an S3 client. The SDK asks for its tracer on every
// call; callSpans keeps the last tracer it asked for without options, sparing the OTel provider's
// lookup.
type callSpans struct {
	otel   trace.TracerProvider
	cached atomic.Pointer[callTracer]
}

// Tracer implements tracing.TracerProvider. Tracer options (scope properties) become the OTel
// tracer's instrumentation attributes.
func (p *callSpans) Tracer(scope string, opts ...tracing.TracerOption) tracing.Tracer {
	if len(opts) > 0 {
		var o tracing.TracerOptions
		for _, opt := range opts {
			opt(&o)
		}
		return &callTracer{scope: scope, otel: p.otel.Tracer(scope, trace.WithInstrumentationAttributes(kvs(o.Properties.Values())...))}
	}
	if t := p.cached.Load(); t != nil && t.scope == scope {
		return t
	}
	t := &callTracer{scope: scope, otel: p.otel.Tracer(scope)}
	p.cached.Store(t)
	return t
}

// callTracer starts the OTel spans of the SDK's call and attempt spans, and no-op spans for the
// rest.
type callTracer struct {
	scope string
	otel  trace.Tracer
}

var nopSpan = func() tracing.Span {
	_, s := tracing.NopTracerProvider{}.Tracer("").StartSpan(context.Background(), "")
	return s
}()

// kept reports whether the SDK span called name is started: the call and its attempts.
func kept(name string) bool {
	return name == "Attempt" || strings.HasPrefix(name, "S3.")
}

// StartSpan implements tracing.Tracer.
func (t *callTracer) StartSpan(ctx context.Context, name string, opts ...tracing.SpanOption) (context.Context, tracing.Span) {
	if !kept(name) {
		return ctx, nopSpan
	}
	// The parent is the OTel span on ctx. (smithyoteltracing looks it up in the SDK's span
	// lineage, which it keeps beside OTel's context; here the two cannot differ: the spans of
	// this tracer enter the lineage together with their OTel span, and the lineage has no other
	// writer, since the SDK starts every span through its operation's tracer, this one.)
	var o tracing.SpanOptions
	for _, opt := range opts {
		opt(&o)
	}
	ctx, s := t.otel.Start(ctx, name, trace.WithSpanKind(spanKind(o.Kind)))
	if !s.IsRecording() {
		// The OTel span stays on the context (its span context propagates); the SDK's
		// properties would be dropped anyway.
		return ctx, nopSpan
	}
	if props := o.Properties.Values(); len(props) > 0 {
		s.SetAttributes(kvs(props)...)
	}
	ours := &span{otel: s, name: name}
	return tracing.WithSpan(ctx, ours), ours
}

// span is a recording OTel span seen through smithy-go's tracing.Span.
type span struct {
	otel trace.Span
	name string
}

func (s *span) Name() string { return s.name }

func (s *span) Context() tracing.SpanContext {
	sc := s.otel.SpanContext()
	return tracing.SpanContext{TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String(), IsRemote: sc.IsRemote()}
}

func (s *span) AddEvent(name string, opts ...tracing.EventOption) {
	var o tracing.EventOptions
	for _, opt := range opts {
		opt(&o)
	}
	s.otel.AddEvent(name, trace.WithAttributes(kvs(o.Properties.Values())...))
}

func (s *span) SetStatus(status tracing.SpanStatus) {
	switch status {
	case tracing.SpanStatusOK:
		s.otel.SetStatus(codes.Ok, "")
	case tracing.SpanStatusError:
		s.otel.SetStatus(codes.Error, "")
	}
}

func (s *span) SetProperty(k, v any) { s.otel.SetAttributes(kv(k, v)) }

func (s *span) End() { s.otel.End() }

func spanKind(k tracing.SpanKind) trace.SpanKind {
	switch k {
	case tracing.SpanKindClient:
		return trace.SpanKindClient
	case tracing.SpanKindServer:
		return trace.SpanKindServer
	case tracing.SpanKindProducer:
		return trace.SpanKindProducer
	case tracing.SpanKindConsumer:
		return trace.SpanKindConsumer
	}
	return trace.SpanKindInternal
}

// kvs converts smithy properties to attributes, in no particular order (a map's).
func kvs(props map[any]any) []attribute.KeyValue {
	if len(props) == 0 {
		return nil
	}
	out := make([]attribute.KeyValue, 0, len(props))
	for k, v := range props {
		if k == "rpc.system" || k == "rpc.service" { // deprecated by the semantic conventions
			continue
		}
		out = append(out, kv(k, v))
	}
	return out
}

// kv converts one smithy property to an attribute, as smithyoteltracing does: values of the
// types attributes hold are kept, others become strings.
func kv(k, v any) attribute.KeyValue {
	key := str(k)
	switch v := v.(type) {
	case bool:
		return attribute.Bool(key, v)
	case []bool:
		return attribute.BoolSlice(key, v)
	case int:
		return attribute.Int(key, v)
	case []int:
		return attribute.IntSlice(key, v)
	case int64:
		return attribute.Int64(key, v)
	case []int64:
		return attribute.Int64Slice(key, v)
	case float64:
		return attribute.Float64(key, v)
	case []float64:
		return attribute.Float64Slice(key, v)
	case string:
		return attribute.String(key, v)
	case []string:
		return attribute.StringSlice(key, v)
	}
	return attribute.String(key, str(v))
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprintf("%#v", v)
}
