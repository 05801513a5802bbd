package s3

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

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
// EC2 instance role). The defaults are those of the envDefault tags below, and only there: a
// Config built in code starts from [DefaultConfig], which derives from them.
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
	GetConcurrency  int   `env:"OBSKIT_S3_GET_CONCURRENCY" envDefault:"1" desc:"ranged parts of one object read at once by Get, each OBSKIT_S3_PART_SIZE bytes; memory per large Get is about part size × this; 1 reads with a single stream"`
	MaxConns        int   `env:"OBSKIT_S3_MAX_CONNS" envDefault:"256" desc:"idle HTTP connections kept per host; set it to the number of concurrent operations"`

	MaxAttempts int           `env:"OBSKIT_S3_MAX_ATTEMPTS" envDefault:"8" desc:"attempts per request, first try included, before an error is returned"`
	MaxBackoff  time.Duration `env:"OBSKIT_S3_MAX_BACKOFF" envDefault:"20s" desc:"longest wait between two attempts (exponential backoff with full jitter)"`

	DialTimeout           time.Duration `env:"OBSKIT_S3_DIAL_TIMEOUT" envDefault:"5s" desc:"timeout to open a TCP connection"`
	ResponseHeaderTimeout time.Duration `env:"OBSKIT_S3_RESPONSE_HEADER_TIMEOUT" envDefault:"60s" desc:"timeout for the server's response headers once a request is sent; the attempt is then retried"`

	Checksum  string `env:"OBSKIT_S3_CHECKSUM" envDefault:"CRC32C" desc:"checksum sent with every upload and verified by the server: CRC32, CRC32C, SHA1 or SHA256"`
	VerifyGet bool   `env:"OBSKIT_S3_VERIFY_GET" envDefault:"true" desc:"verify the stored checksum of whole objects read with Get"`

	ChecksumWhen string `env:"OBSKIT_S3_CHECKSUM_WHEN" envDefault:"supported" desc:"when requests carry checksums: supported (every upload carries OBSKIT_S3_CHECKSUM and Get verifies) or required (only requests S3 requires one for, such as DeleteObjects; for servers that reject checksums)"`
	CABundle     string `env:"AWS_CA_BUNDLE" desc:"PEM file of the certificate authorities to trust for an https endpoint, instead of the system's; honoured with static keys and with the default credential chain"`

	SSE         string `env:"OBSKIT_S3_SSE" desc:"server-side encryption asked for every object written (Put, Copy): AES256 (SSE-S3), aws:kms or aws:kms:dsse (SSE-KMS); empty: the bucket's default"`
	SSEKMSKeyID string `env:"OBSKIT_S3_SSE_KMS_KEY_ID" desc:"KMS key ID or ARN for OBSKIT_S3_SSE=aws:kms or aws:kms:dsse; empty: the account's AWS managed key"`

	SDKSpans bool `env:"OBSKIT_S3_SDK_SPANS" envDefault:"false" desc:"record the AWS SDK's own spans (one per S3 call and one per attempt) beneath each objstore span; retries are events on the objstore span either way"`
}

// defaults is Config as loaded from an environment that sets only the bucket: every envDefault
// tag applied.
var defaults = sync.OnceValue(func() Config {
	cfg, err := envconfig.Load[Config](envconfig.WithEnvironment(map[string]string{"OBSKIT_S3_BUCKET": "default"}))
	if err != nil {
		panic("objstore/s3: the envDefault tags of Config do not load: " + err.Error())
	}
	return cfg
})

// DefaultConfig returns the configuration with every default applied (the envDefault tags of
// [Config], read through envconfig, so the two cannot disagree), for the given bucket.
func DefaultConfig(bucket string) Config {
	cfg := defaults()
	cfg.Bucket = bucket
	return cfg
}

var checksums = []string{"CRC32", "CRC32C", "SHA1", "SHA256"}

// Validate checks ranges and combinations; envconfig.Load calls it, and so do [New] and
// [NewFromClient]. Its error is an [*envconfig.Error] holding one [*envconfig.VarError] per bad
// variable, as Load's own are: it names the variable and what is expected, never a value.
func (c *Config) Validate() error {
	var errs []error
	bad := func(name, field string, kind error, expected string) {
		errs = append(errs, &envconfig.VarError{Var: name, Field: field, Kind: kind, Expected: expected})
	}
	if c.Bucket == "" {
		bad("OBSKIT_S3_BUCKET", "Bucket", envconfig.ErrNotSet, "set OBSKIT_S3_BUCKET to the name of the bucket")
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("AWS_ENDPOINT_URL_S3", "Endpoint", envconfig.ErrInvalid, "want an http or https URL with a host")
		}
	}
	switch {
	case c.AccessKeyID.IsSet() && !c.SecretAccessKey.IsSet():
		bad("AWS_SECRET_ACCESS_KEY", "SecretAccessKey", envconfig.ErrNotSet, "set it with AWS_ACCESS_KEY_ID, or neither")
	case !c.AccessKeyID.IsSet() && c.SecretAccessKey.IsSet():
		bad("AWS_ACCESS_KEY_ID", "AccessKeyID", envconfig.ErrNotSet, "set it with AWS_SECRET_ACCESS_KEY, or neither")
	}
	if c.PartSize < MinPartSize {
		bad("OBSKIT_S3_PART_SIZE", "PartSize", envconfig.ErrInvalid, "want at least "+strconv.Itoa(MinPartSize)+" bytes")
	}
	atLeastOne := func(name, field string, n int) {
		if n < 1 {
			bad(name, field, envconfig.ErrInvalid, "want at least 1")
		}
	}
	atLeastOne("OBSKIT_S3_PART_CONCURRENCY", "PartConcurrency", c.PartConcurrency)
	atLeastOne("OBSKIT_S3_GET_CONCURRENCY", "GetConcurrency", c.GetConcurrency)
	atLeastOne("OBSKIT_S3_MAX_CONNS", "MaxConns", c.MaxConns)
	atLeastOne("OBSKIT_S3_MAX_ATTEMPTS", "MaxAttempts", c.MaxAttempts)
	positive := func(name, field string, d time.Duration) {
		if d <= 0 {
			bad(name, field, envconfig.ErrInvalid, "want a positive duration")
		}
	}
	positive("OBSKIT_S3_MAX_BACKOFF", "MaxBackoff", c.MaxBackoff)
	positive("OBSKIT_S3_DIAL_TIMEOUT", "DialTimeout", c.DialTimeout)
	positive("OBSKIT_S3_RESPONSE_HEADER_TIMEOUT", "ResponseHeaderTimeout", c.ResponseHeaderTimeout)
	if !validChecksum(c.Checksum) {
		bad("OBSKIT_S3_CHECKSUM", "Checksum", envconfig.ErrInvalid, "want one of "+strings.Join(checksums, ", "))
	}
	if c.ChecksumWhen != ChecksumWhenSupported && c.ChecksumWhen != ChecksumWhenRequired {
		bad("OBSKIT_S3_CHECKSUM_WHEN", "ChecksumWhen", envconfig.ErrInvalid, "want supported or required")
	}
	if c.CABundle != "" {
		if _, err := caPool(c.CABundle); err != nil {
			bad("AWS_CA_BUNDLE", "CABundle", envconfig.ErrInvalid, err.Error())
		}
	}
	switch c.SSE {
	case "", "AES256", "aws:kms", "aws:kms:dsse":
	default:
		bad("OBSKIT_S3_SSE", "SSE", envconfig.ErrInvalid, "want AES256, aws:kms, aws:kms:dsse or empty")
	}
	if c.SSEKMSKeyID != "" && !strings.HasPrefix(c.SSE, "aws:kms") {
		bad("OBSKIT_S3_SSE_KMS_KEY_ID", "SSEKMSKeyID", envconfig.ErrInvalid, "set it only with OBSKIT_S3_SSE=aws:kms or aws:kms:dsse")
	}
	if len(errs) == 0 {
		return nil
	}
	return &envconfig.Error{Errors: errs}
}

func validChecksum(s string) bool {
	for _, c := range checksums {
		if strings.EqualFold(s, c) {
			return true
		}
	}
	return false
}

// The values of OBSKIT_S3_CHECKSUM_WHEN ([Config.ChecksumWhen]).
const (
	// ChecksumWhenSupported: every upload carries a checksum the server verifies, and Get
	// verifies the stored one (OBSKIT_S3_VERIFY_GET).
	ChecksumWhenSupported = "supported"
	// ChecksumWhenRequired: only requests for which S3 requires a checksum carry one (such as
	// DeleteObjects); uploads carry none and Get verifies nothing, for S3-compatible servers
	// that reject the checksum headers. The SDK offers no way to turn the required ones off.
	ChecksumWhenRequired = "required"
)

// caPool reads the PEM file of certificate authorities at path. Its error names the problem,
// not the file's content.
func caPool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("want a readable PEM file (%v)", errors.Unwrap(err))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("want a PEM file holding at least one certificate")
	}
	return pool, nil
}

// tlsConfig returns the TLS configuration of the endpoint's connections: nil (the defaults)
// unless a CA bundle is configured.
func (c *Config) tlsConfig() (*tls.Config, error) {
	if c.CABundle == "" {
		return nil, nil
	}
	pool, err := caPool(c.CABundle)
	if err != nil {
		return nil, fmt.Errorf("objstore/s3: AWS_CA_BUNDLE: %w", err)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// checksumCalculation is the SDK's request checksum setting for c.
func (c *Config) checksumCalculation() aws.RequestChecksumCalculation {
	if c.ChecksumWhen == ChecksumWhenRequired {
		return aws.RequestChecksumCalculationWhenRequired
	}
	return aws.RequestChecksumCalculationWhenSupported
}
