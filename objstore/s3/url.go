package s3

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore"
)

// Scheme is the URL scheme of S3 buckets: s3://BUCKET?region=…&endpoint=…&path_style=true.
const Scheme = "s3"

// urlParams maps the query parameters of an s3:// URL to the variables they override.
var urlParams = map[string]string{
	"region":           "AWS_REGION",
	"endpoint":         "AWS_ENDPOINT_URL_S3",
	"path_style":       "OBSKIT_S3_PATH_STYLE",
	"part_size":        "OBSKIT_S3_PART_SIZE",
	"part_concurrency": "OBSKIT_S3_PART_CONCURRENCY",
	"get_concurrency":  "OBSKIT_S3_GET_CONCURRENCY",
	"max_conns":        "OBSKIT_S3_MAX_CONNS",
	"max_attempts":     "OBSKIT_S3_MAX_ATTEMPTS",
	"checksum":         "OBSKIT_S3_CHECKSUM",
	"verify_get":       "OBSKIT_S3_VERIFY_GET",
}

// Register registers the s3 scheme in reg, so that reg.Open (or objstore.Open with
// objstore.WithRegistry) opens s3://BUCKET URLs with [New] and opts:
//
//	var reg objstore.Registry
//	s3.Register(&reg, s3.WithTracerProvider(tp))
//	b, err := reg.Open(ctx, "s3://my-bucket?region=eu-west-1")
//
// The URL's host is the bucket. Its query may set region, endpoint, path_style, part_size,
// part_concurrency, get_concurrency, max_conns, max_attempts, checksum and verify_get, which
// override the variables of [Config] (AWS_REGION, AWS_ENDPOINT_URL_S3, OBSKIT_S3_PATH_STYLE,
// …); everything else, credentials included, comes from the process environment (read through
// envconfig.Environ) as for envconfig.Load[Config](). Credentials in the URL are refused. The
// bucket is instrumented as New instruments it, so objstore.Open's WithInstrumentation leaves
// it as it is.
func Register(reg *objstore.Registry, opts ...Option) {
	reg.Register(Scheme, opener(nil, opts))
}

// opener returns the Opener of the s3 scheme, reading environ (nil: the process environment).
func opener(environ map[string]string, opts []Option) objstore.Opener {
	return func(ctx context.Context, u *url.URL) (objstore.Bucket, error) {
		cfg, err := configFromURL(u, environ)
		if err != nil {
			return nil, err
		}
		return New(ctx, cfg, opts...)
	}
}

// configFromURL loads a Config from environ (nil: the process environment) overridden by u.
func configFromURL(u *url.URL, environ map[string]string) (Config, error) {
	if u.User != nil {
		return Config{}, errors.New("objstore/s3: credentials in an s3:// URL are refused; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if u.Host == "" {
		return Config{}, errors.New("objstore/s3: an s3:// URL names its bucket as host: s3://BUCKET")
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, errors.New("objstore/s3: an s3:// URL has no path (prefixes are not supported)")
	}
	var envOpts []envconfig.Option
	if environ != nil {
		envOpts = append(envOpts, envconfig.WithEnvironment(environ))
	}
	env := envconfig.Environ(envOpts...) // a copy, which the URL overrides
	env["OBSKIT_S3_BUCKET"] = u.Host
	q := u.Query()
	var unknown []string
	for name, values := range q {
		v, ok := urlParams[name]
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		env[v] = values[len(values)-1]
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		known := make([]string, 0, len(urlParams))
		for k := range urlParams {
			known = append(known, k)
		}
		slices.Sort(known)
		return Config{}, fmt.Errorf("objstore/s3: unknown s3:// URL parameter %s (known: %s)",
			strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	cfg, err := envconfig.Load[Config](envconfig.WithEnvironment(env))
	if err != nil {
		return Config{}, fmt.Errorf("objstore/s3: %w", err)
	}
	return cfg, nil
}
