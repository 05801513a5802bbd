package exporters

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/sdk/resource"
	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

// otlpReceiver is an OTLP/HTTP logs receiver on loopback that records request paths, headers
// and log record bodies.
type otlpReceiver struct {
	mu      sync.Mutex
	paths   []string
	headers []http.Header
	bodies  []string
}

func (r *otlpReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	data, _ := io.ReadAll(req.Body)
	var msg collogs.ExportLogsServiceRequest
	if err := proto.Unmarshal(data, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.Path)
	r.headers = append(r.headers, req.Header.Clone())
	for _, rl := range msg.ResourceLogs {
		for _, sl := range rl.ScopeLogs {
			for _, lr := range sl.LogRecords {
				r.bodies = append(r.bodies, lr.GetBody().GetStringValue())
			}
		}
	}
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK)
}

func (r *otlpReceiver) got() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.paths...), append([]string(nil), r.bodies...)
}

// emit sends one record with body through a logpipe provider over exp, then shuts it down.
func emit(t *testing.T, exp logpipe.Exporter, body string) error {
	t.Helper()
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()),
		logpipe.WithMeterProvider(metricnoop.NewMeterProvider()), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	var r log.Record
	r.SetBody(attribute.StringValue(body))
	lp.Logger("test").Emit(context.Background(), r)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	flushErr := lp.ForceFlush(ctx)
	st := lp.Stats()
	if err := lp.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if flushErr == nil && st.Exported != 1 {
		return fmt.Errorf("record not exported: %+v", st)
	}
	return flushErr
}

// TestOTLPLogsEndpoint checks the OTLP endpoint rules on a real HTTP receiver: the shared
// endpoint gets /v1/logs, the logs endpoint is used as it is and wins, headers are sent.
func TestOTLPLogsEndpoint(t *testing.T) {
	for _, tt := range []struct {
		name     string
		settings func(url string) OTLPSettings
		path     string
	}{
		{"shared base", func(u string) OTLPSettings {
			return OTLPSettings{Shared: OTLPConfig{Endpoint: u + "/base", Headers: envconfig.NewSecret("x-key=k1")}}
		}, "/base/v1/logs"},
		{"logs endpoint wins, as is", func(u string) OTLPSettings {
			return OTLPSettings{Shared: OTLPConfig{Endpoint: "http://127.0.0.1:1"},
				Logs: OTLPConfig{Endpoint: u + "/custom/logs", Headers: envconfig.NewSecret("x-key=k1")}}
		}, "/custom/logs"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recv := &otlpReceiver{}
			srv := httptest.NewServer(recv)
			defer srv.Close()
			exp, err := NewLogExporter(context.Background(), []string{"otlp"},
				WithOTLP(tt.settings(srv.URL)), WithMeterProvider(metricnoop.NewMeterProvider()))
			if err != nil {
				t.Fatal(err)
			}
			if err := emit(t, exp, "hello"); err != nil {
				t.Fatal(err)
			}
			paths, bodies := recv.got()
			if len(paths) != 1 || paths[0] != tt.path || len(bodies) != 1 || bodies[0] != "hello" {
				t.Errorf("received paths %q bodies %q, want %s and hello", paths, bodies, tt.path)
			}
			if h := recv.headers[0].Get("x-key"); h != "k1" {
				t.Errorf("header x-key = %q, want k1", h)
			}
		})
	}
}

// TestLogsTargetURL checks the URL logpipe's HTTP transport posts to, for the targets resolve
// gives logs.
func TestLogsTargetURL(t *testing.T) {
	yes := true
	for _, tt := range []struct {
		name string
		s    OTLPSettings
		want string
	}{
		{"defaults", OTLPSettings{}, "http://localhost:4318/v1/logs"},
		{"https shared", OTLPSettings{Shared: OTLPConfig{Endpoint: "https://col:4318", Compression: "gzip",
			Timeout: Duration(2 * time.Second)}}, "https://col:4318/v1/logs"},
		{"signal endpoint as is", OTLPSettings{Logs: OTLPConfig{Endpoint: "http://col:4318/custom"}}, "http://col:4318/custom"},
		{"grpc host:port", OTLPSettings{Shared: OTLPConfig{Protocol: "grpc", Endpoint: "col:4317", Insecure: &yes}}, "http://col:4317"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tgt, err := tt.s.resolve(Logs)
			if err != nil {
				t.Fatal(err)
			}
			if got := tgt.URL(); got != tt.want {
				t.Errorf("URL() = %q, want %q (%v)", got, tt.want, tgt)
			}
		})
	}
}

// TestOTLPLogsTLSFromEnv exports over HTTPS to a server whose certificate only the CA file of
// OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE (or the shared variable) makes trusted.
func TestOTLPLogsTLSFromEnv(t *testing.T) {
	recv := &otlpReceiver{}
	srv := httptest.NewTLSServer(recv)
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		ok   bool
	}{
		{"no CA file", nil, false},
		{"logs CA file", map[string]string{"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE": caFile}, true},
		{"shared CA file", map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": caFile}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			exp, err := NewLogExporter(context.Background(), []string{"otlp"}, WithMeterProvider(metricnoop.NewMeterProvider()),
				WithOTLP(OTLPSettings{Logs: OTLPConfig{Endpoint: srv.URL + "/v1/logs", Timeout: Duration(time.Second)}}),
				optionFunc(func(c config) config { c.getenv = func(k string) string { return tt.env[k] }; return c }))
			if err != nil {
				t.Fatal(err)
			}
			if err := emit(t, exp, "tls"); (err == nil) != tt.ok {
				t.Errorf("export error %v, want success %t", err, tt.ok)
			}
		})
	}

	bad := map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": filepath.Join(t.TempDir(), "missing.pem")}
	_, err := NewLogExporter(context.Background(), []string{"otlp"},
		optionFunc(func(c config) config { c.getenv = func(k string) string { return bad[k] }; return c }))
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_CERTIFICATE") {
		t.Errorf("missing CA file: error %v, want one naming OTEL_EXPORTER_OTLP_CERTIFICATE", err)
	}
}

// failingLogs fails every export with err.
type failingLogs struct{ err error }

func (f failingLogs) Export(context.Context, *logpipe.Batch) error { return f.err }
func (failingLogs) Shutdown(context.Context) error                 { return nil }

// TestLogFanOut sends a batch to the file and console exporters at once (the same OTLP-JSON
// line in both) and checks what the pipeline counts when one exporter of several fails.
func TestLogFanOut(t *testing.T) {
	dir := t.TempDir()
	var console bytes.Buffer
	exp, err := NewLogExporter(context.Background(), []string{"file", "console"}, WithFileDir(dir),
		WithConsoleWriter(&console), WithMeterProvider(metricnoop.NewMeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	if err := emit(t, exp, "both"); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(dir, FileName(Logs)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, console.Bytes()) || bytes.Count(file, []byte("\n")) != 1 {
		t.Errorf("file %q and console %q differ, or are not one line", file, console.Bytes())
	}
	var line struct {
		ResourceLogs []struct {
			ScopeLogs []struct {
				LogRecords []struct {
					Body struct {
						StringValue string `json:"stringValue"`
					} `json:"body"`
				} `json:"logRecords"`
			} `json:"scopeLogs"`
		} `json:"resourceLogs"`
	}
	if err := json.Unmarshal(file, &line); err != nil || line.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Body.StringValue != "both" {
		t.Errorf("line %s: %v", file, err)
	}

	partial := &logpipe.PartialSuccessError{Rejected: 1, Message: "too old"}
	for _, tt := range []struct {
		name         string
		exps         []logpipe.Exporter
		wantExported bool
	}{
		{"one fails", []logpipe.Exporter{logpipe.Discard{}, failingLogs{io.ErrUnexpectedEOF}}, false},
		{"one fails, one partial", []logpipe.Exporter{failingLogs{partial}, failingLogs{io.ErrUnexpectedEOF}}, false},
		{"all succeed", []logpipe.Exporter{logpipe.Discard{}, logpipe.Discard{}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := emit(t, FanOutLogs(tt.exps...), "x")
			if (err == nil) != tt.wantExported {
				t.Errorf("exported: error %v, want exported %t", err, tt.wantExported)
			}
		})
	}
	if FanOutLogs(nil, nil) != nil {
		t.Error("FanOutLogs of nothing is not nil")
	}
}
