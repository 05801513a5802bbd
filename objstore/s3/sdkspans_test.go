package s3_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// sdkSpan is what a reader of a trace sees of one SDK span.
type sdkSpan struct {
	name, kind, status string
	attrs              []string
	underCall          bool // the S3 call span is an ancestor
}

// sdkSpansOf returns the S3 call and Attempt spans of spans, comparable across two runs.
//
// Attributes that obskit records differently from smithyoteltracing are left out: the
// semantic conventions' S3 attributes obskit adds to the call span (aws.s3.*, cloud.region,
// the request ids, rpc.method as S3/Op), and the deprecated rpc.system and rpc.service that it
// leaves out. TestSDKSpanSemconvAttributes checks those.
func sdkSpansOf(spans tracetest.SpanStubs) []sdkSpan {
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = s
	}
	underCall := func(s tracetest.SpanStub) bool {
		for p, ok := byID[s.Parent.SpanID()]; ok; p, ok = byID[p.Parent.SpanID()] {
			if strings.HasPrefix(p.Name, "S3.") {
				return true
			}
		}
		return false
	}
	var out []sdkSpan
	for _, s := range spans {
		if s.Name != "Attempt" && !strings.HasPrefix(s.Name, "S3.") {
			continue
		}
		var attrs []string
		for _, kv := range s.Attributes {
			if k := string(kv.Key); strings.HasPrefix(k, "aws.s3.") || strings.HasPrefix(k, "rpc.") || k == "cloud.region" ||
				(strings.HasPrefix(s.Name, "S3.") && (k == "aws.request_id" || k == "aws.extended_request_id")) {
				continue
			}
			attrs = append(attrs, string(kv.Key)+"="+kv.Value.String())
		}
		slices.Sort(attrs)
		out = append(out, sdkSpan{
			name: s.Name, kind: s.SpanKind.String(), status: s.Status.Code.String(), attrs: attrs,
			underCall: underCall(s),
		})
	}
	return out
}

// TestSDKSpansAsSmithyAdapter checks that the SDK's call and attempt spans recorded through
// obskit's adapter are those smithy-go's own OTel adapter records: names, kinds, statuses,
// attributes and nesting, for a call that succeeds and one that fails with an S3 error.
func TestSDKSpansAsSmithyAdapter(t *testing.T) {
	ctx := context.Background()
	data := []byte("adapter")

	ours := tracetest.NewInMemoryExporter()
	ourTP := sdktrace.NewTracerProvider(sdktrace.WithSyncer(ours))
	defer ourTP.Shutdown(ctx)
	b, err := s3.NewFromClient(memClient(), s3.DefaultConfig("bkt"), s3.WithTracerProvider(ourTP), s3.WithSDKSpans(true))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "k", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Attributes(ctx, "missing"); !objstore.IsNotFound(err) {
		t.Fatalf("Attributes of a missing key: %v, want not found", err)
	}

	ref := tracetest.NewInMemoryExporter()
	refTP := sdktrace.NewTracerProvider(sdktrace.WithSyncer(ref))
	defer refTP.Shutdown(ctx)
	client := memClient(func(o *awss3.Options) { o.TracerProvider = smithyoteltracing.Adapt(refTP) })
	if _, err := client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")}); err == nil {
		t.Fatal("HeadObject of a missing key succeeded")
	}

	got, want := sdkSpansOf(ours.GetSpans()), sdkSpansOf(ref.GetSpans())
	if len(want) != 4 {
		t.Fatalf("smithyoteltracing recorded %d call and attempt spans, want 4: %+v", len(want), want)
	}
	sortSpans := func(s []sdkSpan) {
		slices.SortFunc(s, func(a, b sdkSpan) int {
			return strings.Compare(a.name+strings.Join(a.attrs, ","), b.name+strings.Join(b.attrs, ","))
		})
	}
	sortSpans(got)
	sortSpans(want)
	if len(got) != len(want) {
		t.Fatalf("got %d SDK spans, want %d:\ngot  %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.name != w.name || g.kind != w.kind || g.status != w.status || g.underCall != w.underCall || !slices.Equal(g.attrs, w.attrs) {
			t.Errorf("SDK span %d:\ngot  %+v\nwant %+v", i, g, w)
		}
	}
}

// sdkSpansBucket returns a bucket over the in-memory S3 client with the SDK's spans on, and the
// exporter that records them; the tracer provider is shut down at the end of the test.
func sdkSpansBucket(t *testing.T) (objstore.Bucket, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	b, err := s3.NewFromClient(memClient(), s3.DefaultConfig("bkt"), s3.WithTracerProvider(tp), s3.WithSDKSpans(true))
	if err != nil {
		t.Fatal(err)
	}
	return b, exp
}

// TestSDKSpanSemconvAttributes checks the semantic conventions' attributes on the SDK's call
// span, and that the deprecated rpc.system and rpc.service are not there.
func TestSDKSpanSemconvAttributes(t *testing.T) {
	ctx := context.Background()
	b, exp := sdkSpansBucket(t)
	if err := b.Put(ctx, "dir/k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	var call tracetest.SpanStub
	for _, s := range exp.GetSpans() {
		if s.Name == "S3.PutObject" {
			call = s
		}
	}
	got := map[string]string{}
	for _, kv := range call.Attributes {
		got[string(kv.Key)] = kv.Value.String()
	}
	for k, want := range map[string]string{"rpc.method": "S3/PutObject", "aws.s3.bucket": "bkt", "aws.s3.key": "dir/k"} {
		if got[k] != want {
			t.Errorf("S3.PutObject span: %s = %q, want %q (attributes %v)", k, got[k], want, got)
		}
	}
	for _, k := range []string{"rpc.system", "rpc.service"} {
		if _, ok := got[k]; ok {
			t.Errorf("S3.PutObject span has the deprecated %s", k)
		}
	}
}

// TestSDKSpansNotRecording checks that a sampler that drops every trace, and a no-op provider,
// leave no span behind and do not get in the way of the call.
func TestSDKSpansNotRecording(t *testing.T) {
	ctx := context.Background()
	exp := tracetest.NewInMemoryExporter()
	never := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithSampler(sdktrace.NeverSample()))
	defer never.Shutdown(ctx)
	for name, opt := range map[string]s3.Option{
		"never sample": s3.WithTracerProvider(never),
		"noop":         s3.WithTracerProvider(tracenoop.NewTracerProvider()),
	} {
		b, err := s3.NewFromClient(memClient(), s3.DefaultConfig("bkt"), opt, s3.WithSDKSpans(true))
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Put(ctx, "k", strings.NewReader("x"), 1); err != nil {
			t.Errorf("%s: Put: %v", name, err)
		}
		if _, err := b.Attributes(ctx, "missing"); !objstore.IsNotFound(err) {
			t.Errorf("%s: Attributes of a missing key: %v, want not found", name, err)
		}
	}
	if spans := exp.GetSpans(); len(spans) != 0 {
		t.Errorf("got %d spans with a sampler that drops all: %v", len(spans), names(spans))
	}
}

// TestSDKSpansRequestID checks that the request id the SDK reads from a response lands on the
// attempt span that received it.
func TestSDKSpansRequestID(t *testing.T) {
	ctx := context.Background()
	b, exp := sdkSpansBucket(t)
	_, _ = b.Attributes(ctx, "missing")
	var found bool
	for _, s := range exp.GetSpans() {
		if s.Name == "Attempt" {
			for _, kv := range s.Attributes {
				if kv.Key == attribute.Key("aws.request_id") && kv.Value.AsString() == testkit.S3RequestID {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("no Attempt span with aws.request_id=%s in %v", testkit.S3RequestID, names(exp.GetSpans()))
	}
}
