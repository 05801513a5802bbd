package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// discardLogs is a log exporter that drops everything.
type discardLogs struct{}

func (discardLogs) Export(context.Context, []sdklog.Record) error { return nil }
func (discardLogs) ForceFlush(context.Context) error              { return nil }
func (discardLogs) Shutdown(context.Context) error                { return nil }

// BenchmarkInfoContext compares, on the same call (a message and 4 attributes), obskit's full
// pipeline (level, redaction with the default deny-list, otelslog bridge, batch processor,
// discarding exporter, console off), slog's JSON handler writing to io.Discard, and the stock
// otelslog bridge over sdk/log's BatchProcessor.
func BenchmarkInfoContext(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, logger *slog.Logger) {
		b.ReportAllocs()
		for b.Loop() {
			logger.InfoContext(ctx, "request handled", "method", "GET", "status", 200, "path", "/api/v1/items", "bytes", 5120)
		}
	}
	b.Run("obskit", func(b *testing.B) {
		tel := setup(b, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false"},
			telemetry.WithLogExporter(discardLogs{}), telemetry.WithDiagnostics(io.Discard))
		run(b, tel.Logger())
	})
	b.Run("obskit-no-redaction", func(b *testing.B) {
		tel := setup(b, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false", "OBSKIT_LOG_REDACT_KEYS": " "},
			telemetry.WithLogExporter(discardLogs{}), telemetry.WithDiagnostics(io.Discard))
		run(b, tel.Logger())
	})
	b.Run("slog-json", func(b *testing.B) {
		run(b, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	})
	b.Run("stock-otelslog-batch", func(b *testing.B) {
		lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(discardLogs{})))
		b.Cleanup(func() { _ = lp.Shutdown(context.Background()) })
		run(b, slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp))))
	})
}
