package logpipe_test

import (
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/encoding/gzip" // lets the server accept gzip
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// receiver is a tiny in-process OTLP logs receiver, over gRPC and HTTP on
// loopback. It decodes every request with the protobuf runtime, as a real
// receiver does, counts the records and optionally keeps the requests.
type receiver struct {
	collogspb.UnimplementedLogsServiceServer

	keep     bool
	records  atomic.Int64
	requests atomic.Int64

	mu      sync.Mutex
	got     []*collogspb.ExportLogsServiceRequest
	headers []map[string]string

	GRPCEndpoint string // host:port
	HTTPEndpoint string // http://host:port
}

func startReceiver(tb testing.TB, keep bool) *receiver {
	tb.Helper()
	r := &receiver{keep: keep}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	collogspb.RegisterLogsServiceServer(srv, r)
	go func() { _ = srv.Serve(gl) }()
	r.GRPCEndpoint = gl.Addr().String()

	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/logs", r.serveHTTP)
	hs := &http.Server{Handler: mux}
	go func() { _ = hs.Serve(hl) }()
	r.HTTPEndpoint = "http://" + hl.Addr().String()
	tb.Cleanup(func() {
		srv.Stop()
		_ = hs.Close()
	})
	return r
}

func (r *receiver) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	h := map[string]string{}
	for k, v := range md {
		h[k] = v[0]
	}
	r.record(req, h)
	return &collogspb.ExportLogsServiceResponse{}, nil
}

func (r *receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = gz
	}
	data, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var m collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(data, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := map[string]string{"content-type": req.Header.Get("Content-Type"), "content-encoding": req.Header.Get("Content-Encoding")}
	for k, v := range req.Header {
		h[http.CanonicalHeaderKey(k)] = v[0]
	}
	r.record(&m, h)
	out, _ := proto.Marshal(&collogspb.ExportLogsServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (r *receiver) record(req *collogspb.ExportLogsServiceRequest, h map[string]string) {
	var n int64
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += int64(len(sl.GetLogRecords()))
		}
	}
	r.records.Add(n)
	r.requests.Add(1)
	if r.keep {
		r.mu.Lock()
		r.got = append(r.got, req)
		r.headers = append(r.headers, h)
		r.mu.Unlock()
	}
}

func (r *receiver) requestsGot() ([]*collogspb.ExportLogsServiceRequest, []map[string]string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*collogspb.ExportLogsServiceRequest(nil), r.got...), append([]map[string]string(nil), r.headers...)
}

// funcReceiver is an in-process OTLP logs gRPC receiver that answers each request with export.
type funcReceiver struct {
	collogspb.UnimplementedLogsServiceServer
	export func(context.Context, *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error)
}

func (f *funcReceiver) Export(ctx context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	return f.export(ctx, req)
}

// startFuncReceiver serves export on a loopback gRPC endpoint with opts and returns the
// endpoint (host:port).
func startFuncReceiver(tb testing.TB, export func(context.Context, *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error), opts ...grpc.ServerOption) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := grpc.NewServer(opts...)
	collogspb.RegisterLogsServiceServer(srv, &funcReceiver{export: export})
	go func() { _ = srv.Serve(l) }()
	tb.Cleanup(srv.Stop)
	return l.Addr().String()
}

// countRecords returns the number of log records in req.
func countRecords(req *collogspb.ExportLogsServiceRequest) int64 {
	var n int64
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += int64(len(sl.GetLogRecords()))
		}
	}
	return n
}
