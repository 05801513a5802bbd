package s3

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/aws/smithy-go/tracing"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	"go.opentelemetry.io/otel/trace"
)

// sdkTracerProvider adapts tp for the SDK (smithy-go's OTel adapter) and keeps, of the spans the
// SDK starts, those a reader of a trace needs: one per S3 call ("S3.PutObject", …) and one per
// attempt ("Attempt", with the attempt number). The spans of the SDK's internal steps
// (serializing, resolving the endpoint and identity, signing, …; about eight per attempt) are not
// started, which keeps the cost of tracing a call to two spans.
func sdkTracerProvider(tp trace.TracerProvider) tracing.TracerProvider {
	return &callSpans{next: smithyoteltracing.Adapt(tp)}
}

// callSpans filters the spans of the tracers it returns. The SDK asks for its tracer on every
// call; callSpans keeps the one tracer it asks for without options, sparing the OTel provider's
// lookup.
type callSpans struct {
	next   tracing.TracerProvider
	cached atomic.Pointer[scopedTracer]
}

type scopedTracer struct {
	scope  string
	tracer callTracer
}

func (p *callSpans) Tracer(scope string, opts ...tracing.TracerOption) tracing.Tracer {
	if len(opts) > 0 {
		return callTracer{p.next.Tracer(scope, opts...)}
	}
	if c := p.cached.Load(); c != nil && c.scope == scope {
		return c.tracer
	}
	t := callTracer{p.next.Tracer(scope)}
	p.cached.Store(&scopedTracer{scope: scope, tracer: t})
	return t
}

type callTracer struct{ next tracing.Tracer }

var nopTracer = tracing.NopTracerProvider{}.Tracer("")

func (t callTracer) StartSpan(ctx context.Context, name string, opts ...tracing.SpanOption) (context.Context, tracing.Span) {
	if name == "Attempt" || strings.HasPrefix(name, "S3.") {
		return t.next.StartSpan(ctx, name, opts...)
	}
	return nopTracer.StartSpan(ctx, name, opts...)
}
