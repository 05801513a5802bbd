package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// failingSpans fails every export.
type failingSpans struct{}

func (failingSpans) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	return errors.New("collector unavailable")
}
func (failingSpans) Shutdown(context.Context) error { return nil }

// TestSpanLossWarningGoesToDiagnostics checks that the span processor's warning about lost
// spans is written to the diagnostics writer given to Setup, not to the process's stderr.
func TestSpanLossWarningGoesToDiagnostics(t *testing.T) {
	var diag testkit.SyncBuffer
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		"OTEL_TRACES_EXPORTER": "none", "OTEL_BSP_SCHEDULE_DELAY": "1"},
		telemetry.WithSpanExporter(failingSpans{}), telemetry.WithDiagnostics(&diag))
	_, span := tel.TracerProvider().Tracer("test").Start(context.Background(), "lost")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = tel.Shutdown(ctx) // the failed export is also its error
	if !strings.Contains(diag.String(), "obskit spanbatch: WARNING: dropped 1 spans") {
		t.Errorf("diagnostics writer: %q, want the span processor's loss warning", diag.String())
	}
}
