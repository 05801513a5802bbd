package s3_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// versityConfig returns a Config for srv, with the defaults and overrides applied.
func versityConfig(srv *testserver.S3Server, endpoint string) s3.Config {
	cfg := s3.DefaultConfig(srv.Bucket)
	cfg.Region = srv.Region
	cfg.Endpoint = endpoint
	cfg.PathStyle = true
	cfg.AccessKeyID = envconfig.NewSecret(srv.AccessKey)
	cfg.SecretAccessKey = envconfig.NewSecret(srv.SecretKey)
	return cfg
}

// openVersity returns a Bucket on srv (through endpoint when not empty), closed by a cleanup.
func openVersity(t testing.TB, srv *testserver.S3Server, endpoint string, opts ...s3.Option) objstore.Bucket {
	t.Helper()
	if endpoint == "" {
		endpoint = srv.Endpoint
	}
	return openConfig(t, versityConfig(srv, endpoint), opts...)
}

// openConfig returns the Bucket of cfg, closed by a cleanup.
func openConfig(t testing.TB, cfg s3.Config, opts ...s3.Option) objstore.Bucket {
	t.Helper()
	b, err := s3.New(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// sdkClient returns the SDK client behind b.
func sdkClient(t testing.TB, b objstore.Bucket) *awss3.Client {
	t.Helper()
	var client *awss3.Client
	if !objstore.As(b, &client) {
		t.Fatalf("objstore.As(%T, **s3.Client) = false", b)
	}
	return client
}

// memClient returns an S3 client answered in memory by testkit.S3Transport (PUT succeeds,
// everything else is NoSuchKey), configured further by configure.
func memClient(configure ...func(*awss3.Options)) *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://127.0.0.1:1"),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKTEST", "secret", ""),
		HTTPClient:   &http.Client{Transport: testkit.S3Transport{}},
	}, configure...)
}

// randomBytes returns n bytes from rng.
func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for j := 0; j < n; j += 8 {
		v := rng.Uint64()
		for k := 0; k < 8 && j+k < n; k++ {
			b[j+k] = byte(v >> (8 * k))
		}
	}
	return b
}
