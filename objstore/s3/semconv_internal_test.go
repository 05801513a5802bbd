package s3

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/testkit"
)

// TestSemconvAttributes: the SDK's call spans carry the semantic conventions' AWS SDK
// attributes of their input and response.
func TestSemconvAttributes(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(context.Background())
	client := s3.New(s3.Options{
		Region:         "eu-west-3",
		BaseEndpoint:   aws.String("http://127.0.0.1:1"),
		UsePathStyle:   true,
		Credentials:    credentials.NewStaticCredentialsProvider("AKTEST", "secret", ""),
		HTTPClient:     &http.Client{Transport: testkit.S3Transport{}},
		TracerProvider: sdkTracerProvider(tp),
		APIOptions:     []func(*middleware.Stack) error{addSemconvMiddleware},
	})
	ctx := context.Background()
	_, _ = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("a/k"), Body: strings.NewReader("x")})
	_, _ = client.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("bkt"), Key: aws.String("dst"),
		UploadId: aws.String("up-1"), PartNumber: aws.Int32(3), CopySource: aws.String("bkt/src")})
	keys := make([]types.ObjectIdentifier, 200)
	for i := range keys {
		keys[i] = types.ObjectIdentifier{Key: aws.String("some/long/key/name/" + strings.Repeat("x", 10))}
	}
	_, _ = client.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("bkt"), Delete: &types.Delete{Objects: keys, Quiet: aws.Bool(true)}})

	byName := map[string]map[attribute.Key]attribute.Value{}
	for _, s := range exp.GetSpans() {
		m := map[attribute.Key]attribute.Value{}
		for _, kv := range s.Attributes {
			m[kv.Key] = kv.Value
		}
		byName[s.Name] = m
	}
	want := map[string]map[attribute.Key]string{
		"S3.PutObject": {"rpc.method": "S3/PutObject", "cloud.region": "eu-west-3", "aws.s3.bucket": "bkt",
			"aws.s3.key": "a/k", "aws.request_id": "testkit-s3"},
		"S3.UploadPartCopy": {"rpc.method": "S3/UploadPartCopy", "aws.s3.key": "dst", "aws.s3.upload_id": "up-1",
			"aws.s3.copy_source": "bkt/src", "aws.s3.part_number": "3"},
		"S3.DeleteObjects": {"rpc.method": "S3/DeleteObjects", "aws.s3.bucket": "bkt"},
	}
	for name, attrs := range want {
		got, ok := byName[name]
		if !ok {
			t.Errorf("no %s span (spans: %v)", name, byName)
			continue
		}
		for k, v := range attrs {
			if got[k].String() != v {
				t.Errorf("%s: %s = %q, want %q", name, k, got[k].String(), v)
			}
		}
	}
	del := byName["S3.DeleteObjects"]["aws.s3.delete"].AsString()
	if !strings.HasPrefix(del, "Objects=[{Key=some/long/key/name/") || len(del) > maxDeleteAttr+len("…") {
		t.Errorf("aws.s3.delete = %q (%d bytes), want the Delete container cut at %d bytes", del, len(del), maxDeleteAttr)
	}
}
