package s3

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

// MinPartSize is the smallest part S3 accepts in a multipart upload (except the last part).
const MinPartSize = 5 << 20

// Config is the configuration of [New], loaded from the environment with envconfig.Load:
//
//	cfg, err := envconfig.Load[s3.Config]()
//
// The AWS variables keep their AWS names (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, …)
// so a deployment that already sets them needs nothing more than OBSKIT_S3_BUCKET. When no access
// key is given, the SDK's default credential chain is used (shared config, web identity, ECS,
// EC2 instance role). The zero Config, apart from Bucket, has the documented defaults once loaded;
// a Config built in code must set the fields it needs ([DefaultConfig] fills the defaults).
type Config struct {
	Bucket   string `env:"OBSKIT_S3_BUCKET,required" desc:"name of the S3 bucket to store objects in"`
	Region   string `env:"AWS_REGION" envDefault:"us-east-1" desc:"AWS region of the bucket"`
	Endpoint string `env:"AWS_ENDPOINT_URL_S3" desc:"S3 endpoint URL for S3-compatible servers (e.g. http://127.0.0.1:7070); empty: AWS"`

	AccessKeyID     envconfig.Secret `env:"AWS_ACCESS_KEY_ID" desc:"access key ID; empty: the SDK's default credential chain"`
	SecretAccessKey envconfig.Secret `env:"AWS_SECRET_ACCESS_KEY" desc:"secret access key, given with AWS_ACCESS_KEY_ID"`
	SessionToken    envconfig.Secret `env:"AWS_SESSION_TOKEN" desc:"session token of temporary credentials"`

	PathStyle       bool  `env:"OBSKIT_S3_PATH_STYLE" envDefault:"false" desc:"address buckets as endpoint/bucket instead of bucket.endpoint (most S3-compatible servers need true)"`
	PartSize        int64 `env:"OBSKIT_S3_PART_SIZE" envDefault:"8388608" desc:"multipart part size in bytes (at least 5242880); larger objects are uploaded in parts"`
	PartConcurrency int   `env:"OBSKIT_S3_PART_CONCURRENCY" envDefault:"5" desc:"parts of one object uploaded at once; memory per large Put is about part size × (this + 1)"`
	MaxConns        int   `env:"OBSKIT_S3_MAX_CONNS" envDefault:"256" desc:"idle HTTP connections kept per host; set it to the number of concurrent operations"`

	MaxAttempts int           `env:"OBSKIT_S3_MAX_ATTEMPTS" envDefault:"8" desc:"attempts per request, first try included, before an error is returned"`
	MaxBackoff  time.Duration `env:"OBSKIT_S3_MAX_BACKOFF" envDefault:"20s" desc:"longest wait between two attempts (exponential backoff with full jitter)"`

	DialTimeout           time.Duration `env:"OBSKIT_S3_DIAL_TIMEOUT" envDefault:"5s" desc:"timeout to open a TCP connection"`
	ResponseHeaderTimeout time.Duration `env:"OBSKIT_S3_RESPONSE_HEADER_TIMEOUT" envDefault:"60s" desc:"timeout for the server's response headers once a request is sent; the attempt is then retried"`

	Checksum  string `env:"OBSKIT_S3_CHECKSUM" envDefault:"CRC32C" desc:"checksum sent with every upload and verified by the server: CRC32, CRC32C, SHA1 or SHA256"`
	VerifyGet bool   `env:"OBSKIT_S3_VERIFY_GET" envDefault:"true" desc:"verify the stored checksum of whole objects read with Get"`
}

// DefaultConfig returns the configuration with every default applied, for the given bucket.
func DefaultConfig(bucket string) Config {
	return Config{
		Bucket:                bucket,
		Region:                "us-east-1",
		PartSize:              8 << 20,
		PartConcurrency:       5,
		MaxConns:              256,
		MaxAttempts:           8,
		MaxBackoff:            20 * time.Second,
		DialTimeout:           5 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		Checksum:              "CRC32C",
		VerifyGet:             true,
	}
}

var checksums = []string{"CRC32", "CRC32C", "SHA1", "SHA256"}

// Validate checks ranges and combinations; envconfig.Load calls it. The error names fields and
// variables, never a value of a secret.
func (c *Config) Validate() error {
	var errs []error
	if c.Bucket == "" {
		errs = append(errs, errors.New("OBSKIT_S3_BUCKET: a bucket name is required"))
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("AWS_ENDPOINT_URL_S3: want an http or https URL with a host"))
		}
	}
	if c.AccessKeyID.IsSet() != c.SecretAccessKey.IsSet() {
		errs = append(errs, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both or neither"))
	}
	if c.PartSize < MinPartSize {
		errs = append(errs, fmt.Errorf("OBSKIT_S3_PART_SIZE: want at least %d bytes", MinPartSize))
	}
	if c.PartConcurrency < 1 {
		errs = append(errs, errors.New("OBSKIT_S3_PART_CONCURRENCY: want at least 1"))
	}
	if c.MaxConns < 1 {
		errs = append(errs, errors.New("OBSKIT_S3_MAX_CONNS: want at least 1"))
	}
	if c.MaxAttempts < 1 {
		errs = append(errs, errors.New("OBSKIT_S3_MAX_ATTEMPTS: want at least 1"))
	}
	if c.MaxBackoff <= 0 || c.DialTimeout <= 0 || c.ResponseHeaderTimeout <= 0 {
		errs = append(errs, errors.New("OBSKIT_S3_MAX_BACKOFF, OBSKIT_S3_DIAL_TIMEOUT, OBSKIT_S3_RESPONSE_HEADER_TIMEOUT: want positive durations"))
	}
	if !validChecksum(c.Checksum) {
		errs = append(errs, fmt.Errorf("OBSKIT_S3_CHECKSUM: want one of %s", strings.Join(checksums, ", ")))
	}
	return errors.Join(errs...)
}

func validChecksum(s string) bool {
	for _, c := range checksums {
		if strings.EqualFold(s, c) {
			return true
		}
	}
	return false
}
