package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
)

// shutdownTelemetry sets up a Telemetry with the given console mode that exports logs to
// logpipe.Discard, and shuts it down.
func shutdownTelemetry(t testing.TB, console string, w io.Writer) *telemetry.Telemetry {
	t.Helper()
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": console, "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none"},
		telemetry.WithLogExporter(logpipe.Discard{}), telemetry.WithDiagnostics(io.Discard), telemetry.WithConsoleWriter(w))
	tel.Logger().Info("before shutdown")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	return tel
}

// After Shutdown the OTel side takes no more records: with the console off, the Logger reports
// every level disabled, so that a logging call costs what a disabled level costs; with the
// console on, the console still gets the record.
func TestLoggerAfterShutdown(t *testing.T) {
	ctx := context.Background()
	off := shutdownTelemetry(t, "off", io.Discard).Logger()
	if off.Enabled(ctx, slog.LevelError) {
		t.Error("console off, after Shutdown: Enabled(ERROR) = true, want false")
	}
	var buf testkit.SyncBuffer
	on := shutdownTelemetry(t, "text", &buf).Logger()
	if !on.Enabled(ctx, slog.LevelInfo) {
		t.Error("console on, after Shutdown: Enabled(INFO) = false, want true")
	}
	on.Info("after shutdown")
	if !strings.Contains(buf.String(), "after shutdown") {
		t.Errorf("console after Shutdown: %q, want the record", buf.String())
	}
}

// BenchmarkLogAfterShutdown measures an InfoContext call after Shutdown (console off) beside one
// at a disabled level on a running Telemetry: the two should cost the same.
func BenchmarkLogAfterShutdown(b *testing.B) {
	ctx := benchContext()
	b.Run("after-shutdown", func(b *testing.B) {
		l := shutdownTelemetry(b, "off", io.Discard).Logger()
		b.ReportAllocs()
		for b.Loop() {
			benchCall(ctx, l)
		}
	})
	b.Run("disabled-level", func(b *testing.B) {
		tel := setup(b, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false", "OTEL_LOGS_EXPORTER": "none", "OBSKIT_LOG_LEVEL": "ERROR"},
			telemetry.WithLogExporter(logpipe.Discard{}), telemetry.WithDiagnostics(io.Discard))
		l := tel.Logger()
		b.ReportAllocs()
		for b.Loop() {
			benchCall(ctx, l)
		}
	})
}
