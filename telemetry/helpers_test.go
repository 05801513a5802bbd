package telemetry_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"
)

// memLogs is an exporter of obskit's log pipeline that decodes and keeps the records it is
// given, as a receiver would.
type memLogs struct {
	mu      sync.Mutex
	records []*logspb.LogRecord
	block   chan struct{} // when non-nil, Export waits for it to close
}

func (m *memLogs) Export(ctx context.Context, b *logpipe.Batch) error {
	if m.block != nil {
		select {
		case <-m.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(b.Request(), &req); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, rl := range req.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			m.records = append(m.records, sl.LogRecords...)
		}
	}
	return nil
}

func (m *memLogs) Shutdown(context.Context) error { return nil }

func (m *memLogs) all() []*logspb.LogRecord {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*logspb.LogRecord(nil), m.records...)
}

// byBody returns the record whose body is body, or nil. (The pipeline keeps no order between
// records that went through different queue shards.)
func byBody(recs []*logspb.LogRecord, body string) *logspb.LogRecord {
	for _, r := range recs {
		if r.GetBody().GetStringValue() == body {
			return r
		}
	}
	return nil
}

// config loads a Config from env (always on top of an otherwise empty environment).
func config(t testing.TB, env map[string]string) telemetry.Config {
	t.Helper()
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		t.Fatalf("ConfigFromEnv: %v", err)
	}
	return cfg
}

// setup runs Setup with the Config read from env (not the process environment) and the extra
// options; Shutdown is registered as a cleanup.
func setup(t testing.TB, env map[string]string, opts ...telemetry.Option) *telemetry.Telemetry {
	t.Helper()
	tel, err := telemetry.Setup(context.Background(), config(t, env), opts...)
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tel.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return tel
}

func metricAttr(k, v string) metric.AddOption {
	return metric.WithAttributes(attribute.String(k, v))
}
