package s3_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testserver"
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
func openVersity(t testing.TB, srv *testserver.S3Server, endpoint string, opts ...s3.Option) *s3.Bucket {
	t.Helper()
	if endpoint == "" {
		endpoint = srv.Endpoint
	}
	b, err := s3.New(context.Background(), versityConfig(srv, endpoint), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
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
