package otlpconf

import (
	"crypto/tls"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The OTLP transport protocols, the values of OTEL_EXPORTER_OTLP_PROTOCOL.
const (
	ProtocolGRPC         = "grpc"
	ProtocolHTTPProtobuf = "http/protobuf"
)

// Defaults of the OTLP settings, from the OpenTelemetry specification.
const (
	DefaultProtocol     = ProtocolHTTPProtobuf
	DefaultGRPCEndpoint = "http://localhost:4317"
	DefaultHTTPEndpoint = "http://localhost:4318"
	DefaultTimeout      = 10 * time.Second
)

// Target is one signal's resolved OTLP settings: where and how a transport sends. Every field
// is final; nothing in it is parsed again.
//
// Target never prints its header values: String, GoString and Format show header names only.
type Target struct {
	// Protocol is ProtocolGRPC or ProtocolHTTPProtobuf.
	Protocol string
	// Host is host:port.
	Host string
	// Path is the URL path HTTP exports are posted to, /v1/logs for example. Unused by gRPC.
	Path string
	// Insecure turns TLS off.
	Insecure bool
	// Headers are sent with every export; their values are secrets.
	Headers map[string]string
	// Timeout bounds one export, retries included.
	Timeout time.Duration
	// Gzip compresses every export.
	Gzip bool
	// TLSConfig is used when TLS is on; nil means the system roots.
	TLSConfig *tls.Config
}

// URL returns the URL that HTTP exports are posted to: the scheme (http when Insecure, https
// otherwise), Host and Path.
func (t Target) URL() string {
	scheme := "https://"
	if t.Insecure {
		scheme = "http://"
	}
	return scheme + t.Host + t.Path
}

// String describes t with header names only.
func (t Target) String() string {
	names := make([]string, 0, len(t.Headers))
	for k := range t.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	return fmt.Sprintf("Target{Protocol:%q Host:%q Path:%q Insecure:%t Headers:[%s] Timeout:%s Gzip:%t TLSConfig:%t}",
		t.Protocol, t.Host, t.Path, t.Insecure, strings.Join(names, ","), t.Timeout, t.Gzip, t.TLSConfig != nil)
}

// GoString is String, so that %#v does not print header values.
func (t Target) GoString() string { return t.String() }

// Format prints String for every verb, so that %v and %+v do not print header values.
func (t Target) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }
