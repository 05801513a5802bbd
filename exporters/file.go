package exporters

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	collogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	colmetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// FileName returns the name of the file, inside the folder given with [WithFileDir], to which
// the file exporter of sig appends: traces.jsonl, metrics.jsonl or logs.jsonl.
func FileName(sig Signal) string { return string(sig) + ".jsonl" }

// fileSink is the end of the file exporters. Each file exporter is an OTLP/HTTP exporter of
// opentelemetry-go whose HTTP client has fileSink as its transport: the request never reaches
// a network; fileSink decodes its protobuf body and appends it as one line of OTLP-JSON, the
// format of the Collector's file exporter that its otlpjsonfile receiver reads. So the
// conversion from SDK data to OTLP is opentelemetry-go's own.
//
// The log file and console exporters (logs.go) feed it the request bytes of a logpipe batch
// directly, through [fileSink.writeRequest].
type fileSink struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer // nil: the writer is not ours to close (console)
	newMsg func() proto.Message
	closed bool
}

// openFileSink opens (creating or appending) dir/<signal>.jsonl.
func openFileSink(dir string, sig Signal) (*fileSink, error) {
	if dir == "" {
		return nil, errors.New("exporters: the file exporter needs a folder (WithFileDir)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("exporters: file exporter folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, FileName(sig)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("exporters: file exporter: %w", err)
	}
	return newSink(f, f, sig), nil
}

// newSink returns a sink writing sig's requests to w, closing closer (if not nil) at close.
func newSink(w io.Writer, closer io.Closer, sig Signal) *fileSink {
	s := &fileSink{w: w, closer: closer}
	switch sig {
	case Traces:
		s.newMsg = func() proto.Message { return &coltrace.ExportTraceServiceRequest{} }
	case Metrics:
		s.newMsg = func() proto.Message { return &colmetrics.ExportMetricsServiceRequest{} }
	default:
		s.newMsg = func() proto.Message { return &collogs.ExportLogsServiceRequest{} }
	}
	return s
}

func (s *fileSink) client() *http.Client { return &http.Client{Transport: s} }

// RoundTrip implements http.RoundTripper: it writes the request's payload as a line and answers
// 200 with an empty response message.
func (s *fileSink) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	if err := s.writeRequest(body); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Header:     http.Header{"Content-Type": []string{"application/x-protobuf"}},
		Body:       io.NopCloser(bytes.NewReader(nil)),
		Request:    req,
	}, nil
}

// writeRequest decodes body, a serialized OTLP export request of the sink's signal, and
// appends it as one OTLP-JSON line.
func (s *fileSink) writeRequest(body []byte) error {
	msg := s.newMsg()
	if err := proto.Unmarshal(body, msg); err != nil {
		return fmt.Errorf("exporters: file exporter: %w", err)
	}
	line, err := encodeOTLPJSON(msg)
	if err != nil {
		return err
	}
	return s.write(line)
}

func (s *fileSink) write(line []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("exporters: file exporter is shut down")
	}
	if _, err := s.w.Write(line); err != nil {
		return fmt.Errorf("exporters: file exporter: %w", err)
	}
	return nil
}

func (s *fileSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// encodeOTLPJSON encodes msg as OTLP-JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
// followed by a newline: protojson with lowerCamelCase keys and enums as integers, then trace
// and span ids rewritten from protojson's base64 to the hex the specification requires.
func encodeOTLPJSON(msg proto.Message) ([]byte, error) {
	b, err := protojson.MarshalOptions{UseEnumNumbers: true}.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("exporters: file exporter: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("exporters: file exporter: %w", err)
	}
	hexIDs(v)
	var out bytes.Buffer
	enc := json.NewEncoder(&out) // Encode ends with a newline
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("exporters: file exporter: %w", err)
	}
	return out.Bytes(), nil
}

// hexIDs rewrites, everywhere in v, the values of traceId, spanId and parentSpanId from base64
// to hex.
func hexIDs(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			switch k {
			case "traceId", "spanId", "parentSpanId":
				if s, ok := e.(string); ok {
					if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
						v[k] = hex.EncodeToString(raw)
					}
				}
			default:
				hexIDs(e)
			}
		}
	case []any:
		for _, e := range v {
			hexIDs(e)
		}
	}
}
