package exporters

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// OTLPConfig holds the settings of OTLP export, either the ones shared by every signal
// (OTEL_EXPORTER_OTLP_*) or one signal's overrides (OTEL_EXPORTER_OTLP_TRACES_* …). An empty
// field is unset: a signal's empty field falls back to the shared one, and that to the
// specification's default. The env tags are relative; [OTLPSettings] gives the prefixes.
type OTLPConfig struct {
	// Endpoint is a URL. The shared endpoint is a base to which the HTTP exporters append
	// /v1/traces, /v1/metrics or /v1/logs; a signal's endpoint is used as it is.
	Endpoint string `env:"ENDPOINT" desc:"OTLP endpoint URL (default http://localhost:4318 for http/protobuf, http://localhost:4317 for grpc)"`
	// Protocol is grpc or http/protobuf.
	Protocol string `env:"PROTOCOL" desc:"OTLP transport: grpc or http/protobuf (default http/protobuf)"`
	// Headers are comma-separated key=value pairs, URL-encoded as the specification says;
	// they are sent with every export and never printed.
	Headers envconfig.Secret `env:"HEADERS" desc:"OTLP request headers, key=value pairs separated by commas (secret)"`
	// Timeout bounds one export, retries included. Zero: unset.
	Timeout Duration `env:"TIMEOUT" desc:"OTLP export timeout in milliseconds or as a duration, retries included (default 10000)"`
	// Compression is gzip or none.
	Compression string `env:"COMPRESSION" desc:"OTLP compression: gzip or none (default none)"`
	// Insecure, for grpc endpoints given without a scheme, disables TLS. nil: unset.
	Insecure *bool `env:"INSECURE" desc:"OTLP over grpc without TLS, for endpoints given without a scheme (default false)"`
}

// OTLPSettings is the whole OTLP configuration: shared settings and per-signal overrides,
// read from OTEL_EXPORTER_OTLP_* and OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_*.
type OTLPSettings struct {
	Shared  OTLPConfig `envPrefix:"OTEL_EXPORTER_OTLP_"`
	Traces  OTLPConfig `envPrefix:"OTEL_EXPORTER_OTLP_TRACES_"`
	Metrics OTLPConfig `envPrefix:"OTEL_EXPORTER_OTLP_METRICS_"`
	Logs    OTLPConfig `envPrefix:"OTEL_EXPORTER_OTLP_LOGS_"`
}

// Signal names one of the three OpenTelemetry signals.
type Signal string

// The signals.
const (
	Traces  Signal = "traces"
	Metrics Signal = "metrics"
	Logs    Signal = "logs"
)

func (s OTLPSettings) signal(sig Signal) OTLPConfig {
	switch sig {
	case Traces:
		return s.Traces
	case Metrics:
		return s.Metrics
	}
	return s.Logs
}

// resolve merges sig's overrides over the shared settings and the defaults. Its errors name the
// variable, never its value.
func (s OTLPSettings) resolve(sig Signal) (otlpconf.Target, error) {
	own := s.signal(sig)
	prefix := "OTEL_EXPORTER_OTLP_"
	ownPrefix := prefix + strings.ToUpper(string(sig)) + "_"
	pick := func(own, shared string) (string, string) {
		if own != "" {
			return own, ownPrefix
		}
		return shared, prefix
	}
	var t otlpconf.Target
	var errs []error

	proto, pvar := pick(own.Protocol, s.Shared.Protocol)
	switch proto {
	case "":
		proto = otlpconf.DefaultProtocol
	case otlpconf.ProtocolGRPC, otlpconf.ProtocolHTTPProtobuf:
	default:
		errs = append(errs, varError(pvar+"PROTOCOL", "want grpc or http/protobuf"))
	}
	t.Protocol = proto

	if own.Insecure != nil {
		t.Insecure = *own.Insecure
	} else if s.Shared.Insecure != nil {
		t.Insecure = *s.Shared.Insecure
	}

	endpoint, evar := pick(own.Endpoint, s.Shared.Endpoint)
	ownEndpoint := own.Endpoint != ""
	if endpoint == "" {
		endpoint = otlpconf.DefaultHTTPEndpoint
		if proto == otlpconf.ProtocolGRPC {
			endpoint = otlpconf.DefaultGRPCEndpoint
		}
	}
	if err := setEndpoint(&t, endpoint, sig, ownEndpoint); err != nil {
		errs = append(errs, varError(evar+"ENDPOINT", err.Error()))
	}

	headers, hvar := own.Headers, ownPrefix
	if !headers.IsSet() {
		headers, hvar = s.Shared.Headers, prefix
	}
	h, err := ParseHeaders(headers)
	if err != nil {
		errs = append(errs, varError(hvar+"HEADERS", err.Error()))
	}
	t.Headers = h

	t.Timeout = own.Timeout.Std()
	if t.Timeout == 0 {
		t.Timeout = s.Shared.Timeout.Std()
	}
	if t.Timeout == 0 {
		t.Timeout = otlpconf.DefaultTimeout
	}

	comp, cvar := pick(own.Compression, s.Shared.Compression)
	switch comp {
	case "", "none":
	case "gzip":
		t.Gzip = true
	default:
		errs = append(errs, varError(cvar+"COMPRESSION", "want gzip or none"))
	}
	return t, errors.Join(errs...)
}

// setEndpoint fills t's Host, Path and Insecure from an endpoint. For HTTP, a shared endpoint is a
// base URL (the signal's path is appended), a signal's own endpoint is complete. For grpc, an
// endpoint without a scheme is host:port and keeps the Insecure setting; http:// means
// without TLS, https:// with.
func setEndpoint(t *otlpconf.Target, endpoint string, sig Signal, own bool) error {
	if t.Protocol == otlpconf.ProtocolGRPC && !strings.Contains(endpoint, "://") {
		if _, _, ok := strings.Cut(endpoint, ":"); !ok {
			return errors.New("want a URL such as http://localhost:4317, or host:port")
		}
		t.Host = endpoint
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return errors.New("want an http:// or https:// URL with a host")
	}
	t.Host = u.Host
	t.Insecure = u.Scheme == "http"
	t.Path = u.Path
	if !own {
		t.Path = strings.TrimSuffix(u.Path, "/") + "/v1/" + string(sig)
	} else if t.Path == "" {
		t.Path = "/"
	}
	return nil
}

// ParseHeaders reads OTEL_EXPORTER_OTLP_HEADERS: comma-separated key=value pairs whose keys and
// values are URL-encoded (percent-decoding is applied). Its error says which pair is malformed
// by position, never by content.
func ParseHeaders(s envconfig.Secret) (map[string]string, error) {
	raw := s.Reveal()
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for i, pair := range strings.Split(raw, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		key, kerr := url.PathUnescape(k)
		val, verr := url.PathUnescape(strings.TrimSpace(v))
		if !ok || key == "" || kerr != nil || verr != nil {
			return nil, errors.New("want key=value pairs separated by commas; pair " + strconv.Itoa(i+1) + " is not one")
		}
		out[key] = val
	}
	return out, nil
}

func varError(name, expected string) error {
	return &envconfig.VarError{Var: name, Kind: envconfig.ErrInvalid, Expected: expected}
}

// fileHost is the host the file exporters' OTLP/HTTP clients "send" to; their transport is a
// file, so it is never resolved.
const fileHost = "file.invalid"

// retryConfig has the fields of the OTLP exporters' RetryConfig types, which convert to it.
type retryConfig struct {
	Enabled         bool
	InitialInterval time.Duration
	MaxInterval     time.Duration
	MaxElapsedTime  time.Duration
}

// retryPolicy retries a failed export with backoff from 1s, for no longer than the export
// timeout: a collector that is down costs one bounded attempt per batch, never an endless
// loop (the exporters' own default retries for a minute).
func retryPolicy(timeout time.Duration) retryConfig {
	return retryConfig{Enabled: true, InitialInterval: time.Second, MaxInterval: 5 * time.Second, MaxElapsedTime: timeout}
}

// Validate checks the settings of every signal. It returns nil or an [*envconfig.Error] listing
// each problem once, as an [*envconfig.VarError] naming the variable: a problem in a shared
// setting is found for every signal and listed once.
func (s OTLPSettings) Validate() error {
	var errs []error
	for _, sig := range []Signal{Traces, Metrics, Logs} {
		if _, err := s.resolve(sig); err != nil {
			errs = append(errs, err)
		}
	}
	return envconfig.Join(errs...)
}
