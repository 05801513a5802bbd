package s3bench

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	//lint:ignore SA1019 otelaws is the peer obskit's instrumentation is measured against: deprecated upstream, still widely run.
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"
)

// okTransport answers every request 200 with the headers of a PutObject response, after reading
// the body: the SDK's client-side cost without a network or a server.
type okTransport struct{}

func (okTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Etag":                  {`"9b2cf535f27731c974343645a3985328"`},
			"X-Amz-Request-Id":      {"bench"},
			"X-Amz-Checksum-Crc32c": {"yZRlqg=="},
			"Content-Length":        {"0"},
		},
		Body:    http.NoBody,
		Request: req,
	}, nil
}

// NewMemoryClient returns an S3 client whose HTTP transport answers every request at once with
// a successful PutObject response, to measure client-side cost alone. optFns configure the
// client further, as in s3.New.
func NewMemoryClient(optFns ...func(*awss3.Options)) *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://127.0.0.1:1"),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKBENCH", "secret", ""),
		HTTPClient:   &http.Client{Transport: okTransport{}},
	}, optFns...)
}

// NewOtelawsMemoryClient returns NewMemoryClient's client instrumented by otelaws, the
// OpenTelemetry contrib instrumentation for aws-sdk-go-v2 (deprecated upstream in favour of the
// SDK's own tracing, and still what many services run): one span per call, started on tp. It is
// the peer obskit's instrumentation overhead is compared with.
func NewOtelawsMemoryClient(tp trace.TracerProvider) *awss3.Client {
	return NewMemoryClient(func(o *awss3.Options) {
		otelaws.AppendMiddlewares(&o.APIOptions, otelaws.WithTracerProvider(tp))
	})
}
