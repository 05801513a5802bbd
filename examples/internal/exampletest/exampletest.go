package exampletest

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/testserver"
)

// ServersEnv returns the variables a user sets to send an example's objects to srv and its
// telemetry to col over OTLP/HTTP, with otlpHeader as the value of an OTLP header (a canary),
// merged with extra.
func ServersEnv(srv *testserver.S3Server, col *testserver.Collector, otlpHeader string, extra map[string]string) map[string]string {
	env := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + col.HTTPEndpoint,
		"OTEL_EXPORTER_OTLP_HEADERS":  "x-demo=" + otlpHeader,
		"AWS_ENDPOINT_URL_S3":         srv.Endpoint,
		"AWS_REGION":                  srv.Region,
		"AWS_ACCESS_KEY_ID":           srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       srv.SecretKey,
		"OBSKIT_S3_BUCKET":            srv.Bucket,
		"OBSKIT_S3_PATH_STYLE":        "true",
	}
	maps.Copy(env, extra)
	return env
}

// AssertNoSecrets fails the test if any of secrets appears in outputs or in a file below one of
// dirs, naming where.
func AssertNoSecrets(t testing.TB, secrets []string, outputs map[string]string, dirs ...string) {
	t.Helper()
	all := maps.Clone(outputs)
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			all[path] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range secrets {
		for name, out := range all {
			if strings.Contains(out, s) {
				t.Errorf("%s shows the secret %q", name, s)
			}
		}
	}
}

// Buffer is a bytes.Buffer safe for the concurrent writes of a running example (its log handler
// and its progress output write from several goroutines).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// KeepSpans returns e as a span exporter whose Shutdown does nothing, so that the spans it got
// can be read after the example has shut its telemetry down (InMemoryExporter.Shutdown forgets
// them).
func KeepSpans(e *tracetest.InMemoryExporter) sdktrace.SpanExporter { return keepSpans{e} }

type keepSpans struct{ *tracetest.InMemoryExporter }

func (keepSpans) Shutdown(context.Context) error { return nil }
