package logpipe_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/internal/testkit"
)

// throttled returns a gRPC RESOURCE_EXHAUSTED status asking to retry after delay.
func throttled(t *testing.T, delay time.Duration) error {
	st, err := status.New(codes.ResourceExhausted, "throttled").WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

// TestGRPCHonoursRetryInfo: a receiver that throttles the first request with RetryInfo asking
// for 300 ms gets the batch again no sooner than that.
func TestGRPCHonoursRetryInfo(t *testing.T) {
	const delay = 300 * time.Millisecond
	var (
		mu    sync.Mutex
		times []time.Time
	)
	endpoint := startFuncReceiver(t, func(_ context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		times = append(times, time.Now())
		if len(times) == 1 {
			return nil, throttled(t, delay)
		}
		return &collogspb.ExportLogsServiceResponse{}, nil
	})
	lp := otlpProvider(t, "grpc", "http://"+endpoint, 10*time.Second, nil)
	emitN(lp, 1, 10)
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Fatalf("%d requests, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < delay-10*time.Millisecond {
		t.Errorf("re-sent after %v, the receiver asked for %v", gap, delay)
	}
	if s := lp.Stats(); s.Exported != 10 {
		t.Errorf("stats %+v, want 10 exported", s)
	}
}

// TestGRPCResourceExhaustedWithoutRetryInfo: as the specification says, RESOURCE_EXHAUSTED
// without RetryInfo is not retried; the export fails at once.
func TestGRPCResourceExhaustedWithoutRetryInfo(t *testing.T) {
	var calls atomic.Int64
	endpoint := startFuncReceiver(t, func(context.Context, *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
		calls.Add(1)
		return nil, status.Error(codes.ResourceExhausted, "quota exhausted")
	})
	lp := otlpProvider(t, "grpc", "http://"+endpoint, 10*time.Second, nil)
	emitN(lp, 1, 10)
	start := time.Now()
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second || calls.Load() != 1 {
		t.Errorf("%d requests in %v, want one, at once", calls.Load(), d)
	}
	if s := lp.Stats(); s.DroppedExportFailed != 10 {
		t.Errorf("stats %+v, want 10 lost in a failed export", s)
	}
}

// otlpProvider returns a Provider exporting through exporters' decorated OTLP exporter to
// endpoint over protocol, with one worker and one shard (one batch), reporting to a manual
// reader whose metrics it collects into *rm at the end of the test if rm is not nil.
func otlpProvider(t *testing.T, protocol, endpoint string, timeout time.Duration, reader *sdkmetric.ManualReader) *logpipe.Provider {
	t.Helper()
	ctx := context.Background()
	var mp *sdkmetric.MeterProvider
	if reader != nil {
		mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	} else {
		mp = sdkmetric.NewMeterProvider()
	}
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	exp, err := exporters.NewLogExporter(ctx, []string{"otlp"}, exporters.WithMeterProvider(mp),
		exporters.WithOTLP(exporters.OTLPSettings{Shared: exporters.OTLPConfig{
			Endpoint: endpoint, Protocol: protocol, Timeout: exporters.Duration(timeout)}}))
	if err != nil {
		t.Fatal(err)
	}
	lp, _, _ := newTestProvider(t, exp, logpipe.WithMeterProvider(mp), logpipe.WithShards(1), logpipe.WithWorkers(1))
	return lp
}

// emitSized emits n records with a body of 100 bytes, then one with a body of big bytes.
func emitSized(lp *logpipe.Provider, n, big int) {
	l := lp.Logger("test")
	for i := range n + 1 {
		size := 100
		if i == n/2 {
			size = big
		}
		var r log.Record
		r.SetBody(attribute.StringValue(strings.Repeat("x", size)))
		l.Emit(context.Background(), r)
	}
}

// TestRequestTooLargeIsSplit: a receiver with a small maximum request size (gRPC: MaxRecvMsgSize,
// answering RESOURCE_EXHAUSTED; HTTP: 413) gets the batch in halves, recursively, so that only
// the one record too large alone is dropped, counted once as too_large, at once (no worker tied
// up for the export timeout).
func TestRequestTooLargeIsSplit(t *testing.T) {
	const limit, n = 4 << 10, 200
	var grpcRecords, httpRecords atomic.Int64
	grpcEndpoint := startFuncReceiver(t, func(_ context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
		grpcRecords.Add(countRecords(req))
		return &collogspb.ExportLogsServiceResponse{}, nil
	}, grpc.MaxRecvMsgSize(limit))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err != nil || len(body) > limit {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		var req collogspb.ExportLogsServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		httpRecords.Add(countRecords(&req))
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(hs.Close)

	for _, tc := range []struct {
		protocol, endpoint string
		got                *atomic.Int64
	}{
		{"grpc", "http://" + grpcEndpoint, &grpcRecords},
		{"http/protobuf", hs.URL, &httpRecords},
	} {
		t.Run(tc.protocol, func(t *testing.T) {
			reader := sdkmetric.NewManualReader()
			lp := otlpProvider(t, tc.protocol, tc.endpoint, 20*time.Second, reader)
			emitSized(lp, n, 2*limit)
			start := time.Now()
			if err := lp.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Shutdown took %v: the too-large request was retried", d)
			}
			s := lp.Stats()
			if s.Exported != n || s.DroppedTooLarge != 1 || s.Dropped != 1 || tc.got.Load() != n {
				t.Errorf("stats %+v, receiver got %d; want %d exported and the one large record dropped as too large",
					s, tc.got.Load(), n)
			}
			got := testkit.SumInt64By(testkit.Collect(t, reader), "otel.sdk.exporter.log.exported", "error.type")
			if got[""] != n || got["too_large"] != 1 || len(got) != 2 {
				t.Errorf("otel.sdk.exporter.log.exported by error.type %v, want %d delivered and too_large 1", got, n)
			}
		})
	}
}
