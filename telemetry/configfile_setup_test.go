package telemetry_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestSetupFromConfigFile checks that with OTEL_CONFIG_FILE set, the file is the sole source of
// SDK configuration: its sampler, propagators, typed resource attributes and span limits reach
// the providers Setup builds, and OTEL_* variables it does not refer to are not read.
func TestSetupFromConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "otel.yaml")
	err := os.WriteFile(path, []byte(`file_format: "1.0"
resource:
  attributes:
    - name: service.name
      value: ${SERVICE:-from-file}
    - name: replicas
      value: 3
      type: int
propagator:
  composite:
    - b3multi:
tracer_provider:
  sampler:
    always_on:
  limits:
    attribute_count_limit: 2
  processors:
    - batch:
        exporter:
          console:
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OTEL_CONFIG_FILE": path, "OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		// Not referred to by the file: ignored, as the specification says.
		"OTEL_TRACES_SAMPLER": "always_off", "OTEL_SERVICE_NAME": "from-env", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT": "100"}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		t.Fatal(err)
	}
	var diag testkit.SyncBuffer
	rec := tracetest.NewSpanRecorder()
	tel, err := telemetry.Setup(context.Background(), cfg, telemetry.WithDiagnostics(&diag),
		telemetry.WithSpanProcessor(rec), telemetry.WithConsoleWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())

	ctx, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "op")
	span.SetAttributes(attribute.Int("a", 1), attribute.Int("b", 2), attribute.Int("c", 3))
	carrier := propagation.MapCarrier{}
	tel.Propagator().Inject(ctx, carrier)
	span.End()

	if carrier.Get("x-b3-traceid") == "" || carrier.Get("traceparent") != "" {
		t.Errorf("injected %v, want the file's b3multi headers only", carrier)
	}
	ended := rec.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans recorded, want 1 (the file's always_on over OTEL_TRACES_SAMPLER=always_off)", len(ended))
	}
	if n := len(ended[0].Attributes()); n != 2 {
		t.Errorf("span kept %d attributes, want 2 (the file's attribute_count_limit)", n)
	}
	res := ended[0].Resource().Set()
	if v, _ := res.Value("service.name"); v.AsString() != "from-file" {
		t.Errorf("service.name = %q, want from-file", v.AsString())
	}
	if v, _ := res.Value("replicas"); v.Type() != attribute.INT64 || v.AsInt64() != 3 {
		t.Errorf("replicas = %v, want the int 3", v)
	}
	if strings.Contains(diag.String(), "not recognised") {
		t.Errorf("unknown-variable warnings in file mode: %s", diag.String())
	}
}
