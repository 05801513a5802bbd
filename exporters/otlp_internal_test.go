package exporters

import (
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

func TestResolveFollowsTheSpecification(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		s    OTLPSettings
		sig  Signal
		want otlpconf.Target
	}{
		{"defaults", OTLPSettings{}, Traces,
			otlpconf.Target{Protocol: otlpconf.ProtocolHTTPProtobuf, Host: "localhost:4318", Path: "/v1/traces", Insecure: true, Timeout: 10 * time.Second}},
		{"grpc default endpoint", OTLPSettings{Shared: OTLPConfig{Protocol: "grpc"}}, Logs,
			otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: "localhost:4317", Path: "/v1/logs", Insecure: true, Timeout: 10 * time.Second}},
		{"shared base gets the signal path", OTLPSettings{Shared: OTLPConfig{Endpoint: "https://col:4318/base/"}}, Metrics,
			otlpconf.Target{Protocol: otlpconf.ProtocolHTTPProtobuf, Host: "col:4318", Path: "/base/v1/metrics", Timeout: 10 * time.Second}},
		{"signal endpoint is used as is, and wins", OTLPSettings{Shared: OTLPConfig{Endpoint: "http://a:1"},
			Logs: OTLPConfig{Endpoint: "http://b:2/custom", Timeout: Duration(time.Second), Compression: "gzip"}}, Logs,
			otlpconf.Target{Protocol: otlpconf.ProtocolHTTPProtobuf, Host: "b:2", Path: "/custom", Insecure: true, Timeout: time.Second, Gzip: true}},
		{"grpc host:port keeps insecure", OTLPSettings{Shared: OTLPConfig{Protocol: "grpc", Endpoint: "col:4317", Insecure: &yes,
			Headers: envconfig.NewSecret("a=b")}}, Traces,
			otlpconf.Target{Protocol: otlpconf.ProtocolGRPC, Host: "col:4317", Insecure: true, Headers: map[string]string{"a": "b"}, Timeout: 10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.resolve(tt.sig)
			if err != nil {
				t.Fatal(err)
			}
			if got.Protocol != tt.want.Protocol || got.Host != tt.want.Host || got.Path != tt.want.Path ||
				got.Insecure != tt.want.Insecure || got.Timeout != tt.want.Timeout || got.Gzip != tt.want.Gzip ||
				len(got.Headers) != len(tt.want.Headers) || got.Headers["a"] != tt.want.Headers["a"] {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
