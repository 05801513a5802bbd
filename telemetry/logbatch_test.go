package telemetry_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/telemetry"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// droppedCount collects obskit.log.records.dropped from reader; -1 when absent.
func droppedCount(t *testing.T, reader *sdkmetric.ManualReader) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == telemetry.MetricLogRecordsDropped {
				return m.Data.(metricdata.Sum[int64]).DataPoints[0].Value
			}
		}
	}
	return -1
}

func TestFullQueueDropsCountsAndWarns(t *testing.T) {
	exp := &memLogs{block: make(chan struct{})} // the "network" is stuck
	reader := sdkmetric.NewManualReader()
	var diag syncBuffer
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OTEL_BLRP_MAX_QUEUE_SIZE": "4",
		"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "2", "OBSKIT_RUNTIME_METRICS": "false"},
		telemetry.WithLogExporter(exp), telemetry.WithMetricReader(reader), telemetry.WithDiagnostics(&diag))
	defer close(exp.block)

	start := time.Now()
	for range 100 {
		tel.Logger().Info("x")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("100 logging calls against a stuck exporter took %v", d)
	}
	// At most queue (4) + one batch held by the exporter (2) are kept.
	if got := droppedCount(t, reader); got < 94 || got > 100 {
		t.Errorf("%s = %d, want 94..100", telemetry.MetricLogRecordsDropped, got)
	}
	if n := strings.Count(diag.String(), "log records dropped"); n != 1 {
		t.Errorf("got %d drop warnings, want 1 (rate-limited): %q", n, diag.String())
	}
}

func TestBlockingModeLosesNothing(t *testing.T) {
	exp := &memLogs{}
	reader := sdkmetric.NewManualReader()
	tel := setup(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OTEL_BLRP_MAX_QUEUE_SIZE": "2",
		"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE": "2", "OBSKIT_RUNTIME_METRICS": "false"},
		telemetry.WithLogExporter(exp), telemetry.WithMetricReader(reader), telemetry.WithBlockingLogs())
	for range 500 {
		tel.Logger().Info("x")
	}
	if err := tel.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(exp.all()); got != 500 {
		t.Errorf("exported %d records, want 500", got)
	}
	if got := droppedCount(t, reader); got != 0 {
		t.Errorf("%s = %d, want 0", telemetry.MetricLogRecordsDropped, got)
	}
}
