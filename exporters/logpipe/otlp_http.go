package logpipe

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/esper-platform/obskit/exporters/otlpconf"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

// maxResponseBytes bounds how much of a response body is read.
const maxResponseBytes = 64 << 10

type httpExporter struct {
	client    *http.Client
	transport *http.Transport
	url       string
	header    http.Header
	timeout   time.Duration
	gzip      bool
	gzips     sync.Pool // *gzipBuffer
}

type gzipBuffer struct {
	buf bytes.Buffer
	w   *gzip.Writer
}

func newHTTPExporter(t otlpconf.Target) *httpExporter {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	if t.TLSConfig != nil {
		tr.TLSClientConfig = t.TLSConfig.Clone()
	}
	h := http.Header{}
	for k, v := range t.Headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/x-protobuf")
	if t.Gzip {
		h.Set("Content-Encoding", "gzip")
	}
	return &httpExporter{client: &http.Client{Transport: tr}, transport: tr, url: t.URL(), header: h,
		timeout: t.Timeout, gzip: t.Gzip}
}

// Export posts the batch, retrying 429, 502, 503 and 504 within the timeout,
// and splitting it if the receiver answers 413 (too large).
func (e *httpExporter) Export(ctx context.Context, b *Batch) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	return withShutdownCause(ctx, exportSplitting(ctx, b, e.send))
}

// send posts one request, gzipped if configured, with retries.
func (e *httpExporter) send(ctx context.Context, body []byte) error {
	if e.gzip {
		g, _ := e.gzips.Get().(*gzipBuffer)
		if g == nil {
			g = &gzipBuffer{}
			g.w = gzip.NewWriter(&g.buf)
		}
		defer e.gzips.Put(g)
		g.buf.Reset()
		g.w.Reset(&g.buf)
		_, _ = g.w.Write(body)
		if err := g.w.Close(); err != nil {
			return fmt.Errorf("logpipe: OTLP HTTP gzip: %w", err)
		}
		body = g.buf.Bytes()
	}
	for attempt := 0; ; attempt++ {
		retry, hint, err := e.post(ctx, body)
		if err == nil || !retry || ctx.Err() != nil {
			return err
		}
		if werr := backoff(ctx, attempt, hint); werr != nil {
			return errors.Join(err, werr)
		}
	}
}

func (e *httpExporter) post(ctx context.Context, body []byte) (retry bool, hint time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, fmt.Errorf("logpipe: OTLP HTTP request: %w", err)
	}
	req.Header = e.header.Clone()
	resp, err := e.client.Do(req)
	if err != nil {
		return true, 0, fmt.Errorf("logpipe: OTLP HTTP export: %w", err)
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if rerr != nil || len(data) == 0 {
			return false, 0, nil
		}
		var r collogspb.ExportLogsServiceResponse
		if proto.Unmarshal(data, &r) == nil {
			if ps := r.GetPartialSuccess(); ps != nil && ps.GetRejectedLogRecords() > 0 {
				return false, 0, &PartialSuccessError{Rejected: ps.GetRejectedLogRecords(), Message: ps.GetErrorMessage()}
			}
		}
		return false, 0, nil
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		return false, 0, &tooLargeError{err: fmt.Errorf("logpipe: OTLP HTTP export: %s", resp.Status)}
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			hint = time.Duration(s) * time.Second
		}
		return true, hint, fmt.Errorf("logpipe: OTLP HTTP export: %s", resp.Status)
	default:
		return false, 0, fmt.Errorf("logpipe: OTLP HTTP export: %s", resp.Status)
	}
}

// Shutdown closes idle connections.
func (e *httpExporter) Shutdown(context.Context) error {
	e.transport.CloseIdleConnections()
	return nil
}
