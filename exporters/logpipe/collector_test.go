package logpipe_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/testserver"
)

// TestRealCollector sends records through logpipe to a real OpenTelemetry
// Collector over gRPC and HTTP and reads back what the Collector wrote.
func TestRealCollector(t *testing.T) {
	const burst = 5000
	for _, proto := range []string{otlpconf.ProtocolGRPC, otlpconf.ProtocolHTTPProtobuf} {
		for _, gzip := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/gzip=%t", proto, gzip), func(t *testing.T) {
				c := testserver.StartCollector(t)
				cfg := otlpconf.Target{Protocol: proto, Host: c.GRPCEndpoint, Insecure: true, Gzip: gzip}
				if proto == otlpconf.ProtocolHTTPProtobuf {
					cfg.Host, cfg.Path = c.HTTPEndpoint, "/v1/logs"
				}
				exp, err := logpipe.NewOTLPExporter(cfg)
				if err != nil {
					t.Fatal(err)
				}
				p, err := logpipe.NewProvider(exp, logpipe.WithResource(testResource()), logpipe.WithWarningWriter(io.Discard))
				if err != nil {
					t.Fatal(err)
				}
				logger := slog.New(otelslog.NewHandler("github.com/acme/app", otelslog.WithLoggerProvider(p), otelslog.WithVersion("v1.2.3")))
				ctx := spanContext()
				logger.InfoContext(ctx, "hello collector", "user", "ann", "n", 7,
					slog.Group("req", slog.String("method", "GET"), slog.Bool("ok", true)))
				emitAll(p, testRecords()[1:2]) // every value kind
				for i := range burst {
					logger.Debug("burst", "i", i)
				}
				if err := p.Shutdown(context.Background()); err != nil {
					t.Fatal(err)
				}
				if s := p.Stats(); s.Exported != burst+2 || s.Dropped != 0 {
					t.Fatalf("stats = %+v, want %d exported", s, burst+2)
				}
				var got []testserver.LogRecord
				testserver.WaitFor(t, func() bool { got = c.ReadLogs(t); return len(got) >= burst+2 }, 20*time.Second)
				if len(got) != burst+2 {
					t.Fatalf("collector wrote %d records, want %d", len(got), burst+2)
				}
				var hello, kinds testserver.LogRecord
				for _, r := range got {
					switch body := r.Body.(type) {
					case string:
						if body == "hello collector" {
							hello = r
						}
					case map[string]any:
						kinds = r
					}
				}
				if hello.Body == nil {
					t.Fatalf("no 'hello collector' record among %d", len(got))
				}
				sc := spanContextOf(ctx)
				tid, sid := sc.TraceID(), sc.SpanID()
				wantAttrs := map[string]any{"user": "ann", "n": int64(7), "req": map[string]any{"method": "GET", "ok": true}}
				switch {
				case hello.TraceID != hex.EncodeToString(tid[:]) || hello.SpanID != hex.EncodeToString(sid[:]):
					t.Errorf("trace/span = %s/%s, want %s/%s", hello.TraceID, hello.SpanID, tid, sid)
				case hello.SeverityNumber != 9 || hello.SeverityText != "INFO":
					t.Errorf("severity = %d %q, want 9 INFO", hello.SeverityNumber, hello.SeverityText)
				case !reflect.DeepEqual(hello.Attributes, wantAttrs):
					t.Errorf("attributes = %#v, want %#v", hello.Attributes, wantAttrs)
				case hello.Scope.Name != "github.com/acme/app" || hello.Scope.Version != "v1.2.3":
					t.Errorf("scope = %+v", hello.Scope)
				case hello.Resource["service.name"] != "logpipe-test" || hello.Resource["process.pid"] != int64(4242):
					t.Errorf("resource = %v", hello.Resource)
				case hello.Time.IsZero() || hello.ObservedTime.IsZero():
					t.Errorf("timestamps = %v, %v; want both set", hello.Time, hello.ObservedTime)
				}
				if kinds.Body == nil {
					t.Fatal("no record with a map body")
				}
				wantBody := map[string]any{"a": int64(1), "b": "x", "list": []any{int64(1), "two", map[string]any{"deep": true}}}
				if !reflect.DeepEqual(kinds.Body, wantBody) {
					t.Errorf("map body = %#v, want %#v", kinds.Body, wantBody)
				}
				for k, want := range map[string]any{
					"bytes":   []byte{0, 1, 2, 0xff},
					"bools":   []any{true, false},
					"ints":    []any{int64(-1), int64(0), int64(1 << 40)},
					"floats":  []any{1.5, -2.0},
					"strings": []any{"a", "", "c"},
					"map":     map[string]any{"y": "first", "z": "last"},
				} {
					if got := kinds.Attributes[k]; !reflect.DeepEqual(got, want) {
						t.Errorf("attribute %s = %#v, want %#v", k, got, want)
					}
				}
			})
		}
	}
}
