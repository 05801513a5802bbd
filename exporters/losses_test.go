package exporters_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/spanbatch"
	"github.com/esper-platform/obskit/internal/testkit"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// deadOTLP is an OTLP endpoint nothing listens on: every export fails.
var deadOTLP = exporters.WithOTLP(exporters.OTLPSettings{Shared: exporters.OTLPConfig{
	Endpoint: "http://127.0.0.1:1", Timeout: exporters.Duration(300 * time.Millisecond)}})

// failures returns every data point, across all of rm's metrics, that counts lost items (it
// carries error.type), as "metric{error.type}" -> value.
func failures(rm metricdata.ResourceMetrics) map[string]int64 {
	out := map[string]int64{}
	for name := range testkit.MetricsByName(rm) {
		for _, dp := range testkit.Int64Points(rm, name) {
			if v, ok := dp.Attributes.Value("error.type"); ok && dp.Value != 0 {
				out[name+"{"+v.String()+"}"] += dp.Value
			}
		}
	}
	return out
}

// TestOneFailedBatchIsCountedOnce exports one batch that fails, of one log record and of one
// span, through the pipelines as telemetry builds them (exporters' decorated OTLP exporter
// under logpipe and under spanbatch, all reporting to one MeterProvider), and finds the loss
// counted exactly once across every metric: by the exporter, not again by the processor.
func TestOneFailedBatchIsCountedOnce(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, mp *sdkmetric.MeterProvider)
		want string
	}{
		{"logs", func(t *testing.T, mp *sdkmetric.MeterProvider) {
			exp, err := exporters.NewLogExporter(ctx, []string{"otlp"}, exporters.WithMeterProvider(mp), deadOTLP)
			if err != nil {
				t.Fatal(err)
			}
			lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithMeterProvider(mp),
				logpipe.WithWarningWriter(io.Discard))
			if err != nil {
				t.Fatal(err)
			}
			var rec log.Record
			rec.SetBody(attribute.StringValue("lost"))
			lp.Logger("t").Emit(ctx, rec)
			_ = lp.Shutdown(ctx)
			if s := lp.Stats(); s.DroppedExportFailed != 1 {
				t.Fatalf("stats %+v, want the record lost in a failed export", s)
			}
		}, "otel.sdk.exporter.log.exported"},
		{"spans", func(t *testing.T, mp *sdkmetric.MeterProvider) {
			exp, err := exporters.NewSpanExporter(ctx, []string{"otlp"}, exporters.WithMeterProvider(mp), deadOTLP)
			if err != nil {
				t.Fatal(err)
			}
			p, err := spanbatch.New(exp, spanbatch.WithMeterProvider(mp), spanbatch.WithWarningWriter(io.Discard))
			if err != nil {
				t.Fatal(err)
			}
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
			_, span := tp.Tracer("t").Start(ctx, "lost")
			span.End()
			_ = tp.Shutdown(ctx)
			if s := p.Stats(); s.DroppedExportFailed != 1 {
				t.Fatalf("stats %+v, want the span lost in a failed export", s)
			}
		}, "otel.sdk.exporter.span.exported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			defer func() { _ = mp.Shutdown(ctx) }()
			tc.run(t, mp)
			got := failures(testkit.Collect(t, reader))
			var total int64
			for k, v := range got {
				total += v
				if len(k) < len(tc.want) || k[:len(tc.want)] != tc.want {
					t.Errorf("loss counted by %s, want it counted by %s only", k, tc.want)
				}
			}
			if total != 1 || len(got) != 1 {
				t.Errorf("failure counts %v, want exactly one item counted once", got)
			}
		})
	}
}
