package logpipe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// emitted is one record as a user emits it through the OTel log API.
type emitted struct {
	name   string
	scope  int // index into testScopes
	ctx    context.Context
	record func() log.Record
}

type testScope struct {
	name string
	opts []log.LoggerOption
}

var testScopes = []testScope{
	{"github.com/acme/app", []log.LoggerOption{
		log.WithInstrumentationVersion("v1.2.3"),
		log.WithSchemaURL("https://opentelemetry.io/schemas/1.26.0"),
		log.WithInstrumentationAttributes(attribute.String("lib", "acme")),
	}},
	{"github.com/acme/other", nil},
}

var (
	testTime     = time.Date(2026, 11, 26, 12, 0, 0, 123456789, time.UTC)
	testObserved = testTime.Add(time.Millisecond)
)

func testResource() *resource.Resource {
	return resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0",
		attribute.String("service.name", "logpipe-test"),
		attribute.String("service.version", "1.0.0"),
		attribute.Int("process.pid", 4242),
	)
}

func record(sev log.Severity, body attribute.Value, attrs ...attribute.KeyValue) log.Record {
	var r log.Record
	r.SetTimestamp(testTime)
	r.SetObservedTimestamp(testObserved)
	r.SetSeverity(sev)
	r.SetSeverityText(sev.String())
	r.SetBody(body)
	r.AddAttributes(attrs...)
	return r
}

type typedError struct{}

func (typedError) Error() string { return "typed failure" }

func testRecords() []emitted {
	traced := spanContext()
	unsampled := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		SpanID:  trace.SpanID{0xbb, 1, 2, 3, 4, 5, 6, 7},
	}))
	many := func(n int) []attribute.KeyValue {
		kvs := make([]attribute.KeyValue, n)
		for i := range kvs {
			kvs[i] = attribute.Int(fmt.Sprintf("k%03d", i), i)
		}
		return kvs
	}
	return []emitted{
		{"scalars with span", 0, traced, func() log.Record {
			return record(log.SeverityInfo, attribute.StringValue("request handled"),
				attribute.String("http.method", "GET"), attribute.Int("http.status", 200),
				attribute.Float64("ratio", 0.25), attribute.Bool("ok", true), attribute.Int64("neg", -7))
		}},
		{"every value kind", 0, unsampled, func() log.Record {
			return record(log.SeverityWarn2,
				attribute.MapValue(
					attribute.String("b", "x"),
					attribute.Slice("list", attribute.IntValue(1), attribute.StringValue("two"), attribute.MapValue(attribute.Bool("deep", true))),
					attribute.Int("a", 1)),
				attribute.ByteSlice("bytes", []byte{0, 1, 2, 0xff}),
				attribute.BoolSlice("bools", []bool{true, false}),
				attribute.Int64Slice("ints", []int64{-1, 0, 1 << 40}),
				attribute.Float64Slice("floats", []float64{1.5, -2}),
				attribute.StringSlice("strings", []string{"a", "", "c"}),
				attribute.Slice("mixed", attribute.StringValue("s"), attribute.BoolValue(false), attribute.Float64Value(3), attribute.ByteSliceValue([]byte("b"))),
				attribute.Map("map", attribute.String("z", "last"), attribute.String("y", "first")),
				attribute.KeyValue{Key: "empty", Value: attribute.Value{}},
				attribute.String("empty-string", ""),
			)
		}},
		{"duplicate keys and invalid key", 1, context.Background(), func() log.Record {
			return record(log.SeverityDebug, attribute.StringValue("dups"),
				attribute.Int("a", 1), attribute.Int("b", 2), attribute.String("", "no key"), attribute.Int("a", 3))
		}},
		{"error", 1, traced, func() log.Record {
			r := record(log.SeverityError, attribute.StringValue("failed"), attribute.String("op", "put"))
			r.SetErr(fmt.Errorf("wrapped: %w", typedError{}))
			return r
		}},
		{"error with user exception.type", 1, traced, func() log.Record {
			r := record(log.SeverityError, attribute.StringValue("failed"), attribute.String("exception.type", "mine"))
			r.SetErr(errors.New("plain"))
			return r
		}},
		{"event without timestamp", 0, context.Background(), func() log.Record {
			var r log.Record
			r.SetEventName("app.started")
			r.SetObservedTimestamp(testObserved)
			r.SetSeverity(log.SeverityInfo)
			r.SetBody(attribute.IntValue(42))
			return r
		}},
		{"empty body", 0, context.Background(), func() log.Record {
			return record(log.SeverityTrace, attribute.Value{}, attribute.String("only", "attr"))
		}},
		{"twenty attributes", 0, traced, func() log.Record {
			return record(log.SeverityInfo, attribute.StringValue("many"), many(20)...)
		}},
		{"over the count limit", 1, traced, func() log.Record {
			return record(log.SeverityInfo, attribute.StringValue("too many"), many(130)...)
		}},
		{"large body", 0, traced, func() log.Record {
			return record(log.SeverityFatal, attribute.StringValue(strings.Repeat("large ", 5000)),
				attribute.String("medium", strings.Repeat("m", 300)))
		}},
	}
}

// emitAll sends every test record through lp, tagging each with a seq
// attribute so that the receiver's output can be ordered.
func emitAll(lp log.LoggerProvider, recs []emitted) {
	for i, e := range recs {
		l := lp.Logger(testScopes[e.scope].name, testScopes[e.scope].opts...)
		r := e.record()
		r.AddAttributes(attribute.Int("seq", i))
		l.Emit(e.ctx, r)
	}
}

// flatRecord is one received record with the resource and scope it came with.
type flatRecord struct {
	Resource       *resourcepb.Resource
	ResourceSchema string
	Scope          *commonpb.InstrumentationScope
	ScopeSchema    string
	Record         *logspb.LogRecord
}

func seqOf(r *logspb.LogRecord) int64 {
	for _, kv := range r.GetAttributes() {
		if kv.GetKey() == "seq" {
			return kv.GetValue().GetIntValue()
		}
	}
	return -1
}

func flatten(reqs []*collogspb.ExportLogsServiceRequest) []flatRecord {
	var out []flatRecord
	for _, req := range reqs {
		for _, rl := range req.GetResourceLogs() {
			for _, sl := range rl.GetScopeLogs() {
				for _, lr := range sl.GetLogRecords() {
					out = append(out, flatRecord{rl.GetResource(), rl.GetSchemaUrl(), sl.GetScope(), sl.GetSchemaUrl(), lr})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b flatRecord) int { return int(seqOf(a.Record) - seqOf(b.Record)) })
	return out
}

func sendStock(t *testing.T, recs []emitted) []flatRecord {
	t.Helper()
	rcv := startReceiver(t, true)
	ctx := context.Background()
	exp, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(rcv.GRPCEndpoint), otlploggrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(testResource()), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
	emitAll(lp, recs)
	if err := lp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := rcv.requestsGot()
	return flatten(got)
}

func sendLogpipe(t *testing.T, recs []emitted, cfg otlpconf.Target, rcv *receiver) ([]flatRecord, []map[string]string) {
	t.Helper()
	exp, err := logpipe.NewOTLPExporter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(testResource()), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	emitAll(lp, recs)
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := lp.Stats(); s.Exported != uint64(len(recs)) || s.Dropped != 0 {
		t.Fatalf("stats = %+v, want %d exported and none dropped", s, len(recs))
	}
	got, headers := rcv.requestsGot()
	return flatten(got), headers
}

// TestMatchesStockOTLP decodes what logpipe sends and compares it, field by
// field, with what the stock sdk/log + otlploggrpc pipeline sends for the
// same records, over both protocols, with and without gzip.
func TestMatchesStockOTLP(t *testing.T) {
	recs := testRecords()
	want := sendStock(t, recs)
	if len(want) != len(recs) {
		t.Fatalf("stock pipeline delivered %d records, want %d", len(want), len(recs))
	}
	for _, tc := range []struct {
		name string
		cfg  func(*receiver) otlpconf.Target
	}{
		{"grpc", func(r *receiver) otlpconf.Target {
			return otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: r.GRPCEndpoint, Insecure: true}
		}},
		{"grpc gzip", func(r *receiver) otlpconf.Target {
			return otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: r.GRPCEndpoint, Insecure: true, Gzip: true}
		}},
		{"http default path", func(r *receiver) otlpconf.Target {
			return otlpconf.Target{Protocol: otlpconf.ProtocolHTTPProtobuf, Host: hostOf(r.HTTPEndpoint), Insecure: true}
		}},
		{"http gzip", func(r *receiver) otlpconf.Target {
			return otlpconf.Target{Protocol: otlpconf.ProtocolHTTPProtobuf, Host: hostOf(r.HTTPEndpoint), Path: "/v1/logs", Insecure: true, Gzip: true}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := startReceiver(t, true)
			got, _ := sendLogpipe(t, recs, tc.cfg(rcv), rcv)
			if len(got) != len(want) {
				t.Fatalf("got %d records, want %d", len(got), len(want))
			}
			for i := range want {
				compareFlat(t, recs[i].name, want[i], got[i])
			}
		})
	}
}

// TestOTLPHeaders checks that configured headers reach the receiver over
// both protocols, and that the config never prints their values.
func TestOTLPHeaders(t *testing.T) {
	recs := testRecords()[:1]
	for _, proto := range []string{otlpconf.ProtocolGRPC, otlpconf.ProtocolHTTPProtobuf} {
		t.Run(proto, func(t *testing.T) {
			rcv := startReceiver(t, true)
			cfg := otlpconf.Target{Protocol: proto, Host: rcv.GRPCEndpoint, Insecure: true,
				Headers: map[string]string{"Authorization": "Bearer s3cr3t", "x-tenant": "acme"}}
			want := map[string]string{"authorization": "Bearer s3cr3t", "x-tenant": "acme", "content-type": "application/grpc+proto"}
			if proto == otlpconf.ProtocolHTTPProtobuf {
				cfg.Host = hostOf(rcv.HTTPEndpoint)
				want = map[string]string{"Authorization": "Bearer s3cr3t", "X-Tenant": "acme", "Content-Type": "application/x-protobuf"}
			}
			for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg)} {
				if strings.Contains(s, "s3cr3t") {
					t.Errorf("config printed a header value: %s", s)
				}
			}
			_, headers := sendLogpipe(t, recs, cfg, rcv)
			if len(headers) == 0 {
				t.Fatal("no request received")
			}
			for k, v := range want {
				if got := headers[0][k]; got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// hostOf returns the host:port of an http:// URL.
func hostOf(u string) string { return strings.TrimPrefix(u, "http://") }

// TestOTLPTargetErrors checks that bad targets are reported at construction.
func TestOTLPTargetErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  otlpconf.Target
		want string
	}{
		{"protocol", otlpconf.Target{Protocol: "http/json", Host: "x:1"}, `unsupported OTLP protocol "http/json"`},
		{"no host", otlpconf.Target{Protocol: otlpconf.ProtocolGRPC}, `OTLP target has no host`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := logpipe.NewOTLPExporter(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// compareFlat reports every field of got that differs from want.
func compareFlat(t *testing.T, name string, want, got flatRecord) {
	t.Helper()
	for _, f := range []struct {
		field     string
		want, got proto.Message
	}{
		{"resource", want.Resource, got.Resource},
		{"scope", want.Scope, got.Scope},
		{"record", want.Record, got.Record},
	} {
		if !proto.Equal(f.want, f.got) {
			t.Errorf("%s: %s differs from stock:\nstock:   %s\nlogpipe: %s", name, f.field,
				prototext.Format(f.want), prototext.Format(f.got))
		}
	}
	if want.ResourceSchema != got.ResourceSchema || want.ScopeSchema != got.ScopeSchema {
		t.Errorf("%s: schema URLs = %q, %q; stock %q, %q", name, got.ResourceSchema, got.ScopeSchema, want.ResourceSchema, want.ScopeSchema)
	}
}
