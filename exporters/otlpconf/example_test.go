package otlpconf_test

import (
	"fmt"

	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// A Target never prints header values.
func ExampleTarget_String() {
	t := otlpconf.Target{
		Protocol: otlpconf.ProtocolHTTPProtobuf,
		Host:     "otlp.example.com:4318",
		Path:     "/v1/logs",
		Headers:  map[string]string{"Authorization": "Bearer s3cr3t"},
		Timeout:  otlpconf.DefaultTimeout,
	}
	fmt.Println(t)
	fmt.Printf("%+v\n", t)
	fmt.Println(t.URL())
	// Output:
	// Target{Protocol:"http/protobuf" Host:"otlp.example.com:4318" Path:"/v1/logs" Insecure:false Headers:[Authorization] Timeout:10s Gzip:false TLSConfig:false}
	// Target{Protocol:"http/protobuf" Host:"otlp.example.com:4318" Path:"/v1/logs" Insecure:false Headers:[Authorization] Timeout:10s Gzip:false TLSConfig:false}
	// https://otlp.example.com:4318/v1/logs
}
