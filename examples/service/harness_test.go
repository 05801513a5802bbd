package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/telemetry"
)

// runningService is the service running in-process, started by startService.
type runningService struct {
	base           string // "http://127.0.0.1:PORT"
	stdout, stderr *exampletest.Buffer
	done           chan error
}

// startService runs the service with env and the telemetry options, and returns once it
// listens. A cleanup stops it if the test has not.
func startService(t *testing.T, env map[string]string, opts ...telemetry.Option) *runningService {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &runningService{stdout: &exampletest.Buffer{}, stderr: &exampletest.Buffer{}, done: make(chan error, 1)}
	addr := make(chan string, 1)
	p := process{environ: env, stdout: s.stdout, stderr: s.stderr, telemetry: opts,
		listening: func(a string) { addr <- a }}
	go func() { s.done <- run(ctx, p) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(30 * time.Second):
			t.Error("the service did not stop within 30s of its context's end")
		}
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
	case err := <-s.done:
		s.done <- err
		t.Fatalf("the service ended before listening: %v\nstderr:\n%s", err, s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not listen within 30s")
	}
	return s
}

// terminate sends SIGTERM to the test process, which the running service has claimed through
// signal.NotifyContext, and returns run's result.
func (s *runningService) terminate(t *testing.T) error {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the service did not stop within 30s of SIGTERM")
		return nil
	}
}

// do sends a request and returns the status and body.
func (s *runningService) do(t *testing.T, method, path, body string, header http.Header) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

// spanView and logView are what the checks look at, from the in-memory exporters or from the
// Collector's files alike.
type spanView struct {
	name                      string
	kind                      int // OTLP: 2 server, 3 client
	traceID, spanID, parentID string
	attrs                     map[string]any
}

type logView struct {
	body            string
	traceID, spanID string
}

func spansFromStubs(stubs tracetest.SpanStubs) []spanView {
	out := make([]spanView, len(stubs))
	for i, s := range stubs {
		attrs := map[string]any{}
		for _, kv := range s.Attributes {
			attrs[string(kv.Key)] = kv.Value.AsInterface()
		}
		v := spanView{name: s.Name, kind: int(s.SpanKind), traceID: s.SpanContext.TraceID().String(),
			spanID: s.SpanContext.SpanID().String(), attrs: attrs}
		if s.Parent.IsValid() {
			v.parentID = s.Parent.SpanID().String()
		}
		out[i] = v
	}
	return out
}

func spansFromCollector(spans []testserver.Span) []spanView {
	out := make([]spanView, len(spans))
	for i, s := range spans {
		out[i] = spanView{name: s.Name, kind: s.Kind, traceID: s.TraceID, spanID: s.SpanID,
			parentID: s.ParentSpanID, attrs: s.Attributes}
	}
	return out
}

func logsFromCollector(recs []testserver.LogRecord) []logView {
	out := make([]logView, len(recs))
	for i, r := range recs {
		body, _ := r.Body.(string)
		out[i] = logView{body: body, traceID: r.TraceID, spanID: r.SpanID}
	}
	return out
}

func logsFromFiles(recs []otlpfile.LogRecord) []logView {
	out := make([]logView, len(recs))
	for i, r := range recs {
		body, _ := r.Body.(string)
		out[i] = logView{body: body, traceID: r.TraceID, spanID: r.SpanID}
	}
	return out
}

var update = flag.Bool("update", false, "rewrite README.md's service environment table")

// spanText and logText render what the exporters got, to look for secrets in it.
func spanText(spans []spanView) string { return fmt.Sprint(spans) }
func logText(logs []logView) string    { return fmt.Sprint(logs) }
