package logbench

import (
	"context"
	"net"
	"sync/atomic"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/encoding/gzip" // accept gzip-compressed requests
)

// Receiver is an in-process OTLP logs receiver: a gRPC LogsService server on a loopback port
// that decodes every request, as a real receiver does, and counts the log records.
type Receiver struct {
	collogspb.UnimplementedLogsServiceServer

	// Endpoint is the server's host:port.
	Endpoint string

	records  atomic.Int64
	requests atomic.Int64
	srv      *grpc.Server
}

// StartReceiver listens on 127.0.0.1 on a free port and serves until Close.
func StartReceiver() (*Receiver, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{Endpoint: l.Addr().String(), srv: grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))}
	collogspb.RegisterLogsServiceServer(r.srv, r)
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

// Export counts the records of req.
func (r *Receiver) Export(_ context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	var n int64
	for _, rl := range req.GetResourceLogs() {
		for _, sl := range rl.GetScopeLogs() {
			n += int64(len(sl.GetLogRecords()))
		}
	}
	r.records.Add(n)
	r.requests.Add(1)
	return &collogspb.ExportLogsServiceResponse{}, nil
}

// Records returns the number of log records received so far.
func (r *Receiver) Records() int64 { return r.records.Load() }

// Requests returns the number of export requests received so far.
func (r *Receiver) Requests() int64 { return r.requests.Load() }

// Close stops the server at once, closing its connections.
func (r *Receiver) Close() { r.srv.Stop() }
