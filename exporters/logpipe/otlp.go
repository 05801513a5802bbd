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
// failures (gRPC UNAVAILABLE and the like, RESOURCE_EXHAUSTED with RetryInfo,
// HTTP 429/502/503/504) are retried with backoff, and at least the delay the
// receiver asks for, within t.Timeout. A batch the receiver finds too large
// (gRPC RESOURCE_EXHAUSTED over its message size limit, HTTP 413) is sent in
// halves, recursively; a record too large alone is reported in a
// [*PartialSuccessError] (TooLarge).
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

// errRetryAfterDeadline is returned by backoff when the receiver asks for a
// delay that ends after the export's deadline.
var errRetryAfterDeadline = errors.New("the receiver asks to retry after the export's deadline")

// backoff waits before retry attempt n (0-based) or until ctx is done. A hint
// (the receiver's RetryInfo or Retry-After) longer than the backoff is waited
// for as it is; when it ends after ctx's deadline, backoff gives up at once.
func backoff(ctx context.Context, n int, hint time.Duration) error {
	d := min(100*time.Millisecond<<min(n, 6), 5*time.Second)
	d = d/2 + rand.N(d/2+1)
	if hint > d {
		d = hint
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return errRetryAfterDeadline
		}
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

// tooLargeError is a transport's error for a request the receiver refused for
// its size (gRPC RESOURCE_EXHAUSTED without RetryInfo for a message over its
// limit, HTTP 413).
type tooLargeError struct{ err error }

func (e *tooLargeError) Error() string { return e.err.Error() }
func (e *tooLargeError) Unwrap() error { return e.err }

// sendFunc sends one serialized ExportLogsServiceRequest, with retries; it
// returns a *tooLargeError when the receiver refuses the request for its
// size, and a *PartialSuccessError when the receiver rejected some records.
type sendFunc func(ctx context.Context, req []byte) error

// exportSplitting sends b's request; if the receiver finds it too large, it
// sends the batch in halves, recursively, so that only a record too large
// alone is dropped. The result is nil when every record was delivered, a
// *PartialSuccessError when some were, and the error of the failure when none
// was.
func exportSplitting(ctx context.Context, b *Batch, send sendFunc) error {
	err := send(ctx, b.Request())
	var tl *tooLargeError
	if !errors.As(err, &tl) {
		return err
	}
	var s splitter
	n := b.Len()
	s.split(ctx, b, 0, n, tl, send)
	lost := s.rejected + s.tooLarge + s.failed
	switch {
	case lost == 0:
		return nil
	case s.failed == int64(n):
		return s.err
	}
	msg := fmt.Sprintf("split into %d requests for the receiver's size limit; %d records too large alone (%v)", s.requests, s.tooLarge, s.lastTooLarge)
	if s.message != "" {
		msg += "; " + s.message
	}
	return &PartialSuccessError{Rejected: lost, TooLarge: s.tooLarge, Failed: s.failed, Message: msg, Err: s.err}
}

// splitter sums the outcomes of the parts of a batch.
type splitter struct {
	requests                   int
	rejected, tooLarge, failed int64
	message                    string // of the last partial success
	lastTooLarge               error
	err                        error // of the first part that failed: the parts after it are not sent
}

// split sends the halves of the records [lo, hi), whose request was too large
// (tl), and, recursively, of each half that is too large too.
func (s *splitter) split(ctx context.Context, b *Batch, lo, hi int, tl *tooLargeError, send sendFunc) {
	if hi-lo == 1 {
		s.tooLarge++
		s.lastTooLarge = tl.err
		return
	}
	mid := lo + (hi-lo)/2
	for _, r := range [2][2]int{{lo, mid}, {mid, hi}} {
		if s.err != nil {
			s.failed += int64(r[1] - r[0])
			continue
		}
		s.requests++
		err := send(ctx, b.requestRange(r[0], r[1]))
		var part *PartialSuccessError
		var ptl *tooLargeError
		switch {
		case err == nil:
		case errors.As(err, &ptl):
			s.split(ctx, b, r[0], r[1], ptl, send)
		case errors.As(err, &part):
			s.rejected += min(max(part.Rejected, 0), int64(r[1]-r[0]))
			s.message = part.Message
		default:
			s.failed += int64(r[1] - r[0])
			s.err = err
		}
	}
}
