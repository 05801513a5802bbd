package s3bench

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	//lint:ignore SA1019 otelaws is the peer obskit's instrumentation is measured against: deprecated upstream, still widely run.
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/internal/testkit"
)

// NewMemoryClient returns an S3 client whose HTTP transport answers at once, without a network
// (testkit.S3Transport: a PUT succeeds, anything else is NoSuchKey), to measure client-side cost
// alone. optFns configure the client further, as in s3.New.
func NewMemoryClient(optFns ...func(*awss3.Options)) *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://127.0.0.1:1"),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKBENCH", "secret", ""),
		HTTPClient:   &http.Client{Transport: testkit.S3Transport{}},
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
