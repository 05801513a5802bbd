package spanbatch_test

import (
	"context"
	"fmt"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/exporters/spanbatch"
)

// printExporter prints the name of every span it is given.
type printExporter struct{}

func (printExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	for _, s := range spans {
		fmt.Println("exported", s.Name())
	}
	return nil
}

func (printExporter) Shutdown(context.Context) error { return nil }

// A TracerProvider whose spans are batched by a Processor: Shutdown exports what is queued.
func Example() {
	ctx := context.Background()
	p, err := spanbatch.New(printExporter{}, spanbatch.WithMeterProvider(metricnoop.NewMeterProvider()))
	if err != nil {
		panic(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))

	_, span := tp.Tracer("example").Start(ctx, "work")
	span.End()

	if err := tp.Shutdown(ctx); err != nil {
		panic(err)
	}
	s := p.Stats()
	fmt.Println(s.Ended, "ended,", s.Exported, "exported,", s.Queued, "queued")
	// Output:
	// exported work
	// 1 ended, 1 exported, 0 queued
}
