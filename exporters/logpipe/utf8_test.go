package logpipe_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/sdk/resource"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// bad is a string that is not valid UTF-8: a lone continuation byte, a truncated sequence and
// an overlong encoding.
const bad = "a\x80b\xe2\x82c\xc0\xafd"

// TestInvalidUTF8IsReplaced: a receiver that enforces proto3's valid-UTF-8 rule (here, the
// protobuf runtime of the in-process receiver) takes every record when some carry invalid
// UTF-8, in the body, attribute keys and values, nested values, severity text, event name,
// resource and scope; each invalid byte reads U+FFFD.
func TestInvalidUTF8IsReplaced(t *testing.T) {
	rcv := startReceiver(t, true)
	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: rcv.GRPCEndpoint, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "svc"+bad))
	lp, _, _ := newTestProvider(t, exp, logpipe.WithResource(res), logpipe.WithAttributeValueLengthLimit(100))
	l := lp.Logger("scope" + bad)
	const total, badEvery = 1000, 100
	for i := range total {
		var r log.Record
		r.SetSeverity(log.SeverityInfo)
		r.SetBody(attribute.StringValue("good"))
		r.AddAttributes(attribute.Int("i", i))
		if i%badEvery == 0 {
			r.SetBody(attribute.StringValue(bad))
			r.SetSeverityText("INFO" + bad)
			r.SetEventName("ev" + bad)
			r.AddAttributes(
				attribute.String("k"+bad, bad),
				attribute.StringSlice("ss", []string{"x", bad}),
				attribute.Map("m", attribute.String("n"+bad, bad), attribute.Slice("s", attribute.StringValue(bad))),
			)
		}
		l.Emit(context.Background(), r)
	}
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := lp.Stats(); s.Exported != total || s.Dropped != 0 {
		t.Fatalf("stats %+v, want all %d exported", s, total)
	}
	// One U+FFFD per invalid byte, as ranging over the string decodes it.
	const want = "a\uFFFDb\uFFFD\uFFFDc\uFFFD\uFFFDd"
	reqs, _ := rcv.requestsGot()
	seen := 0
	for _, req := range reqs {
		for _, rl := range req.GetResourceLogs() {
			if v := rl.GetResource().GetAttributes()[0].GetValue().GetStringValue(); v != "svc"+want {
				t.Errorf("resource attribute %q", v)
			}
			for _, sl := range rl.GetScopeLogs() {
				if n := sl.GetScope().GetName(); n != "scope"+want {
					t.Errorf("scope name %q", n)
				}
				for _, r := range sl.GetLogRecords() {
					if r.GetBody().GetStringValue() != want {
						continue
					}
					seen++
					checkReplaced(t, r.GetSeverityText(), "INFO"+want)
					checkReplaced(t, r.GetEventName(), "ev"+want)
					attrs := map[string]*commonpb.AnyValue{}
					for _, kv := range r.GetAttributes() {
						attrs[kv.GetKey()] = kv.GetValue()
					}
					checkReplaced(t, attrs["k"+want].GetStringValue(), want)
					checkReplaced(t, attrs["ss"].GetArrayValue().GetValues()[1].GetStringValue(), want)
					m := attrs["m"].GetKvlistValue().GetValues()
					checkReplaced(t, m[0].GetKey(), "n"+want)
					checkReplaced(t, m[0].GetValue().GetStringValue(), want)
					checkReplaced(t, m[1].GetValue().GetArrayValue().GetValues()[0].GetStringValue(), want)
				}
			}
		}
	}
	if seen != total/badEvery {
		t.Errorf("%d records with the replaced body, want %d", seen, total/badEvery)
	}
}

func checkReplaced(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestInvalidUTF8WithinLengthLimit: the value length limit counts characters after replacement,
// as each invalid byte becomes one U+FFFD.
func TestInvalidUTF8WithinLengthLimit(t *testing.T) {
	ours := &lastRecord{}
	lp, _, _ := newTestProvider(t, ours, logpipe.WithAttributeValueLengthLimit(3))
	var r log.Record
	r.AddAttributes(attribute.String("k", "a\xff\xffbc"), attribute.StringSlice("s", []string{"\xffé\xff\xff"}))
	lp.Logger("t").Emit(context.Background(), r)
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ours.rec == nil || len(ours.rec.GetAttributes()) != 2 {
		t.Fatalf("record %v not decoded (stats %+v)", ours.rec, lp.Stats())
	}
	if got := ours.rec.GetAttributes()[0].GetValue().GetStringValue(); got != "a\uFFFD\uFFFD" {
		t.Errorf("attribute %q, want %q", got, "a\uFFFD\uFFFD")
	}
	if got := ours.rec.GetAttributes()[1].GetValue().GetArrayValue().GetValues()[0].GetStringValue(); got != "\uFFFDé\uFFFD" {
		t.Errorf("string slice element %q, want %q", got, "\uFFFDé\uFFFD")
	}
}
