package telemetry_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/telemetry"
)

// scrub replaces what changes from run to run (time, ids) so the examples' output is stable.
func scrub(s string) string {
	s = regexp.MustCompile(`time=\S+ `).ReplaceAllString(s, "")
	s = regexp.MustCompile(`trace_id=[0-9a-f]{32}`).ReplaceAllString(s, "trace_id=…")
	return regexp.MustCompile(`span_id=[0-9a-f]{16}`).ReplaceAllString(s, "span_id=…")
}

// Setup with an empty environment exports nothing (no Collector needed) and logs text to the
// console; a record logged inside a span carries its trace and span ids, and a deny-listed key
// is redacted.
func ExampleSetup() {
	ctx := context.Background()
	environ := map[string]string{"OTEL_SERVICE_NAME": "checkout", "OBSKIT_RUNTIME_METRICS": "false"}
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(environ))
	if err != nil {
		fmt.Println(err)
		return
	}
	var console bytes.Buffer
	tel, err := telemetry.Setup(ctx, cfg, telemetry.WithConsoleWriter(&console))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = tel.Shutdown(context.WithoutCancel(ctx)) }()

	ctx, span := tel.TracerProvider().Tracer("example").Start(ctx, "charge")
	tel.Logger().InfoContext(ctx, "charged", "order", 42, "password", "hunter2")
	span.End()
	tel.Logger().Debug("not shown at the default level")

	fmt.Print(scrub(console.String()))
	// Output:
	// level=INFO msg=charged order=42 password=[REDACTED] trace_id=… span_id=…
}

// The level is shared by every output and can change at run time.
func ExampleTelemetry_SetLevel() {
	ctx := context.Background()
	environ := map[string]string{"OBSKIT_RUNTIME_METRICS": "false"}
	cfg, _ := telemetry.ConfigFromEnv(envconfig.WithEnvironment(environ))
	var console bytes.Buffer
	tel, err := telemetry.Setup(ctx, cfg, telemetry.WithConsoleWriter(&console))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = tel.Shutdown(ctx) }()

	tel.Logger().Debug("hidden")
	tel.SetLevel(-4) // slog.LevelDebug
	tel.Logger().Debug("shown")
	fmt.Print(scrub(console.String()))
	// Output:
	// level=DEBUG msg=shown
}

// A bad value is an error naming the variable, never quoting the value.
func ExampleConfigFromEnv() {
	_, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(map[string]string{
		"OTEL_BSP_MAX_QUEUE_SIZE": "lots",
	}))
	fmt.Println(err)
	// Output:
	// envconfig: 1 problem: OTEL_BSP_MAX_QUEUE_SIZE: invalid value: want an integer that fits in int
}
