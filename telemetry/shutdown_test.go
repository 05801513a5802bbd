package telemetry_test

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/telemetry"
)

// slowLogs is a log exporter whose every export takes delay (or gives up when ctx is done).
type slowLogs struct {
	delay    time.Duration
	exported atomic.Int64
}

func (s *slowLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	select {
	case <-time.After(s.delay):
		s.exported.Add(int64(b.Len()))
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *slowLogs) Shutdown(context.Context) error { return nil }

// TestShutdownGivesLogsTheTimeOthersDoNotNeed: with nothing to export for traces and metrics,
// the log step of Shutdown gets the whole deadline, not a third of it: a log export that takes
// half the deadline completes.
func TestShutdownGivesLogsTheTimeOthersDoNotNeed(t *testing.T) {
	const deadline = 1200 * time.Millisecond
	exp := &slowLogs{delay: deadline / 2}
	tel, err := telemetry.Setup(context.Background(), config(t, map[string]string{
		"OBSKIT_LOG_CONSOLE": "off", "OBSKIT_RUNTIME_METRICS": "false",
		"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
	}), telemetry.WithLogExporter(exp), telemetry.WithDiagnostics(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	tel.Logger().Info("last words")
	_, span := tel.TracerProvider().Tracer("t").Start(context.Background(), "s")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	if err := tel.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown after %v: %v", time.Since(start).Round(time.Millisecond), err)
	}
	if n := exp.exported.Load(); n != 1 {
		t.Errorf("%d records exported, want 1", n)
	}
}
