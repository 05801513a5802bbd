package logpipe_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"

	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
)

// TestShutdownDeadlineFateUnknown: a receiver takes every record and then never answers, so
// the exports are in flight when Shutdown's deadline expires. Those records are not counted as
// lost (the receiver has them) but as of unknown fate, in Stats and, through the exporter
// decorator of exporters, as otel.sdk.exporter.log.exported{error.type=shutdown_deadline}:
// sent = delivered + dropped + unknown, exactly.
func TestShutdownDeadlineFateUnknown(t *testing.T) {
	var arrived atomic.Int64
	endpoint := startFuncReceiver(t, func(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
		arrived.Add(countRecords(req))
		<-ctx.Done() // took the records, never answers
		return nil, ctx.Err()
	})
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	ctx := context.Background()
	exp, err := exporters.NewLogExporter(ctx, []string{"otlp"}, exporters.WithMeterProvider(mp),
		exporters.WithOTLP(exporters.OTLPSettings{Shared: exporters.OTLPConfig{
			Endpoint: "http://" + endpoint, Protocol: "grpc", Timeout: exporters.Duration(time.Minute)}}))
	if err != nil {
		t.Fatal(err)
	}
	warnings := &testkit.SyncBuffer{}
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()), logpipe.WithMeterProvider(mp),
		logpipe.WithWarningWriter(warnings), logpipe.WithShards(1), logpipe.WithWorkers(1), logpipe.WithExportInterval(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	const sent = 100
	emitN(lp, 1, sent)
	waitFor(t, func() bool { return arrived.Load() == sent }, func() string { return fmt.Sprintf("%+v arrived %d %s", lp.Stats(), arrived.Load(), warnings.String()) })
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := lp.Shutdown(sctx); err == nil || !strings.Contains(err.Error(), "fate unknown") {
		t.Errorf("Shutdown = %v, want an error saying the records' fate is unknown", err)
	}
	s := lp.Stats()
	if s.Unknown != sent || s.Dropped != 0 || s.Exported != 0 || s.Emitted != sent || s.Queued != 0 {
		t.Errorf("stats %+v, want all %d records of unknown fate, none dropped", s, sent)
	}
	rm := testkit.Collect(t, reader)
	got := testkit.SumInt64By(rm, "otel.sdk.exporter.log.exported", "error.type")
	if got["shutdown_deadline"] != sent || len(got) > 2 || got[""] != 0 {
		t.Errorf("otel.sdk.exporter.log.exported by error.type %v, want shutdown_deadline %d only", got, sent)
	}
	if w := warnings.String(); strings.Contains(w, "dropped") {
		t.Errorf("warning %q about records that were not lost", w)
	}
}

// waitFor polls cond for up to 10 s, and fails with state() if it stays false.
func waitFor(t *testing.T, cond func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met in 10 s: %s", state())
		}
		time.Sleep(time.Millisecond)
	}
}
