package s3bench_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/bench/s3bench"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// TestPutsStore checks that every library's Put really stores the object: it is read back
// byte-identical from the server.
func TestPutsStore(t *testing.T) {
	srv := testserverFor(t)
	ctx := context.Background()
	direct, err := obskits3.New(ctx, s3bench.ObskitConfig(srv), obskits3.WithInstrumentation(false))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	data := s3bench.Pattern(300 << 10)
	for _, name := range s3bench.Names() {
		t.Run(name, func(t *testing.T) {
			c, err := s3bench.Open(ctx, name, srv, s3bench.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			key := "check/" + name
			if err := c.Put(ctx, key, data); err != nil {
				t.Fatal(err)
			}
			rc, err := direct.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("read back %d bytes (err %v), want the %d put", len(got), err, len(data))
			}
		})
	}
}

// TestOtelawsMemoryClientTraces checks that the otelaws peer of BenchmarkPeerOverhead records what
// otelaws records, one client span per call with the bucket and key, so that its overhead is a
// real instrumentation's.
func TestOtelawsMemoryClientTraces(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(context.Background())
	_, err := s3bench.NewOtelawsMemoryClient(tp).PutObject(context.Background(), &awss3.PutObjectInput{
		Bucket: aws.String("bench"), Key: aws.String("a/key"), Body: bytes.NewReader([]byte("x")),
	})
	if err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	s := spans[0]
	attrs := map[string]string{}
	for _, kv := range s.Attributes() {
		attrs[string(kv.Key)] = kv.Value.AsString()
	}
	if s.Name() != "S3.PutObject" || s.SpanKind() != trace.SpanKindClient || attrs["aws.s3.bucket"] != "bench" || attrs["aws.s3.key"] != "a/key" {
		t.Errorf("span %q kind %v attributes %v", s.Name(), s.SpanKind(), attrs)
	}
}
