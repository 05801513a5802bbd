package telemetry_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
)

func TestHandlerConformance(t *testing.T) {
	var buf bytes.Buffer
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "json", "OBSKIT_LOG_LEVEL": "INFO"},
		telemetry.WithConsoleWriter(&buf), telemetry.WithLogExporter(&memLogs{}))
	err := slogtest.TestHandler(tel.Logger().Handler(), func() []map[string]any {
		var out []map[string]any
		for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("console line %q: %v", line, err)
			}
			out = append(out, m)
		}
		return out
	})
	if err != nil {
		t.Error(err)
	}
}

// otelAttrs flattens a record's attributes to key paths (a.b for groups) and string values.
func otelAttrs(r *logspb.LogRecord) map[string]string {
	out := map[string]string{}
	var walk func(prefix string, kv *commonpb.KeyValue)
	walk = func(prefix string, kv *commonpb.KeyValue) {
		switch v := kv.GetValue().GetValue().(type) {
		case *commonpb.AnyValue_KvlistValue:
			for _, e := range v.KvlistValue.GetValues() {
				walk(prefix+kv.GetKey()+".", e)
			}
		case *commonpb.AnyValue_StringValue:
			out[prefix+kv.GetKey()] = v.StringValue
		case *commonpb.AnyValue_IntValue:
			out[prefix+kv.GetKey()] = strconv.FormatInt(v.IntValue, 10)
		default:
			out[prefix+kv.GetKey()] = kv.GetValue().String()
		}
	}
	for _, kv := range r.GetAttributes() {
		walk("", kv)
	}
	return out
}

func TestRedactionInBothOutputs(t *testing.T) {
	var console testkit.SyncBuffer
	logs := &memLogs{}
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "json", "OBSKIT_LOG_REDACT_KEYS": "password,Api_Key",
		"OTEL_LOGS_EXPORTER": "none"}, telemetry.WithConsoleWriter(&console), telemetry.WithLogExporter(logs))

	logger := tel.Logger().With("password", "p-with").WithGroup("req").With(slog.Group("auth", "API_KEY", "k-group"))
	logger.Info("hello", "user", "ann", "token", envconfig.NewSecret("s-secret"), "Password", "p-record",
		slog.Group("nested", slog.String("password", "p-nested"), slog.Int("n", 1)))
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}

	out := console.String()
	for _, leaked := range []string{"p-with", "k-group", "s-secret", "p-record", "p-nested"} {
		if strings.Contains(out, leaked) {
			t.Errorf("console output holds %q: %s", leaked, out)
		}
	}
	if !strings.Contains(out, `"user":"ann"`) || !strings.Contains(out, `"n":1`) {
		t.Errorf("console output lost plain attributes: %s", out)
	}
	recs := logs.all()
	if len(recs) != 1 {
		t.Fatalf("got %d OTel records, want 1", len(recs))
	}
	got := otelAttrs(recs[0])
	want := map[string]string{
		"password":            envconfig.Redacted,
		"req.auth.API_KEY":    envconfig.Redacted,
		"req.token":           envconfig.Redacted,
		"req.Password":        envconfig.Redacted,
		"req.nested.password": envconfig.Redacted,
		"req.nested.n":        "1",
		"req.user":            "ann",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("OTel attribute %s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestTraceIDsInBothOutputs(t *testing.T) {
	var console testkit.SyncBuffer
	logs := &memLogs{}
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "json"}, telemetry.WithConsoleWriter(&console), telemetry.WithLogExporter(logs))

	ctx, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
	tel.Logger().InfoContext(ctx, "inside")
	span.End()
	tel.Logger().InfoContext(context.Background(), "outside")
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}

	sc := span.SpanContext()
	lines := strings.Split(strings.TrimSpace(console.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("console lines: %q", lines)
	}
	var inside, outside map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &inside)
	_ = json.Unmarshal([]byte(lines[1]), &outside)
	if inside[telemetry.TraceIDKey] != sc.TraceID().String() || inside[telemetry.SpanIDKey] != sc.SpanID().String() {
		t.Errorf("console record in span: %v, want trace %s span %s", inside, sc.TraceID(), sc.SpanID())
	}
	if _, ok := outside[telemetry.TraceIDKey]; ok {
		t.Errorf("console record outside a span has a trace id: %v", outside)
	}
	recs := logs.all()
	in, out := byBody(recs, "inside"), byBody(recs, "outside")
	if len(recs) != 2 || in == nil || out == nil {
		t.Fatalf("got OTel records %v, want inside and outside", recs)
	}
	if hex.EncodeToString(in.GetTraceId()) != sc.TraceID().String() || hex.EncodeToString(in.GetSpanId()) != sc.SpanID().String() {
		t.Errorf("OTel record in span: trace %x span %x, want %s %s", in.GetTraceId(), in.GetSpanId(), sc.TraceID(), sc.SpanID())
	}
	if len(out.GetTraceId()) != 0 || len(out.GetSpanId()) != 0 {
		t.Errorf("OTel record outside a span has trace id %x span id %x", out.GetTraceId(), out.GetSpanId())
	}
}

func TestLevelIsSharedAndChangeable(t *testing.T) {
	var console testkit.SyncBuffer
	logs := &memLogs{}
	tel := setup(t, map[string]string{"OBSKIT_LOG_LEVEL": "WARN"}, telemetry.WithConsoleWriter(&console), telemetry.WithLogExporter(logs))
	log := tel.Logger()
	log.Info("dropped-by-level")
	log.Warn("kept-warn")
	tel.SetLevel(slog.LevelDebug)
	log.Debug("kept-debug")
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := console.String()
	if strings.Contains(out, "dropped-by-level") || !strings.Contains(out, "kept-warn") || !strings.Contains(out, "kept-debug") {
		t.Errorf("console: %s", out)
	}
	var bodies []string
	for _, r := range logs.all() {
		bodies = append(bodies, r.GetBody().GetStringValue())
	}
	slices.Sort(bodies)
	if strings.Join(bodies, ",") != "kept-debug,kept-warn" {
		t.Errorf("OTel records: %v, want kept-warn,kept-debug", bodies)
	}
	if tel.LevelVar().Level() != slog.LevelDebug {
		t.Errorf("LevelVar = %v", tel.LevelVar().Level())
	}
}
