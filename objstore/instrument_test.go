package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
	"github.com/esper-platform/obskit/objstore/objstoretest"
)

// harness is an instrumented memory bucket with in-memory span and metric readers.
type harness struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	stats  *objstore.Stats
	bucket objstore.Bucket
}

func newHarness(t *testing.T, wrap func(objstore.Bucket, trace.TracerProvider) objstore.Bucket) *harness {
	h := &harness{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader(), stats: &objstore.Stats{}}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	t.Cleanup(func() { h.tp.Shutdown(context.Background()); mp.Shutdown(context.Background()) })
	var b objstore.Bucket = membucket.New()
	if wrap != nil {
		b = wrap(b, h.tp)
	}
	h.bucket = objstore.Instrument(b, objstore.WithTracerProvider(h.tp), objstore.WithMeterProvider(mp),
		objstore.WithBucketName("reports"), objstore.WithStats(h.stats))
	t.Cleanup(func() { h.bucket.Close() })
	return h
}

// span returns the only ended span, failing if there is not exactly one.
func (h *harness) span(t *testing.T) tracetest.SpanStub {
	t.Helper()
	spans := h.spans.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("got %d spans, want 1: %v", len(spans), spanNames(spans))
	}
	h.spans.Reset()
	return spans[0]
}

func spanNames(spans tracetest.SpanStubs) []string {
	var names []string
	for _, s := range spans {
		names = append(names, s.Name)
	}
	return names
}

func attrs(s tracetest.SpanStub) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes {
		m[kv.Key] = kv.Value
	}
	return m
}

func (h *harness) metrics(t *testing.T) map[string]metricdata.Metrics {
	t.Helper()
	rm := testkit.Collect(t, h.reader)
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != objstore.ScopeName {
			t.Errorf("scope %q, want %q", sm.Scope.Name, objstore.ScopeName)
		}
	}
	return testkit.MetricsByName(rm)
}

func TestInstrumentSpans(t *testing.T) {
	data := []byte("hello, objstore")
	tests := []struct {
		name       string
		setup      func(ctx context.Context, b objstore.Bucket)
		do         func(ctx context.Context, b objstore.Bucket) error
		wantName   string
		want       map[attribute.Key]any // value, or nil for "absent"
		wantStatus codes.Code
	}{
		{
			name: "put",
			do: func(ctx context.Context, b objstore.Bucket) error {
				return b.Put(ctx, "k", bytes.NewReader(data), int64(len(data)))
			},
			wantName: "objstore.put",
			want: map[attribute.Key]any{"objstore.operation": "put", "aws.s3.bucket": "reports", "aws.s3.key": "k",
				"objstore.success": true, "objstore.outcome": "success", "objstore.bytes": int64(len(data)),
				"objstore.attempts": int64(0), "error.type": nil},
		},
		{
			name: "put of unknown length counts bytes",
			do: func(ctx context.Context, b objstore.Bucket) error {
				return b.Put(ctx, "k", strings.NewReader("abc"), -1)
			},
			wantName: "objstore.put",
			want:     map[attribute.Key]any{"objstore.bytes": int64(3), "objstore.success": true},
		},
		{
			name: "invalid key is a failure",
			do: func(ctx context.Context, b objstore.Bucket) error {
				return b.Put(ctx, "../x", strings.NewReader("a"), 1)
			},
			wantName: "objstore.put",
			want: map[attribute.Key]any{"objstore.success": false, "objstore.outcome": "failure",
				"error.type": "invalid_key", "objstore.bytes": int64(0)},
			wantStatus: codes.Error,
		},
		{
			name: "get reads to the end",
			setup: func(ctx context.Context, b objstore.Bucket) {
				b.Put(ctx, "k", bytes.NewReader(data), int64(len(data)))
			},
			do: func(ctx context.Context, b objstore.Bucket) error {
				rc, err := b.Get(ctx, "k")
				if err != nil {
					return err
				}
				io.Copy(io.Discard, rc)
				return rc.Close()
			},
			wantName: "objstore.get",
			want:     map[attribute.Key]any{"objstore.operation": "get", "objstore.bytes": int64(len(data)), "objstore.success": true},
		},
		{
			name: "get closed early counts what was read",
			setup: func(ctx context.Context, b objstore.Bucket) {
				b.Put(ctx, "k", bytes.NewReader(data), int64(len(data)))
			},
			do: func(ctx context.Context, b objstore.Bucket) error {
				rc, err := b.Get(ctx, "k")
				if err != nil {
					return err
				}
				io.ReadFull(rc, make([]byte, 5))
				return rc.Close()
			},
			wantName: "objstore.get",
			want:     map[attribute.Key]any{"objstore.bytes": int64(5), "objstore.success": true},
		},
		{
			name: "get range",
			setup: func(ctx context.Context, b objstore.Bucket) {
				b.Put(ctx, "k", bytes.NewReader(data), int64(len(data)))
			},
			do: func(ctx context.Context, b objstore.Bucket) error {
				rc, err := b.GetRange(ctx, "k", 7, -1)
				if err != nil {
					return err
				}
				io.Copy(io.Discard, rc)
				return rc.Close()
			},
			wantName: "objstore.get_range",
			want:     map[attribute.Key]any{"objstore.operation": "get_range", "objstore.bytes": int64(len(data) - 7)},
		},
		{
			name: "get of a missing object is not a failure",
			do: func(ctx context.Context, b objstore.Bucket) error {
				_, err := b.Get(ctx, "missing")
				return err
			},
			wantName: "objstore.get",
			want: map[attribute.Key]any{"objstore.success": false, "objstore.outcome": "not_found",
				"error.type": nil},
		},
		{
			name: "attributes of a missing object is not a failure",
			do: func(ctx context.Context, b objstore.Bucket) error {
				_, err := b.Attributes(ctx, "missing")
				return err
			},
			wantName: "objstore.attributes",
			want:     map[attribute.Key]any{"objstore.outcome": "not_found", "error.type": nil},
		},
		{
			name: "exists false is a success",
			do: func(ctx context.Context, b objstore.Bucket) error {
				_, err := b.Exists(ctx, "missing")
				return err
			},
			wantName: "objstore.exists",
			want:     map[attribute.Key]any{"objstore.success": true, "objstore.outcome": "success"},
		},
		{
			name: "cancellation is not a failure",
			do: func(ctx context.Context, b objstore.Bucket) error {
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return b.Delete(ctx, "k")
			},
			wantName: "objstore.delete",
			want: map[attribute.Key]any{"objstore.success": false, "objstore.outcome": "canceled",
				"error.type": nil},
		},
		{
			name: "deadline is a failure",
			do: func(ctx context.Context, b objstore.Bucket) error {
				ctx, cancel := context.WithTimeout(ctx, 0)
				defer cancel()
				return b.Delete(ctx, "k")
			},
			wantName:   "objstore.delete",
			want:       map[attribute.Key]any{"objstore.outcome": "failure", "error.type": "deadline_exceeded"},
			wantStatus: codes.Error,
		},
		{
			name: "list",
			setup: func(ctx context.Context, b objstore.Bucket) {
				for _, k := range []string{"p/1", "p/2", "q"} {
					b.Put(ctx, k, strings.NewReader(""), 0)
				}
			},
			do: func(ctx context.Context, b objstore.Bucket) error {
				for _, err := range b.List(ctx, "p/") {
					if err != nil {
						return err
					}
				}
				return nil
			},
			wantName: "objstore.list",
			want: map[attribute.Key]any{"objstore.operation": "list", "objstore.prefix": "p/",
				"objstore.objects": int64(2), "aws.s3.key": nil, "objstore.success": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			ctx := context.Background()
			if tt.setup != nil {
				tt.setup(ctx, h.bucket)
				h.spans.Reset()
			}
			tt.do(ctx, h.bucket)
			s := h.span(t)
			if s.Name != tt.wantName || s.SpanKind != trace.SpanKindClient {
				t.Errorf("span %q kind %v, want %q kind client", s.Name, s.SpanKind, tt.wantName)
			}
			if s.Status.Code != tt.wantStatus {
				t.Errorf("status %v %q, want %v", s.Status.Code, s.Status.Description, tt.wantStatus)
			}
			got := attrs(s)
			if v, ok := got["objstore.latency_ms"]; !ok || v.Type() != attribute.FLOAT64 || v.AsFloat64() < 0 {
				t.Errorf("objstore.latency_ms = %v, want a float64 ≥ 0", v)
			}
			for k, want := range tt.want {
				v, ok := got[k]
				switch {
				case want == nil && ok:
					t.Errorf("%s = %v, want absent", k, v.String())
				case want != nil && (!ok || v.AsInterface() != want):
					t.Errorf("%s = %v (present %t), want %v", k, v.AsInterface(), ok, want)
				}
			}
		})
	}
}

// The span of a streamed Get ends when the reader is closed, not when Get returns.
func TestInstrumentGetEndsOnClose(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.bucket.Put(ctx, "k", strings.NewReader("abcdef"), 6)
	h.spans.Reset()
	rc, err := h.bucket.Get(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(rc, make([]byte, 4))
	if n := len(h.spans.GetSpans()); n != 0 {
		t.Fatalf("%d spans ended before Close, want 0", n)
	}
	rc.Close()
	rc.Close() // idempotent: no second span
	if got := attrs(h.span(t))["objstore.bytes"].AsInt64(); got != 4 {
		t.Errorf("objstore.bytes = %d, want 4", got)
	}
}

// attemptingBucket stands for a provider that sends requests: it starts its own span from the
// context (as the AWS SDK does) and reports attempts, one of them a retry.
type attemptingBucket struct {
	objstore.Bucket
	tracer trace.Tracer
}

func (a attemptingBucket) Put(ctx context.Context, key string, r io.Reader, size int64, opts ...objstore.PutOption) error {
	ctx, span := a.tracer.Start(ctx, "S3.PutObject")
	defer span.End()
	objstore.RecordAttempt(ctx)
	objstore.RecordAttempt(ctx)
	objstore.RecordRetry(ctx)
	return a.Bucket.Put(ctx, key, r, size, opts...)
}

func TestInstrumentNestsProviderSpansAndCountsAttempts(t *testing.T) {
	h := newHarness(t, func(b objstore.Bucket, tp trace.TracerProvider) objstore.Bucket {
		return attemptingBucket{Bucket: b, tracer: tp.Tracer("provider")}
	})
	if err := h.bucket.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	spans := h.spans.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("spans %v, want the provider's and objstore.put", spanNames(spans))
	}
	child, parent := spans[0], spans[1]
	if parent.Name != "objstore.put" || child.Parent.SpanID() != parent.SpanContext.SpanID() {
		t.Errorf("provider span %q has parent %v, want objstore.put (%v)", child.Name, child.Parent.SpanID(), parent.SpanContext.SpanID())
	}
	if got := attrs(parent)["objstore.attempts"].AsInt64(); got != 2 {
		t.Errorf("objstore.attempts = %d, want 2", got)
	}
	m := h.metrics(t)
	metricdatatest.AssertEqual(t, metricdata.Metrics{
		Name: objstore.MetricRetries, Description: "Request attempts retried by the provider, by operation.", Unit: "{retry}",
		Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
			DataPoints: []metricdata.DataPoint[int64]{{Attributes: attribute.NewSet(
				attribute.String("objstore.operation", "put"), attribute.String("aws.s3.bucket", "reports")), Value: 1}}},
	}, m[objstore.MetricRetries], metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
}

func TestInstrumentMetrics(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	b := h.bucket
	b.Put(ctx, "secret/key-1", strings.NewReader("12345"), 5)
	b.Put(ctx, "secret/key-2", strings.NewReader("123"), 3)
	b.Put(ctx, "", strings.NewReader("1"), 1) // failure
	rc, _ := b.Get(ctx, "secret/key-1")
	io.Copy(io.Discard, rc)
	rc.Close()
	b.Get(ctx, "missing")

	m := h.metrics(t)
	set := func(kv ...string) attribute.Set {
		var a []attribute.KeyValue
		for i := 0; i < len(kv); i += 2 {
			a = append(a, attribute.String(kv[i], kv[i+1]))
		}
		return attribute.NewSet(append(a, attribute.String("aws.s3.bucket", "reports"))...)
	}
	metricdatatest.AssertEqual(t, metricdata.Metrics{
		Name: objstore.MetricOperations, Description: "Object store operations, by operation and outcome.", Unit: "{operation}",
		Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
			DataPoints: []metricdata.DataPoint[int64]{
				{Attributes: set("objstore.operation", "put", "objstore.outcome", "success"), Value: 2},
				{Attributes: set("objstore.operation", "put", "objstore.outcome", "failure"), Value: 1},
				{Attributes: set("objstore.operation", "get", "objstore.outcome", "success"), Value: 1},
				{Attributes: set("objstore.operation", "get", "objstore.outcome", "not_found"), Value: 1},
			}},
	}, m[objstore.MetricOperations], metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metricdatatest.AssertEqual(t, metricdata.Metrics{
		Name: objstore.MetricBytes, Description: "Object content bytes transferred, by direction (upload, download).", Unit: "By",
		Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
			DataPoints: []metricdata.DataPoint[int64]{
				{Attributes: set("objstore.direction", "upload"), Value: 8},
				{Attributes: set("objstore.direction", "download"), Value: 5},
			}},
	}, m[objstore.MetricBytes], metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())
	metricdatatest.AssertEqual(t, metricdata.Metrics{
		Name: objstore.MetricInflight, Description: "Object store operations in progress, by operation.", Unit: "{operation}",
		Data: metricdata.Sum[int64]{Temporality: metricdata.CumulativeTemporality, IsMonotonic: false,
			DataPoints: []metricdata.DataPoint[int64]{
				{Attributes: set("objstore.operation", "put"), Value: 0},
				{Attributes: set("objstore.operation", "get"), Value: 0},
			}},
	}, m[objstore.MetricInflight], metricdatatest.IgnoreTimestamp(), metricdatatest.IgnoreExemplars())

	hist, ok := m[objstore.MetricDuration].Data.(metricdata.Histogram[float64])
	if !ok || m[objstore.MetricDuration].Unit != "s" {
		t.Fatalf("%s: %T unit %q, want a float64 histogram in s", objstore.MetricDuration, m[objstore.MetricDuration].Data, m[objstore.MetricDuration].Unit)
	}
	var count uint64
	for _, dp := range hist.DataPoints {
		count += dp.Count
		if len(dp.Bounds) == 0 || dp.Bounds[0] != 0.001 {
			t.Errorf("histogram bounds %v, want the objstore buckets from 1 ms", dp.Bounds)
		}
	}
	if count != 5 {
		t.Errorf("%s counted %d operations, want 5", objstore.MetricDuration, count)
	}

	// Keys never become metric attributes.
	for name, mm := range m {
		if strings.Contains(debugString(mm), "secret/") || strings.Contains(debugString(mm), "aws.s3.key") {
			t.Errorf("metric %s carries an object key: %s", name, debugString(mm))
		}
	}
}

func debugString(m metricdata.Metrics) string {
	var sb strings.Builder
	add := func(s attribute.Set) {
		for _, kv := range s.ToSlice() {
			sb.WriteString(string(kv.Key) + "=" + kv.Value.String() + " ")
		}
	}
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, dp := range d.DataPoints {
			add(dp.Attributes)
		}
	case metricdata.Histogram[float64]:
		for _, dp := range d.DataPoints {
			add(dp.Attributes)
		}
	}
	return sb.String()
}

// Inflight counts an open Get reader until it is closed.
func TestInstrumentInflight(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	h.bucket.Put(ctx, "k", strings.NewReader("x"), 1)
	rc, _ := h.bucket.Get(ctx, "k")
	inflight := func() int64 {
		for _, dp := range h.metrics(t)[objstore.MetricInflight].Data.(metricdata.Sum[int64]).DataPoints {
			if v, _ := dp.Attributes.Value("objstore.operation"); v.AsString() == "get" {
				return dp.Value
			}
		}
		return -1
	}
	if got := inflight(); got != 1 {
		t.Errorf("inflight get with a reader open = %d, want 1", got)
	}
	rc.Close()
	if got := inflight(); got != 0 {
		t.Errorf("inflight get after Close = %d, want 0", got)
	}
}

func TestInstrumentStats(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	for range 3 {
		h.bucket.Put(ctx, "k", strings.NewReader("abcd"), 4)
	}
	h.bucket.Put(ctx, "/bad", strings.NewReader("x"), 1)
	snap := h.stats.Snapshot()
	if len(snap) != 1 || snap[0].Op != objstore.OpPut {
		t.Fatalf("Snapshot = %v, want put only", snap)
	}
	s := snap[0]
	if s.Count != 4 || s.Successes != 3 || s.Failures != 1 || s.Bytes != 12 || s.SuccessRate != 0.75 {
		t.Errorf("put stats = %+v, want 4 ops, 3 ok, 1 failed, 12 bytes, rate 0.75", s)
	}
}

// The decorated bucket is still a Bucket: the acceptance suite passes through it.
func TestInstrumentedBucketPassesAcceptance(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
	defer tp.Shutdown(context.Background())
	objstoretest.Run(t, func(*testing.T) objstore.Bucket {
		return objstore.Instrument(membucket.New(), objstore.WithTracerProvider(tp))
	}, objstoretest.WithListCount(100))
}

func TestErrorType(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&objstore.OpError{Op: objstore.OpGet, Key: "k", Err: objstore.ErrNotFound}, "not_found"},
		{&objstore.OpError{Op: objstore.OpPut, Key: "k", Err: objstore.ErrIntegrity}, "integrity"},
		{objstore.ErrClosed, "closed"},
		{context.DeadlineExceeded, "deadline_exceeded"},
		{&objstore.OpError{Op: objstore.OpPut, Key: "k", Err: codedError{"SlowDown"}}, "SlowDown"},
		{errors.New("plain"), "*errors.errorString"},
	}
	for _, tt := range tests {
		if got := objstore.ErrorType(tt.err); got != tt.want {
			t.Errorf("ErrorType(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

type codedError struct{ code string }

func (c codedError) Error() string     { return "api error " + c.code }
func (c codedError) ErrorCode() string { return c.code }

// corruptGet returns readers that fail after 3 bytes, as a provider verifying a checksum would.
type corruptGet struct{ objstore.Bucket }

func (c corruptGet) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	return io.NopCloser(io.MultiReader(strings.NewReader("abc"),
		iotestErrReader{&objstore.OpError{Op: objstore.OpGet, Key: key, Err: objstore.ErrIntegrity}})), nil
}

type iotestErrReader struct{ err error }

func (e iotestErrReader) Read([]byte) (int, error) { return 0, e.err }

// A read error seen by the caller makes the Get a failure, reported when the reader is closed.
func TestInstrumentGetReadError(t *testing.T) {
	h := newHarness(t, func(b objstore.Bucket, _ trace.TracerProvider) objstore.Bucket { return corruptGet{b} })
	rc, err := h.bucket.Get(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); !objstore.IsIntegrity(err) {
		t.Fatalf("ReadAll: %v, want the integrity error", err)
	}
	rc.Close()
	s := h.span(t)
	a := attrs(s)
	if s.Status.Code != codes.Error || a["error.type"].AsString() != "integrity" || a["objstore.bytes"].AsInt64() != 3 {
		t.Errorf("span status %v, error.type %q, bytes %d; want Error, integrity, 3",
			s.Status.Code, a["error.type"].AsString(), a["objstore.bytes"].AsInt64())
	}
}

// After Close, the observable metrics still report the final counts, and two instrumented
// buckets of the same name on one MeterProvider add up.
func TestInstrumentMetricsAfterClose(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	ctx := context.Background()
	for range 2 {
		b := objstore.Instrument(membucket.New(), objstore.WithMeterProvider(mp), objstore.WithBucketName("reports"))
		if err := b.Put(ctx, "k", strings.NewReader("abc"), 3); err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, dp := range sum.DataPoints {
					got[m.Name] += dp.Value
				}
			}
		}
	}
	want := map[string]int64{objstore.MetricOperations: 2, objstore.MetricBytes: 6, objstore.MetricInflight: 0}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %d after Close, want %d (all: %v)", name, got[name], v, got)
		}
	}
}

// wrapper is a decorator of another package that names what it decorates.
type wrapper struct{ objstore.Bucket }

func (w wrapper) Unwrap() objstore.Bucket { return w.Bucket }

// TestInstrumentOnce checks that instrumenting an instrumented bucket, directly or through a
// decorator that unwraps to it, returns it unchanged: one span per operation.
func TestInstrumentOnce(t *testing.T) {
	for _, tt := range []struct {
		name string
		wrap func(objstore.Bucket) objstore.Bucket
	}{
		{"instrumented", func(b objstore.Bucket) objstore.Bucket { return b }},
		{"decorated", func(b objstore.Bucket) objstore.Bucket { return wrapper{b} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			defer tp.Shutdown(context.Background())
			once := tt.wrap(objstore.Instrument(membucket.New(), objstore.WithTracerProvider(tp)))
			twice := objstore.Instrument(once, objstore.WithTracerProvider(tp))
			if twice != once {
				t.Errorf("Instrument of an instrumented bucket returned a new %T", twice)
			}
			if err := twice.Put(context.Background(), "k", strings.NewReader("x"), 1); err != nil {
				t.Fatal(err)
			}
			if _, err := twice.Exists(context.Background(), "k"); err != nil {
				t.Fatal(err)
			}
			if got := spanNames(spans.GetSpans()); len(got) != 2 || got[0] != "objstore.put" || got[1] != "objstore.exists" {
				t.Errorf("spans %v, want one objstore.put and one objstore.exists", got)
			}
		})
	}
}

// asBucket answers As for *string targets.
type asBucket struct{ objstore.Bucket }

func (asBucket) As(target any) bool {
	if p, ok := target.(*string); ok {
		*p = "provider"
		return true
	}
	return false
}

func TestAsThroughDecorators(t *testing.T) {
	b := wrapper{objstore.Instrument(asBucket{membucket.New()})}
	var s string
	if !objstore.As(b, &s) || s != "provider" {
		t.Errorf("As(*string) = %q, want the provider's answer through both decorators", s)
	}
	var n int
	if objstore.As(b, &n) {
		t.Error("As(*int) reported true for a target no bucket accepts")
	}
	if objstore.As(membucket.New(), &s) || objstore.As(nil, &s) || objstore.As(b, nil) {
		t.Error("As reported true without a bucket that accepts the target")
	}
}

// blockingGet stands for a provider whose Get body blocks in Read until it is closed, as an HTTP
// body does while the server sends nothing.
type blockingGet struct{ objstore.Bucket }

func (blockingGet) Get(context.Context, string) (io.ReadCloser, error) {
	pr, pw := io.Pipe()
	go func() { _, _ = pw.Write([]byte("abc")) }() // three bytes, then nothing until Close
	return pr, nil
}

// TestInstrumentGetCloseDuringRead: Close from another goroutine stops a Read that is waiting
// (the race detector checks the reader's state), and the span records what was read.
func TestInstrumentGetCloseDuringRead(t *testing.T) {
	h := newHarness(t, func(b objstore.Bucket, _ trace.TracerProvider) objstore.Bucket { return blockingGet{b} })
	rc, err := h.bucket.Get(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(rc, make([]byte, 3)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := rc.Read(make([]byte, 8)) // blocks: nothing more is written
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := rc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the Read waiting when Close was called returned no error")
	}
	if got := attrs(h.span(t))["objstore.bytes"].AsInt64(); got != 3 {
		t.Errorf("objstore.bytes = %d, want 3", got)
	}
}
