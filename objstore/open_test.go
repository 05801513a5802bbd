package objstore_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/filebucket"
	"github.com/esper-platform/obskit/objstore/membucket"
)

func TestOpen(t *testing.T) {
	var reg objstore.Registry
	membucket.Register(&reg)
	filebucket.Register(&reg)
	var gotURL *url.URL
	reg.Register("test", func(_ context.Context, u *url.URL) (objstore.Bucket, error) {
		gotURL = u
		return nil, errors.New("cannot open")
	})
	if got, want := reg.Schemes(), []string{"file", "mem", "test"}; !slices.Equal(got, want) {
		t.Errorf("Schemes() = %v, want %v", got, want)
	}
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		url     string
		wantErr string // "" for success
	}{
		{"mem://", ""},
		{"MEM://any", ""},
		{"file://" + dir, ""},
		{"s3://bucket?secret=hunter2", "unknown bucket URL scheme"},
		{"no-scheme", "no scheme"},
		{"test://user:hunter2@host/p", "cannot open"},
		{"%zz://hunter2", "invalid bucket URL"},
	}
	for _, tt := range tests {
		b, err := objstore.Open(ctx, tt.url, objstore.WithRegistry(&reg))
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("Open(%q): %v", tt.url, err)
			} else {
				b.Close()
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Open(%q) = %v, want an error saying %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open(%q) error quotes the URL: %v", tt.url, err)
		}
	}
	if gotURL == nil || gotURL.Host != "host" || gotURL.Path != "/p" {
		t.Errorf("the Opener got URL %v, want host and path parsed", gotURL)
	}
	if _, err := objstore.Open(ctx, "mem://"); !errors.Is(err, objstore.ErrUnknownScheme) {
		t.Errorf("Open without a registry = %v, want ErrUnknownScheme", err)
	}
}

func TestOpenWithInstrumentation(t *testing.T) {
	var reg objstore.Registry
	membucket.Register(&reg)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	b, err := objstore.Open(context.Background(), "mem://scratch", objstore.WithRegistry(&reg),
		objstore.WithInstrumentation(objstore.WithTracerProvider(tp)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Exists(context.Background(), "k")
	got := spans.GetSpans()
	if len(got) != 1 || got[0].Name != "objstore.exists" {
		t.Fatalf("spans %v, want objstore.exists", spanNames(got))
	}
	if v := attrs(got[0])["aws.s3.bucket"]; v.AsString() != "scratch" {
		t.Errorf("aws.s3.bucket = %q, want the URL host", v.AsString())
	}
}

// TestOpenWithInstrumentationOfInstrumentedProvider checks that a provider that instruments its
// buckets itself (as objstore/s3 does) is not instrumented again by WithInstrumentation.
func TestOpenWithInstrumentationOfInstrumentedProvider(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	var reg objstore.Registry
	reg.Register("self", func(context.Context, *url.URL) (objstore.Bucket, error) {
		return objstore.Instrument(membucket.New(), objstore.WithTracerProvider(tp)), nil
	})
	b, err := objstore.Open(context.Background(), "self://scratch", objstore.WithRegistry(&reg),
		objstore.WithInstrumentation(objstore.WithTracerProvider(tp)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if got := spanNames(spans.GetSpans()); len(got) != 1 || got[0] != "objstore.put" {
		t.Errorf("spans %v, want one objstore.put", got)
	}
}

func TestRegisterPanics(t *testing.T) {
	open := func(context.Context, *url.URL) (objstore.Bucket, error) { return nil, nil }
	tests := []struct {
		name string
		do   func(r *objstore.Registry)
	}{
		{"duplicate", func(r *objstore.Registry) { r.Register("x", open); r.Register("X", open) }},
		{"empty scheme", func(r *objstore.Registry) { r.Register("", open) }},
		{"scheme with colon", func(r *objstore.Registry) { r.Register("s3://", open) }},
		{"nil opener", func(r *objstore.Registry) { r.Register("x", nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.do(&objstore.Registry{})
		})
	}
}

func TestRecordAttemptWithoutRecorder(t *testing.T) {
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { objstore.RecordAttempt(ctx); objstore.RecordRetry(ctx) }); n != 0 {
		t.Errorf("RecordAttempt allocates %v times without a recorder, want 0", n)
	}
}
