package telemetry

import (
	"context"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TestPropagators checks every OTEL_PROPAGATORS value of the specification: each injects its
// own headers, and what it injects extracts to the same trace and span ids.
func TestPropagators(t *testing.T) {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	member, _ := baggage.NewMember("tenant", "acme")
	bag, _ := baggage.New(member)
	ctx := baggage.ContextWithBaggage(trace.ContextWithSpanContext(context.Background(), sc), bag)

	for _, tc := range []struct {
		names   []string
		headers []string // keys the propagator must inject (lower case)
		noTrace bool     // it carries no span context (baggage, none)
		trace64 bool     // it carries only the trace id's lower 64 bits (ottrace)
	}{
		{names: []string{"tracecontext"}, headers: []string{"traceparent"}},
		{names: []string{"baggage"}, headers: []string{"baggage"}, noTrace: true},
		{names: []string{"b3"}, headers: []string{"b3"}},
		{names: []string{"b3multi"}, headers: []string{"x-b3-traceid", "x-b3-spanid", "x-b3-sampled"}},
		{names: []string{"jaeger"}, headers: []string{"uber-trace-id"}},
		{names: []string{"xray"}, headers: []string{"x-amzn-trace-id"}},
		{names: []string{"ottrace"}, headers: []string{"ot-baggage-tenant", "ot-tracer-traceid", "ot-tracer-spanid", "ot-tracer-sampled"}, trace64: true},
		{names: []string{" B3 ", "Baggage"}, headers: []string{"b3", "baggage"}},
		{names: []string{"none"}, noTrace: true},
		{names: nil, noTrace: true},
	} {
		t.Run(strings.Join(tc.names, ","), func(t *testing.T) {
			c := &Config{Propagators: tc.names}
			p, err := c.propagator()
			if err != nil {
				t.Fatal(err)
			}
			carrier := propagation.MapCarrier{}
			p.Inject(ctx, carrier)
			var got []string
			for k := range carrier {
				got = append(got, strings.ToLower(k))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.headers))
			if !slices.Equal(got, want) {
				t.Errorf("injected headers %v, want %v", got, want)
			}
			out := trace.SpanContextFromContext(p.Extract(context.Background(), carrier))
			if tc.noTrace {
				if out.IsValid() {
					t.Errorf("extracted a span context %v from %v", out, carrier)
				}
				return
			}
			wantTrace := sc.TraceID()
			if tc.trace64 {
				clear(wantTrace[:8])
			}
			if out.TraceID() != wantTrace || out.SpanID() != sc.SpanID() || !out.IsSampled() {
				t.Errorf("extracted %v, want trace %s span %s sampled", out, wantTrace, sc.SpanID())
			}
		})
	}
}

// TestPropagatorsRefused checks that a name outside the specification's list is an error
// naming the variable, not a silent no-op.
func TestPropagatorsRefused(t *testing.T) {
	for _, names := range [][]string{{"b4"}, {"tracecontext", "jaeger_remote"}} {
		if _, err := (&Config{Propagators: names}).propagator(); err == nil || !strings.Contains(err.Error(), "OTEL_PROPAGATORS") {
			t.Errorf("%v: err = %v, want an error naming OTEL_PROPAGATORS", names, err)
		}
	}
}
