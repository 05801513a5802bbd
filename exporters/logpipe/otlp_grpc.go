package logpipe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/esper-platform/obskit/exporters/otlpconf"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// grpcExportMethod is the full name of the OTLP logs Export RPC.
const grpcExportMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"

// rawRequest is an already serialized ExportLogsServiceRequest. It is also
// the mem.BufferPool of its own bytes, so that it learns when gRPC has
// released them: only then may the batch buffer be reused.
type rawRequest struct {
	data     []byte
	released atomic.Bool
}

// Get is never called by gRPC for a buffer made with mem.NewBuffer.
func (r *rawRequest) Get(n int) *[]byte {
	b := make([]byte, n)
	return &b
}

// Put records that gRPC no longer holds the bytes.
func (r *rawRequest) Put(*[]byte) { r.released.Store(true) }

// rawCodec sends rawRequest bytes as they are and decodes responses with the
// protobuf runtime. Its name is "proto", so the wire format is standard gRPC.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	r, ok := v.(*rawRequest)
	if !ok {
		return nil, fmt.Errorf("logpipe: cannot marshal %T", v)
	}
	if mem.IsBelowBufferPoolingThreshold(cap(r.data)) {
		// Too small for gRPC to track: hand over a copy.
		r.released.Store(true)
		return mem.BufferSlice{mem.SliceBuffer(slices.Clone(r.data))}, nil
	}
	return mem.BufferSlice{mem.NewBuffer(&r.data, r)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("logpipe: cannot unmarshal into %T", v)
	}
	return proto.Unmarshal(data.Materialize(), m)
}

func (rawCodec) Name() string { return "proto" }

type grpcExporter struct {
	conn     *grpc.ClientConn
	md       metadata.MD
	callOpts []grpc.CallOption
	timeout  time.Duration
}

func newGRPCExporter(t otlpconf.Target) (*grpcExporter, error) {
	creds := insecure.NewCredentials()
	if !t.Insecure {
		tc := t.TLSConfig
		if tc == nil {
			tc = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		creds = credentials.NewTLS(tc)
	}
	conn, err := grpc.NewClient(t.Host, grpc.WithTransportCredentials(creds))
	if err != nil {
		return nil, fmt.Errorf("logpipe: OTLP gRPC client: %w", err)
	}
	e := &grpcExporter{conn: conn, timeout: t.Timeout, callOpts: []grpc.CallOption{grpc.ForceCodecV2(rawCodec{})}}
	if t.Gzip {
		e.callOpts = append(e.callOpts, grpc.UseCompressor(gzip.Name))
	}
	if len(t.Headers) > 0 {
		e.md = metadata.MD{}
		for k, v := range t.Headers {
			e.md.Append(strings.ToLower(k), v)
		}
	}
	return e, nil
}

// Export sends the batch, retrying retryable failures within the timeout and
// splitting it if the receiver finds it too large.
func (e *grpcExporter) Export(ctx context.Context, b *Batch) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	if e.md != nil {
		ctx = metadata.NewOutgoingContext(ctx, e.md)
	}
	return withShutdownCause(ctx, exportSplitting(ctx, b, func(ctx context.Context, data []byte) error {
		return e.send(ctx, b, data)
	}))
}

// send sends one request. It retries the codes the specification calls
// retryable, RESOURCE_EXHAUSTED only when the status carries RetryInfo, and
// waits at least the RetryInfo's delay.
func (e *grpcExporter) send(ctx context.Context, b *Batch, data []byte) error {
	for attempt := 0; ; attempt++ {
		var resp collogspb.ExportLogsServiceResponse
		req := &rawRequest{data: data}
		err := e.conn.Invoke(ctx, grpcExportMethod, req, &resp, e.callOpts...)
		if !req.released.Load() {
			// gRPC may still be writing these bytes (the server answered
			// before reading them all): never reuse them.
			b.abandonBuffer()
		}
		if err == nil {
			if ps := resp.GetPartialSuccess(); ps != nil && ps.GetRejectedLogRecords() > 0 {
				return &PartialSuccessError{Rejected: ps.GetRejectedLogRecords(), Message: ps.GetErrorMessage()}
			}
			return nil
		}
		st := status.Convert(err)
		delay, throttled := retryDelay(st)
		if st.Code() == codes.ResourceExhausted && !throttled && tooLargeMessage(st.Message()) {
			return &tooLargeError{err: fmt.Errorf("logpipe: OTLP gRPC export: %w", err)}
		}
		if !retryable(st.Code(), throttled) || ctx.Err() != nil {
			return fmt.Errorf("logpipe: OTLP gRPC export: %w", err)
		}
		if werr := backoff(ctx, attempt, delay); werr != nil {
			return fmt.Errorf("logpipe: OTLP gRPC export: %w", errors.Join(err, werr))
		}
	}
}

// retryDelay returns the delay of the RetryInfo in st's details, if any.
func retryDelay(st *status.Status) (time.Duration, bool) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return max(ri.GetRetryDelay().AsDuration(), 0), true
		}
	}
	return 0, false
}

// tooLargeMessage reports whether a RESOURCE_EXHAUSTED status message says the
// request was over the receiver's size limit (grpc-go: "grpc: received message
// larger than max (N vs. M)"; grpc-java: "gRPC message exceeds maximum size").
func tooLargeMessage(msg string) bool {
	msg = strings.ToLower(msg)
	return strings.Contains(msg, "larger than max") || strings.Contains(msg, "exceeds maximum size") ||
		strings.Contains(msg, "message too large")
}

// retryable reports whether a failure with code c may be retried, as the
// OTLP specification and the stock exporter say: RESOURCE_EXHAUSTED only when
// the receiver sent RetryInfo.
func retryable(c codes.Code, hasRetryInfo bool) bool {
	switch c {
	case codes.Unavailable, codes.Aborted, codes.OutOfRange, codes.DataLoss, codes.DeadlineExceeded:
		return true
	case codes.ResourceExhausted:
		return hasRetryInfo
	default:
		return false
	}
}

// Shutdown closes the connection.
func (e *grpcExporter) Shutdown(context.Context) error {
	if err := e.conn.Close(); err != nil {
		return fmt.Errorf("logpipe: OTLP gRPC close: %w", err)
	}
	return nil
}
