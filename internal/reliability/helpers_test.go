package reliability_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

// startTelemetry runs telemetry.Setup on the environment env (the process environment is not
// read), with reader added to the metric readers when not nil. A cleanup shuts it down.
func startTelemetry(t testing.TB, env map[string]string, reader sdkmetric.Reader, opts ...telemetry.Option) *telemetry.Telemetry {
	t.Helper()
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		t.Fatalf("ConfigFromEnv: %v", err)
	}
	if reader != nil {
		opts = append(opts, telemetry.WithMetricReader(reader))
	}
	tel, err := telemetry.Setup(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = tel.Shutdown(ctx)
	})
	return tel
}

// collectorEnv is the environment that sends logs and traces to col over OTLP/gRPC, with no
// console output, no metric exporter and no runtime metrics; extra overrides it.
func collectorEnv(col *testserver.Collector, service string, extra map[string]string) map[string]string {
	env := map[string]string{
		"OTEL_SERVICE_NAME":           service,
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + col.GRPCEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
		"OTEL_LOGS_EXPORTER":          "otlp",
		"OTEL_TRACES_EXPORTER":        "otlp",
		"OTEL_METRICS_EXPORTER":       "none",
		"OBSKIT_LOG_CONSOLE":          "off",
		"OBSKIT_RUNTIME_METRICS":      "false",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// pipelineCounts are the log pipeline's own counters, as its metrics report them.
type pipelineCounts struct {
	Emitted, Exported, Dropped, Queued int64
	DroppedBy                          map[string]int64 // the processor's drops by error.type, and export_failed
}

// readPipeline collects reader and returns the log pipeline's otel.sdk.* counts; a failure ends
// the test, so call it from the test goroutine.
func readPipeline(t testing.TB, reader *sdkmetric.ManualReader) pipelineCounts {
	t.Helper()
	c, err := collectPipeline(reader)
	if err != nil {
		t.Fatalf("collecting metrics: %v", err)
	}
	return c
}

// collectPipeline is readPipeline for any goroutine.
func collectPipeline(reader *sdkmetric.ManualReader) (pipelineCounts, error) {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		return pipelineCounts{}, err
	}
	p := testkit.ReadLogPipeline(rm)
	c := pipelineCounts{Emitted: p.Created, Exported: p.Exported, Dropped: p.LostTotal(), Queued: p.Queued, DroppedBy: p.Dropped}
	for _, n := range p.Failed {
		c.DroppedBy["export_failed"] += n
	}
	return c, nil
}

// deliveredSeqs reads the Collector's log output and counts, for every record whose attribute
// run is run, how often each value of its attribute seq arrived.
func deliveredSeqs(t testing.TB, col *testserver.Collector, run string) map[int64]int {
	t.Helper()
	got := map[int64]int{}
	for _, r := range col.ReadLogs(t) {
		if r.Attributes["run"] != run {
			continue
		}
		if seq, ok := r.Attributes["seq"].(int64); ok {
			got[seq]++
		}
	}
	return got
}

// waitDelivered polls the Collector's output until at least want distinct records of run have
// arrived or timeout has passed, and returns what arrived.
func waitDelivered(t testing.TB, col *testserver.Collector, run string, want int, timeout time.Duration) map[int64]int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := deliveredSeqs(t, col, run)
		if len(got) >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// s3Bucket is a bucket of objstore/s3 whose As reaches through its decorators (objstore.As).
type s3Bucket struct{ objstore.Bucket }

// As is objstore.As on the bucket.
func (b s3Bucket) As(target any) bool { return objstore.As(b.Bucket, target) }

// openBucket returns an objstore/s3 Bucket on srv through endpoint (srv's own when empty),
// closed by a cleanup.
func openBucket(t testing.TB, srv *testserver.S3Server, endpoint string, edit func(*s3.Config), opts ...s3.Option) s3Bucket {
	t.Helper()
	if endpoint == "" {
		endpoint = srv.Endpoint
	}
	cfg := s3.DefaultConfig(srv.Bucket)
	cfg.Region = srv.Region
	cfg.Endpoint = endpoint
	cfg.PathStyle = true
	cfg.AccessKeyID = envconfig.NewSecret(srv.AccessKey)
	cfg.SecretAccessKey = envconfig.NewSecret(srv.SecretKey)
	if edit != nil {
		edit(&cfg)
	}
	b, err := s3.New(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatalf("s3.New: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return s3Bucket{b}
}

// randomBytes returns n pseudo-random bytes from rng.
func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8 && i+k < n; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	return b
}

// percentile returns the p-th percentile (0–100) of ds, which it sorts.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p / 100)
	return ds[i]
}
