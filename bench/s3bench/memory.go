package s3bench

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
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
// a successful PutObject response, to measure client-side cost alone.
func NewMemoryClient() *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://127.0.0.1:1"),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKBENCH", "secret", ""),
		HTTPClient:   &http.Client{Transport: okTransport{}},
	})
}
