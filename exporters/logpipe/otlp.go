package logpipe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Protocols accepted in [OTLPConfig.Protocol] (OTEL_EXPORTER_OTLP_PROTOCOL).
const (
	ProtocolGRPC         = "grpc"
	ProtocolHTTPProtobuf = "http/protobuf"
)

// Compressions accepted in [OTLPConfig.Compression]
// (OTEL_EXPORTER_OTLP_COMPRESSION).
const (
	CompressionNone = "none"
	CompressionGzip = "gzip"
)

// DefaultOTLPTimeout is the default of [OTLPConfig.Timeout].
const DefaultOTLPTimeout = 10 * time.Second

// OTLPConfig configures [NewOTLPExporter]. Each field says which variable of
// the OTLP exporter specification it carries; the caller maps the
// environment (the OTEL_EXPORTER_OTLP_LOGS_* variable taking precedence over
// OTEL_EXPORTER_OTLP_*). The zero value exports over HTTP/protobuf to
// http://localhost:4318/v1/logs, as the specification's defaults say.
//
// OTLPConfig never prints its header values: String, GoString and Format
// show only header names.
type OTLPConfig struct {
	// Protocol is ProtocolGRPC or ProtocolHTTPProtobuf.
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}PROTOCOL. Default: "http/protobuf".
	Protocol string
	// Endpoint is where records go. For gRPC: host:port or a URL whose scheme
	// (http or https) decides whether TLS is used. For HTTP: a URL; unless
	// SignalEndpoint is set, "/v1/logs" is appended to its path.
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}ENDPOINT. Default: localhost:4317 (gRPC),
	// http://localhost:4318 (HTTP).
	Endpoint string
	// SignalEndpoint says that Endpoint came from
	// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT and is used as is over HTTP.
	SignalEndpoint bool
	// Headers are sent with every request; their values are secrets.
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}HEADERS (key=value,... URL-encoded).
	Headers map[string]string
	// Timeout bounds one export including retries.
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}TIMEOUT (milliseconds). Default: 10s.
	Timeout time.Duration
	// Compression is CompressionGzip or CompressionNone ("" means none).
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}COMPRESSION.
	Compression string
	// Insecure disables TLS for an endpoint without a scheme.
	// Env: OTEL_EXPORTER_OTLP_{,LOGS_}INSECURE. Default: false.
	Insecure bool
	// TLSConfig is used when TLS is on; nil means the system roots.
	TLSConfig *tls.Config
}

// String describes c with header names only.
func (c OTLPConfig) String() string {
	names := make([]string, 0, len(c.Headers))
	for k := range c.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	return fmt.Sprintf("OTLPConfig{Protocol:%q Endpoint:%q SignalEndpoint:%t Headers:[%s] Timeout:%s Compression:%q Insecure:%t}",
		c.Protocol, c.Endpoint, c.SignalEndpoint, strings.Join(names, ","), c.Timeout, c.Compression, c.Insecure)
}

// GoString is String, so that %#v does not print header values.
func (c OTLPConfig) GoString() string { return c.String() }

// Format prints String for every verb, so that %v and %+v do not print
// header values.
func (c OTLPConfig) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// NewOTLPExporter returns an [Exporter] that sends each batch as an OTLP
// ExportLogsServiceRequest over gRPC (to
// /opentelemetry.proto.collector.logs.v1.LogsService/Export) or over
// HTTP/protobuf (POST to /v1/logs), as cfg.Protocol says. It does not connect
// until the first export. Retryable failures (gRPC UNAVAILABLE and the like,
// HTTP 429/502/503/504) are retried with backoff within cfg.Timeout.
func NewOTLPExporter(cfg OTLPConfig) (Exporter, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultOTLPTimeout
	}
	switch cfg.Compression {
	case "", CompressionNone, CompressionGzip:
	default:
		return nil, fmt.Errorf("logpipe: unsupported OTLP compression %q (want gzip or none)", cfg.Compression)
	}
	switch cfg.Protocol {
	case ProtocolGRPC:
		return newGRPCExporter(cfg)
	case "", ProtocolHTTPProtobuf:
		return newHTTPExporter(cfg)
	default:
		return nil, fmt.Errorf("logpipe: unsupported OTLP protocol %q (want grpc or http/protobuf)", cfg.Protocol)
	}
}

// grpcTarget returns the gRPC target for endpoint and whether TLS is used.
func grpcTarget(endpoint string, insecure bool) (string, bool, error) {
	if endpoint == "" {
		return "localhost:4317", !insecure, nil
	}
	if !strings.Contains(endpoint, "://") {
		return endpoint, !insecure, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", false, fmt.Errorf("logpipe: bad OTLP endpoint: %w", errors.Unwrap(err))
	}
	switch u.Scheme {
	case "http":
		return u.Host, false, nil
	case "https":
		return u.Host, true, nil
	default:
		return endpoint, !insecure, nil // a gRPC resolver scheme such as dns:///
	}
}

// httpURL returns the URL that HTTP exports are posted to.
func httpURL(cfg OTLPConfig) (string, error) {
	ep := cfg.Endpoint
	if ep == "" {
		ep = "http://localhost:4318"
	}
	if !strings.Contains(ep, "://") {
		if cfg.Insecure {
			ep = "http://" + ep
		} else {
			ep = "https://" + ep
		}
	}
	u, err := url.Parse(ep)
	if err != nil {
		return "", fmt.Errorf("logpipe: bad OTLP endpoint: %w", errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("logpipe: bad OTLP endpoint scheme %q (want http or https)", u.Scheme)
	}
	if !cfg.SignalEndpoint {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/logs"
	}
	return u.String(), nil
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
