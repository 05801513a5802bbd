package s3_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

func TestRegisterOpen(t *testing.T) {
	srv := testserver.StartVersity(t)
	// The opener reads credentials from the process environment, as a service would.
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	var reg objstore.Registry
	s3.Register(&reg, s3.WithInstrumentation(false))

	b, err := reg.Open(context.Background(), "s3://"+srv.Bucket+"?endpoint="+srv.Endpoint+"&path_style=true&region="+srv.Region+"&max_attempts=3")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, ok := b.(*s3.Bucket); !ok {
		t.Fatalf("Open returned %T, want *s3.Bucket", b)
	}
	if err := b.Put(context.Background(), "via-url", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Exists(context.Background(), "via-url"); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}
}

// TestOpenInstrumentsOnce checks that objstore.Open's WithInstrumentation over the s3 scheme,
// whose buckets are instrumented by default, records one objstore span per operation, and that
// the s3 opener reads an injected environment.
func TestOpenInstrumentsOnce(t *testing.T) {
	endpoint, stop := fakeS3()
	defer stop()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	var reg objstore.Registry
	s3.RegisterWithEnvironment(&reg, map[string]string{
		"AWS_ACCESS_KEY_ID": "AKEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ENDPOINT_URL_S3": endpoint,
	}, s3.WithTracerProvider(tp), s3.WithSDKSpans(false))
	ctx := context.Background()
	b, err := objstore.Open(ctx, "s3://example?path_style=true", objstore.WithRegistry(&reg),
		objstore.WithInstrumentation(objstore.WithTracerProvider(tp)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Put(ctx, "k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.Exists(ctx, "k"); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
	var got []string
	for _, s := range spans.GetSpans() {
		got = append(got, s.Name)
	}
	if !slices.Equal(got, []string{"objstore.put", "objstore.exists"}) {
		t.Errorf("spans %v, want one objstore.put and one objstore.exists", got)
	}
	var sb *s3.Bucket
	if !objstore.As(b, &sb) || sb.Name() != "example" {
		t.Errorf("objstore.As(**s3.Bucket) did not reach the bucket")
	}
}

func TestRegisterOpenRejects(t *testing.T) {
	var reg objstore.Registry
	s3.RegisterWithEnvironment(&reg, map[string]string{})
	tests := []struct {
		name, url, want string
	}{
		{"credentials in URL", "s3://AKID:topsecret@bucket", "credentials"},
		{"no bucket", "s3:///path", "bucket"},
		{"path", "s3://bucket/prefix", "path"},
		{"unknown parameter", "s3://bucket?regoin=eu-west-1", "regoin"},
		{"invalid value", "s3://bucket?part_size=12", "OBSKIT_S3_PART_SIZE"},
		{"invalid get_concurrency", "s3://bucket?get_concurrency=0", "OBSKIT_S3_GET_CONCURRENCY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := reg.Open(context.Background(), tt.url)
			if err == nil {
				b.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "topsecret") {
				t.Errorf("error %q: want it to mention %q and quote no secret", err, tt.want)
			}
			if errors.Is(err, objstore.ErrUnknownScheme) {
				t.Errorf("error %q: the s3 scheme is registered", err)
			}
		})
	}
}
