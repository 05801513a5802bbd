package telemetry_test

import (
	"context"
	"fmt"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// A service brings its own sampler, span processor, metric view and cardinality limit, and an
// extra propagator; each composes with what the environment configures (here, B3 headers from
// OTEL_PROPAGATORS and the sampler from code, since OTEL_TRACES_SAMPLER is unset).
func ExampleWithSampler() {
	ctx := context.Background()
	environ := map[string]string{"OTEL_PROPAGATORS": "b3", "OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false"}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(environ))
	if err != nil {
		fmt.Println(err)
		return
	}
	recorder := tracetest.NewSpanRecorder()
	tel, err := telemetry.Setup(ctx, cfg,
		telemetry.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(1))),
		telemetry.WithSpanProcessor(recorder),
		telemetry.WithView(sdkmetric.NewView(sdkmetric.Instrument{Name: "http.server.*"}, sdkmetric.Stream{AttributeFilter: nil})),
		telemetry.WithCardinalityLimit(500),
		telemetry.WithPropagator(propagation.Baggage{}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tel.Shutdown(context.WithoutCancel(ctx))

	ctx, span := tel.TracerProvider().Tracer("checkout").Start(ctx, "charge")
	headers := propagation.MapCarrier{}
	tel.Propagator().Inject(ctx, headers)
	span.End()
	fmt.Println("b3 header set:", headers.Get("b3") != "")
	fmt.Println("spans seen by the service's processor:", len(recorder.Ended()))
	// Output:
	// b3 header set: true
	// spans seen by the service's processor: 1
}
