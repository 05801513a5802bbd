package logpipe

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/esper-platform/obskit/exporters/otlpconf"
	"github.com/esper-platform/obskit/internal/selfobs"
)

// defaultHTTPPath is where HTTP exports go when the target has no path.
const defaultHTTPPath = "/v1/logs"

// NewOTLPExporter returns an [Exporter] that sends each batch as an OTLP
// ExportLogsServiceRequest to t, resolved by exporters (see
// exporters.NewLogExporter): over gRPC (to
// /opentelemetry.proto.collector.logs.v1.LogsService/Export) or over
// HTTP/protobuf (POST to t.URL()), as t.Protocol says. A zero Protocol is
// otlpconf.DefaultProtocol, a zero Timeout otlpconf.DefaultTimeout, an empty
// Path /v1/logs. It does not connect until the first export. Retryable
// failures (gRPC UNAVAILABLE and the like, HTTP 429/502/503/504) are retried
// with backoff within t.Timeout.
func NewOTLPExporter(t otlpconf.Target) (Exporter, error) {
	if t.Timeout <= 0 {
		t.Timeout = otlpconf.DefaultTimeout
	}
	if t.Host == "" {
		return nil, errors.New("logpipe: OTLP target has no host")
	}
	switch t.Protocol {
	case otlpconf.ProtocolGRPC:
		return newGRPCExporter(t)
	case "", otlpconf.ProtocolHTTPProtobuf:
		if t.Path == "" {
			t.Path = defaultHTTPPath
		}
		return newHTTPExporter(t), nil
	default:
		return nil, fmt.Errorf("logpipe: unsupported OTLP protocol %q (want grpc or http/protobuf)", t.Protocol)
	}
}

// withShutdownCause adds to err, an export's error, the cause with which the
// pipeline cancelled ctx at Shutdown's deadline, if it did: the exporter
// decorators of exporters count such an export's records as of unknown fate
// rather than lost.
func withShutdownCause(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	if c := context.Cause(ctx); errors.Is(c, selfobs.ErrShutdownDeadline) && !errors.Is(err, c) {
		return fmt.Errorf("%w (%w)", err, c)
	}
	return err
}

// backoff waits before retry attempt n (0-based) or until ctx is done.
func backoff(ctx context.Context, n int, hint time.Duration) error {
	d := min(100*time.Millisecond<<min(n, 6), 5*time.Second)
	d = d/2 + rand.N(d/2+1)
	if hint > d {
		d = hint
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
