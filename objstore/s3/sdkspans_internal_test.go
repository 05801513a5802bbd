package s3

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/smithy-go/tracing"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/exporters/spanbatch"
)

type dropSpans struct{}

func (dropSpans) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (dropSpans) Shutdown(context.Context) error                             { return nil }

// BenchmarkPutSpans records the three spans of an instrumented Put, and nothing else, with
// the calls the SDK makes on its own spans (aws-sdk-go-v2's invokeOperation and retry loop, the
// smithy HTTP client) replayed in the order of a 1 KiB PutObject: objstore.put (started with 2
// attributes, 6 more at its end), S3.PutObject (3 properties at start, 3 later, a status) and
// Attempt (1 at start, 7 later). Spans are batched by exporters/spanbatch, as telemetry.Setup
// batches them.
//
// otel_api starts and ends the same three spans through the OpenTelemetry API with every
// attribute set in as few calls as it allows: the cost of the spans themselves, which no
// adapter goes under. obskit_adapter goes through obskit's adapter (sdkTracerProvider),
// smithyoteltracing through smithy-go's. BenchmarkPutOverhead measures the same spans inside
// real PutObject calls. otel_api_sdk_batcher is otel_api with the OTel SDK's
// BatchSpanProcessor instead of spanbatch: the floor of the three spans with the SDK's batcher.
//
//	go test -run '^$' -bench PutSpans -count 6 ./objstore/s3/
func BenchmarkPutSpans(b *testing.B) {
	bsp, err := spanbatch.New(dropSpans{})
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bsp))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	sdkBatcher := sdktrace.NewTracerProvider(sdktrace.WithBatcher(dropSpans{}))
	b.Cleanup(func() { _ = sdkBatcher.Shutdown(context.Background()) })
	run := func(name string, put func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				put()
			}
		})
	}
	for _, name := range putSpanVariants {
		run(name, putSpans(tp, name))
	}
	run("otel_api_sdk_batcher", putSpans(sdkBatcher, "otel_api"))
}

var putSpanVariants = []string{"otel_api", "obskit_adapter", "smithyoteltracing"}

// putSpans returns a function that records the spans of one Put on tp through the variant
// called name (see BenchmarkPutSpans).
func putSpans(tp trace.TracerProvider, name string) func() {
	ctx := context.Background()
	tracer := tp.Tracer("github.com/esper-platform/obskit/objstore")
	clientOpt := trace.WithSpanKind(trace.SpanKindClient)
	startOpts := []trace.SpanStartOption{clientOpt,
		trace.WithAttributes(attribute.String("objstore.operation", "put"), attribute.String("aws.s3.bucket", "bench"))}
	// The SDK's calls on its spans, through a smithy tracing.TracerProvider.
	sdkCalls := func(tp tracing.TracerProvider) func(context.Context) {
		return func(ctx context.Context) {
			tr := tp.Tracer("github.com/aws/aws-sdk-go-v2/service/s3")
			ctx, call := tr.StartSpan(ctx, "S3.PutObject", func(o *tracing.SpanOptions) {
				o.Kind = tracing.SpanKindClient
				o.Properties.Set("rpc.system", "aws-api")
				o.Properties.Set("rpc.method", "PutObject")
				o.Properties.Set("rpc.service", "S3")
			})
			call.SetProperty("client.call.resolved_endpoint", "http://127.0.0.1:1/bench")
			call.SetProperty("auth.scheme_id", "aws.auth#sigv4")
			_, attempt := tr.StartSpan(ctx, "Attempt", func(o *tracing.SpanOptions) {
				o.Properties.Set("operation.attempt", 1)
			})
			attempt.SetProperty("http.method", "PUT")
			attempt.SetProperty("http.request_content_length", -1)
			attempt.SetProperty("http.request_content_length", 1024)
			attempt.SetProperty("net.protocol.version", "1.1")
			attempt.SetProperty("http.status_code", 200)
			attempt.SetProperty("http.response_content_length", 0)
			attempt.SetProperty("aws.request_id", "bench")
			attempt.End()
			call.SetProperty("error", false)
			call.SetStatus(tracing.SpanStatusOK)
			call.End()
		}
	}
	var sdk func(context.Context)
	switch name {
	case "otel_api":
		sdk = func(ctx context.Context) {
			ctx, call := tracer.Start(ctx, "S3.PutObject", clientOpt, trace.WithAttributes(
				attribute.String("rpc.system", "aws-api"), attribute.String("rpc.method", "PutObject"), attribute.String("rpc.service", "S3")))
			_, attempt := tracer.Start(ctx, "Attempt", trace.WithAttributes(attribute.Int("operation.attempt", 1)))
			attempt.SetAttributes(attribute.String("http.method", "PUT"), attribute.Int("http.request_content_length", 1024),
				attribute.String("net.protocol.version", "1.1"), attribute.Int("http.status_code", 200),
				attribute.Int("http.response_content_length", 0), attribute.String("aws.request_id", "bench"))
			attempt.End()
			call.SetAttributes(attribute.String("client.call.resolved_endpoint", "http://127.0.0.1:1/bench"),
				attribute.String("auth.scheme_id", "aws.auth#sigv4"), attribute.Bool("error", false))
			call.SetStatus(codes.Ok, "")
			call.End()
		}
	case "obskit_adapter":
		sdk = sdkCalls(sdkTracerProvider(tp))
	case "smithyoteltracing":
		sdk = sdkCalls(smithyoteltracing.Adapt(tp))
	default:
		panic("no variant " + name)
	}
	return func() {
		ctx, s := tracer.Start(ctx, "objstore.put", startOpts...)
		sdk(ctx)
		s.SetAttributes(attribute.String("aws.s3.key", "a/key"), attribute.Bool("objstore.success", true),
			attribute.String("objstore.outcome", "success"), attribute.Float64("objstore.latency_ms", 0.05),
			attribute.Int64("objstore.bytes", 1024), attribute.Int64("objstore.attempts", 1))
		s.End()
	}
}

// TestPutSpans checks that every variant of BenchmarkPutSpans records the same thing: three
// nested spans with the same names, kinds, statuses and attributes (but the two deprecated ones
// obskit's adapter drops).
func TestPutSpans(t *testing.T) {
	var want []string
	for _, name := range putSpanVariants {
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		putSpans(tp, name)()
		spans := rec.Ended()
		if len(spans) != 3 {
			t.Fatalf("%s: %d spans, want 3", name, len(spans))
		}
		var got []string
		for i, s := range spans {
			if i > 0 && s.SpanContext().SpanID() != spans[i-1].Parent().SpanID() {
				t.Errorf("%s: span %q is not the parent of %q", name, s.Name(), spans[i-1].Name())
			}
			// obskit's adapter leaves out the deprecated rpc.system and rpc.service.
			attrs := slices.DeleteFunc(slices.Clone(s.Attributes()), func(kv attribute.KeyValue) bool {
				return kv.Key == "rpc.system" || kv.Key == "rpc.service"
			})
			slices.SortFunc(attrs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
			got = append(got, fmt.Sprintf("%s %v %v %v", s.Name(), s.SpanKind(), s.Status().Code, attrs))
		}
		if want == nil {
			want = got
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s recorded\n%s\nwant (as %s)\n%s", name, strings.Join(got, "\n"), putSpanVariants[0], strings.Join(want, "\n"))
		}
	}
}
