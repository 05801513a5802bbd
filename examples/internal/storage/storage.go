package storage

import (
	"context"
	"fmt"
	"net/url"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// Variables that, when either is set, make Open use a configured S3 server instead of the
// embedded one.
const (
	EnvEndpoint = "AWS_ENDPOINT_URL_S3"
	EnvBucket   = "OBSKIT_S3_BUCKET"
)

// Demo credentials for the embedded server, which accepts any signature.
const (
	embeddedAccessKey = "obskit-demo"
	embeddedSecretKey = "obskit-demo-secret"
)

// Store is an example's bucket and, when no S3 server is configured, the embedded server that
// holds it.
type Store struct {
	// Bucket is the instrumented S3 bucket.
	Bucket objstore.Bucket
	// Name is the name of the S3 bucket.
	Name string
	// Embedded is the embedded server, nil when a configured server is used.
	Embedded *Embedded
	// Endpoint is the S3 endpoint URL without user information, "" for AWS's default.
	Endpoint string
}

// Open returns the bucket that environ configures, or one on a new embedded server when neither
// AWS_ENDPOINT_URL_S3 nor OBSKIT_S3_BUCKET is set (see the package documentation).
// defaultBucket is the bucket name used when OBSKIT_S3_BUCKET is not set. opts are passed to
// s3.New (tracer and meter providers, stats). Errors name variables, never secret values.
func Open(ctx context.Context, environ map[string]string, defaultBucket string, opts ...s3.Option) (*Store, error) {
	env := make(map[string]string, len(environ)+4)
	for k, v := range environ {
		env[k] = v
	}
	if env[EnvBucket] == "" {
		env[EnvBucket] = defaultBucket
	}
	st := &Store{}
	if environ[EnvEndpoint] == "" && environ[EnvBucket] == "" {
		srv, err := StartEmbedded(env[EnvBucket])
		if err != nil {
			return nil, err
		}
		st.Embedded = srv
		env[EnvEndpoint] = srv.URL
		env["OBSKIT_S3_PATH_STYLE"] = "true"
		if env["AWS_ACCESS_KEY_ID"] == "" {
			env["AWS_ACCESS_KEY_ID"] = embeddedAccessKey
			env["AWS_SECRET_ACCESS_KEY"] = embeddedSecretKey
		}
	}
	cfg, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(env))
	if err != nil {
		st.closeServer()
		return nil, err
	}
	b, err := s3.New(ctx, cfg, opts...)
	if err != nil {
		st.closeServer()
		return nil, err
	}
	st.Bucket, st.Name = b, cfg.Bucket
	st.Endpoint = redactURL(cfg.Endpoint)
	return st, nil
}

// Describe returns one line saying where the objects go, for a program's output, e.g.
// "embedded S3 server (gofakes3) at http://127.0.0.1:41234, bucket quickstart".
func (s *Store) Describe() string {
	switch {
	case s.Embedded != nil:
		return fmt.Sprintf("embedded S3 server (gofakes3) at %s, bucket %s", s.Endpoint, s.Name)
	case s.Endpoint == "":
		return fmt.Sprintf("AWS S3, bucket %s", s.Name)
	default:
		return fmt.Sprintf("S3 at %s, bucket %s", s.Endpoint, s.Name)
	}
}

// Close closes the bucket, then stops the embedded server if there is one.
func (s *Store) Close() error {
	err := s.Bucket.Close()
	s.closeServer()
	return err
}

func (s *Store) closeServer() {
	if s.Embedded != nil {
		s.Embedded.Close()
	}
}

// redactURL drops user information from an endpoint URL before it is printed.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable endpoint)"
	}
	u.User = nil
	return u.String()
}
