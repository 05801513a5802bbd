package exporters

import (
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

func TestResolveFollowsTheSpecification(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		s    OTLPSettings
		sig  Signal
		want otlpTarget
	}{
		{"defaults", OTLPSettings{}, Traces,
			otlpTarget{protocol: ProtocolHTTPProtobuf, host: "localhost:4318", path: "/v1/traces", insecure: true, timeout: 10 * time.Second}},
		{"grpc default endpoint", OTLPSettings{Shared: OTLPConfig{Protocol: "grpc"}}, Logs,
			otlpTarget{protocol: ProtocolGRPC, host: "localhost:4317", path: "/v1/logs", insecure: true, timeout: 10 * time.Second}},
		{"shared base gets the signal path", OTLPSettings{Shared: OTLPConfig{Endpoint: "https://col:4318/base/"}}, Metrics,
			otlpTarget{protocol: ProtocolHTTPProtobuf, host: "col:4318", path: "/base/v1/metrics", timeout: 10 * time.Second}},
		{"signal endpoint is used as is, and wins", OTLPSettings{Shared: OTLPConfig{Endpoint: "http://a:1"},
			Logs: OTLPConfig{Endpoint: "http://b:2/custom", Timeout: Duration(time.Second), Compression: "gzip"}}, Logs,
			otlpTarget{protocol: ProtocolHTTPProtobuf, host: "b:2", path: "/custom", insecure: true, timeout: time.Second, compression: true}},
		{"grpc host:port keeps insecure", OTLPSettings{Shared: OTLPConfig{Protocol: "grpc", Endpoint: "col:4317", Insecure: &yes,
			Headers: envconfig.NewSecret("a=b")}}, Traces,
			otlpTarget{protocol: ProtocolGRPC, host: "col:4317", insecure: true, headers: map[string]string{"a": "b"}, timeout: 10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.resolve(tt.sig)
			if err != nil {
				t.Fatal(err)
			}
			if got.protocol != tt.want.protocol || got.host != tt.want.host || got.path != tt.want.path ||
				got.insecure != tt.want.insecure || got.timeout != tt.want.timeout || got.compression != tt.want.compression ||
				len(got.headers) != len(tt.want.headers) || got.headers["a"] != tt.want.headers["a"] {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
