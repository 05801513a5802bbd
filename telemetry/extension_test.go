package telemetry_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// quiet is the environment of these tests: nothing exported, no console, no runtime metrics.
func quiet(extra ...string) map[string]string {
	env := map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none"}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

func TestWithSampler(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         map[string]string
		wantSampled bool
	}{
		{"code's sampler over the default", quiet(), false},
		{"OTEL_TRACES_SAMPLER over the code's sampler", quiet("OTEL_TRACES_SAMPLER", "always_on"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tel := setup(t, tc.env, telemetry.WithSampler(sdktrace.NeverSample()))
			_, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
			defer span.End()
			if got := span.SpanContext().IsSampled(); got != tc.wantSampled {
				t.Errorf("sampled = %t, want %t", got, tc.wantSampled)
			}
		})
	}
}

func TestWithSpanProcessor(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tel := setup(t, quiet(), telemetry.WithSpanProcessor(rec), telemetry.WithSpanProcessor(nil))
	_, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
	span.End()
	if ended := rec.Ended(); len(ended) != 1 || ended[0].Name() != "op" {
		t.Fatalf("the added processor saw %d ended spans, want the one named op", len(ended))
	}
	if ended := rec.Ended(); ended[0].Resource().Len() == 0 {
		t.Error("the span carries no resource")
	}
}

func TestWithViewAndCardinalityLimit(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	rename := sdkmetric.NewView(sdkmetric.Instrument{Name: "requests"}, sdkmetric.Stream{Name: "app.requests"})
	tel := setup(t, quiet(), telemetry.WithMetricReader(reader), telemetry.WithView(rename), telemetry.WithCardinalityLimit(3))
	c, err := tel.MeterProvider().Meter("test").Int64Counter("requests")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		c.Add(context.Background(), 1, metric.WithAttributes(attribute.String("user", strconv.Itoa(i))))
	}
	rm := testkit.Collect(t, reader)
	if pts := testkit.Int64Points(rm, "requests"); len(pts) != 0 {
		t.Errorf("the view did not rename requests: %d points under the old name", len(pts))
	}
	pts := testkit.Int64Points(rm, "app.requests")
	if len(pts) != 3 {
		t.Errorf("%d series with a cardinality limit of 3, want 3 (2 and the overflow series)", len(pts))
	}
	if total := testkit.SumInt64(rm, "app.requests"); total != 10 {
		t.Errorf("sum over the series = %d, want 10 (nothing lost to the limit)", total)
	}
}

// detector is a resource.Detector from code: it waits for delay (or its context) first.
type detector struct {
	attrs []attribute.KeyValue
	delay time.Duration
}

func (d detector) Detect(ctx context.Context) (*resource.Resource, error) {
	select {
	case <-time.After(d.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return resource.NewSchemaless(d.attrs...), nil
}

func TestWithResourceDetectors(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tel := setup(t, quiet("OTEL_RESOURCE_ATTRIBUTES", "cloud.region=from-env"),
		telemetry.WithSpanProcessor(rec),
		telemetry.WithResourceAttributes(attribute.String("cloud.account.id", "from-code")),
		telemetry.WithResourceDetectors(detector{attrs: []attribute.KeyValue{
			attribute.String("cloud.provider", "detected"), attribute.String("cloud.region", "detected"),
			attribute.String("cloud.account.id", "detected")}}, nil))
	_, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
	span.End()
	res := rec.Ended()[0].Resource()
	for k, want := range map[attribute.Key]string{"cloud.provider": "detected", "cloud.region": "from-env", "cloud.account.id": "from-code"} {
		if v, _ := res.Set().Value(k); v.AsString() != want {
			t.Errorf("%s = %q, want %q", k, v.AsString(), want)
		}
	}
}

// TestResourceDetectorTimeout checks that a detector that never answers (a metadata endpoint
// off the cloud) costs Setup at most ResourceDetectionTimeout, and that Setup says so.
func TestResourceDetectorTimeout(t *testing.T) {
	var diag testkit.SyncBuffer
	start := time.Now()
	tel := setup(t, quiet(), telemetry.WithDiagnostics(&diag),
		telemetry.WithResourceDetectors(detector{attrs: []attribute.KeyValue{attribute.String("cloud.provider", "never")}, delay: time.Hour}))
	if took := time.Since(start); took > telemetry.ResourceDetectionTimeout+3*time.Second {
		t.Errorf("Setup took %s with a detector that never answers", took)
	}
	if tel == nil || !strings.Contains(diag.String(), "resource detection incomplete") {
		t.Errorf("diagnostics: %q, want a warning about the incomplete detection", diag.String())
	}
}

func TestWithPropagator(t *testing.T) {
	tel := setup(t, quiet("OTEL_PROPAGATORS", "tracecontext"), telemetry.WithPropagator(propagation.Baggage{}), telemetry.WithPropagator(nil))
	ctx, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
	defer span.End()
	m, _ := baggage.NewMember("tenant", "acme")
	b, _ := baggage.New(m)
	carrier := propagation.MapCarrier{}
	tel.Propagator().Inject(baggage.ContextWithBaggage(ctx, b), carrier)
	if carrier.Get("traceparent") == "" || carrier.Get("baggage") != "tenant=acme" {
		t.Errorf("injected %v, want traceparent (OTEL_PROPAGATORS) and baggage (WithPropagator)", carrier)
	}
}
