package s3_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// recorder collects spans and metrics of one bucket.
type recorder struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	r.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() {
		_ = r.tp.Shutdown(context.Background())
		_ = r.mp.Shutdown(context.Background())
	})
	return r
}

func (r *recorder) options() []s3.Option {
	return []s3.Option{s3.WithTracerProvider(r.tp), s3.WithMeterProvider(r.mp)}
}

func (r *recorder) metrics(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	return testkit.MetricsByName(testkit.Collect(t, r.reader))
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

// descendants returns the spans below root, recursively.
func descendants(spans tracetest.SpanStubs, root trace.SpanID) tracetest.SpanStubs {
	var out tracetest.SpanStubs
	for _, s := range spans {
		if s.Parent.SpanID() == root {
			out = append(out, s)
			out = append(out, descendants(spans, s.SpanContext.SpanID())...)
		}
	}
	return out
}

func TestTelemetry(t *testing.T) {
	srv := testserver.StartVersity(t)
	// Every second request is answered 503 SlowDown, so the first Put needs retries.
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{SlowDown: 0.5}, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	rec := newRecorder(t)
	b := openVersity(t, srv, proxy.URL(), append(rec.options(), s3.WithSDKSpans(true))...)
	ctx := context.Background()
	data := []byte("hello, telemetry")

	if err := b.Put(ctx, "t/a.txt", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	proxy.SetFaults(faultproxy.Faults{})
	rc, err := b.Get(ctx, "t/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, err := b.Get(ctx, "t/missing"); err == nil {
		t.Fatal("Get of a missing key succeeded")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.Put(canceled, "t/c.txt", bytes.NewReader(data), int64(len(data))); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}

	spans := rec.spans.GetSpans()
	byName := map[string][]tracetest.SpanStub{}
	for _, s := range spans {
		byName[s.Name] = append(byName[s.Name], s)
	}
	if len(byName["objstore.put"]) != 2 || len(byName["objstore.get"]) != 2 {
		t.Fatalf("got spans %v, want 2 objstore.put and 2 objstore.get", names(spans))
	}

	put := byName["objstore.put"][0]
	a := attrs(put)
	if put.SpanKind != trace.SpanKindClient || put.Status.Code != codes.Unset {
		t.Errorf("put span kind %v status %v, want client and unset", put.SpanKind, put.Status)
	}
	for k, want := range map[attribute.Key]attribute.Value{
		"objstore.operation": attribute.StringValue("put"),
		"aws.s3.bucket":      attribute.StringValue(srv.Bucket),
		"aws.s3.key":         attribute.StringValue("t/a.txt"),
		"objstore.success":   attribute.BoolValue(true),
		"objstore.bytes":     attribute.Int64Value(int64(len(data))),
	} {
		if got := a[k]; got != want {
			t.Errorf("put span %s = %v, want %v", k, got.String(), want.String())
		}
	}
	attempts := a["objstore.attempts"].AsInt64()
	if attempts < 1 || attempts > 8 {
		t.Errorf("objstore.attempts = %d, want 1..8", attempts)
	}
	if a["objstore.latency_ms"].AsFloat64() <= 0 {
		t.Errorf("objstore.latency_ms = %v, want > 0", a["objstore.latency_ms"].String())
	}

	// The SDK's spans nest beneath the objstore span: the call, its retry loop and one Attempt
	// span per attempt.
	sdkSpans := descendants(spans, put.SpanContext.SpanID())
	var call, attemptSpans int
	for _, s := range sdkSpans {
		if s.SpanContext.TraceID() != put.SpanContext.TraceID() {
			t.Errorf("SDK span %s in another trace", s.Name)
		}
		switch s.Name {
		case "S3.PutObject":
			call++
		case "Attempt":
			attemptSpans++
		}
	}
	t.Logf("attempts %d; SDK spans under objstore.put: %v", attempts, names(sdkSpans))
	if call != 1 || int64(attemptSpans) != attempts {
		t.Errorf("under objstore.put: %d S3.PutObject and %d Attempt spans, want 1 and %d (objstore.attempts); spans: %v",
			call, attemptSpans, attempts, names(sdkSpans))
	}
	if attempts < 2 {
		t.Errorf("the proxy let the first attempt through; retries are not exercised (proxy %v)", proxy.Counts())
	}

	// The missing key: an expected outcome, not an error status.
	miss := byName["objstore.get"][1]
	if miss.Status.Code == codes.Error || attrs(miss)["objstore.success"].AsBool() {
		t.Errorf("get of a missing key: status %v success %v, want unset status and success=false",
			miss.Status.Code, attrs(miss)["objstore.success"].String())
	}
	// The cancelled Put is not a failure.
	if c := byName["objstore.put"][1]; c.Status.Code == codes.Error {
		t.Errorf("cancelled put has status Error")
	}

	// No secret, signature or auth header on any span.
	for _, s := range spans {
		for _, kv := range s.Attributes {
			v := kv.Value.String()
			if strings.Contains(v, srv.SecretKey) || strings.Contains(v, "Signature=") || strings.Contains(v, "AWS4-HMAC-SHA256") {
				t.Errorf("span %s attribute %s leaks credentials: %q", s.Name, kv.Key, v)
			}
		}
	}

	m := rec.metrics(t)
	for _, name := range []string{"objstore.operations", "objstore.operation.duration", "objstore.bytes", "objstore.inflight"} {
		if _, ok := m[name]; !ok {
			t.Errorf("metric %s not recorded", name)
		}
	}
	if got := testkit.SumInt64(metricdata.ResourceMetrics{ScopeMetrics: []metricdata.ScopeMetrics{{Metrics: []metricdata.Metrics{m["objstore.retries"]}}}}, "objstore.retries"); got != attempts-1 {
		t.Errorf("objstore.retries = %d, want %d (attempts - 1)", got, attempts-1)
	}
	for name, md := range m {
		for _, set := range attributeSets(md) {
			if _, ok := set.Value("aws.s3.key"); ok {
				t.Errorf("metric %s has the object key as attribute", name)
			}
		}
	}
}

func TestWithoutInstrumentation(t *testing.T) {
	srv := testserver.StartVersity(t)
	rec := newRecorder(t)
	b := openVersity(t, srv, "", append(rec.options(), s3.WithInstrumentation(false))...)
	if err := b.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if spans := rec.spans.GetSpans(); len(spans) != 0 {
		t.Errorf("got spans %v with instrumentation off", names(spans))
	}
}

func TestWithoutSDKSpans(t *testing.T) {
	srv := testserver.StartVersity(t)
	rec := newRecorder(t)
	b := openVersity(t, srv, "", append(rec.options(), s3.WithSDKSpans(false))...)
	if err := b.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	spans := rec.spans.GetSpans()
	if len(spans) != 1 || spans[0].Name != "objstore.put" || attrs(spans[0])["objstore.attempts"].AsInt64() != 1 {
		t.Errorf("got spans %v, want objstore.put alone with 1 attempt", names(spans))
	}
}

func names(spans tracetest.SpanStubs) []string {
	out := make([]string, len(spans))
	for i, s := range spans {
		out[i] = s.Name
	}
	return out
}

func attributeSets(m metricdata.Metrics) []attribute.Set {
	var out []attribute.Set
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, dp := range d.DataPoints {
			out = append(out, dp.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, dp := range d.DataPoints {
			out = append(out, dp.Attributes)
		}
	}
	return out
}
