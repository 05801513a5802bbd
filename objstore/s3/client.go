package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/tracing"

	"github.com/esper-platform/obskit/objstore"
)

// retryBaseDelay is the first backoff step for errors other than throttling (for which the SDK
// starts at 1s). With full jitter and 8 attempts a request keeps trying for about 6 s on
// average, long enough to ride out a server restart.
const retryBaseDelay = 100 * time.Millisecond

// New builds an S3 client from cfg and returns the bucket cfg.Bucket names: a [*Bucket]
// decorated by objstore.Instrument, or the bare *Bucket with [WithInstrumentation](false). It
// sends no request: a wrong endpoint or credentials show up at the first operation.
//
// The client retries every request up to cfg.MaxAttempts times with exponential backoff and full
// jitter on 5xx answers, throttling (SlowDown), connection resets, refused connections and
// timeouts, without the SDK's client-side retry quota (which at its default of 500 tokens fails
// bursts of concurrent uploads with "retry quota exceeded"); its HTTP transport keeps
// cfg.MaxConns idle connections per host.
func New(ctx context.Context, cfg Config, opts ...Option) (objstore.Bucket, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("objstore/s3: invalid configuration: %w", err)
	}
	o := newOptions(opts)
	tlsConfig, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	httpClient := awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = cfg.DialTimeout }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns = max(cfg.MaxConns, 100)
			tr.MaxIdleConnsPerHost = cfg.MaxConns
			tr.ResponseHeaderTimeout = cfg.ResponseHeaderTimeout
			if tlsConfig != nil {
				tr.TLSClientConfig = tlsConfig // AWS_CA_BUNDLE, with static keys too
			}
		})
	awsCfg, err := loadAWSConfig(ctx, cfg, httpClient)
	if err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(awsCfg, func(so *s3.Options) {
		so.UsePathStyle = cfg.PathStyle
		if cfg.Endpoint != "" {
			so.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		so.RequestChecksumCalculation = cfg.checksumCalculation()
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		so.DisableLogOutputChecksumValidationSkipped = true
		instrumentClient(so, o, cfg)
	})
	return newBucket(client, cfg, o, func() { httpClient.GetTransport().CloseIdleConnections() }), nil
}

// NewFromClient returns the bucket cfg.Bucket names with its requests sent through client, for
// callers who build their own *s3.Client; like [New], it is decorated by objstore.Instrument
// unless [WithInstrumentation](false) is given. Start cfg from [DefaultConfig]: NewFromClient
// uses its Bucket, PartSize, PartConcurrency, GetConcurrency, Checksum, ChecksumWhen, VerifyGet,
// SSE, SSEKMSKeyID and SDKSpans, and validates
// it whole; the connection, credential and retry settings are the client's, used as
// configured. NewFromClient derives from client one that also records the SDK's spans (when
// on), reports attempts to the instrumentation and records retries as span events. Prefer New,
// whose retry and connection settings are sized for concurrency.
func NewFromClient(client *s3.Client, cfg Config, opts ...Option) (objstore.Bucket, error) {
	if client == nil {
		return nil, errors.New("objstore/s3: NewFromClient: nil client")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("objstore/s3: invalid configuration: %w", err)
	}
	o := newOptions(opts)
	derived := s3.New(client.Options(), func(so *s3.Options) {
		if cfg.ChecksumWhen == ChecksumWhenRequired {
			so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		}
		instrumentClient(so, o, cfg)
	})
	return newBucket(derived, cfg, o, nil), nil
}

// loadAWSConfig returns the SDK configuration for cfg. With static credentials it is built
// entirely from cfg; without, the SDK's default chain (shared files, web identity, container and
// instance roles) provides the credentials.
func loadAWSConfig(ctx context.Context, cfg Config, httpClient aws.HTTPClient) (aws.Config, error) {
	retryer := func() aws.Retryer { return newRetryer(cfg.MaxAttempts, cfg.MaxBackoff) }
	if cfg.AccessKeyID.IsSet() {
		return aws.Config{
			Region: cfg.Region,
			Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
				cfg.AccessKeyID.Reveal(), cfg.SecretAccessKey.Reveal(), cfg.SessionToken.Reveal())),
			HTTPClient:       httpClient,
			Retryer:          retryer,
			RetryMaxAttempts: cfg.MaxAttempts,
		}, nil
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRegion(cfg.Region),
		awsconfig.WithHTTPClient(httpClient),
		awsconfig.WithRetryer(retryer),
	)
	if err != nil {
		// The SDK's message names files and profiles, never secrets.
		return aws.Config{}, fmt.Errorf("objstore/s3: loading the AWS default configuration: %w", err)
	}
	return awsCfg, nil
}

// newRetryer is the SDK's standard retryer with bounded attempts, exponential backoff with full
// jitter, no client-side retry quota, and a few more transient errors counted as retryable.
func newRetryer(maxAttempts int, maxBackoff time.Duration) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = maxAttempts
		so.MaxBackoff = maxBackoff
		so.BaseDelay = retryBaseDelay
		so.RateLimiter = ratelimit.None
		so.Retryables = append(so.Retryables, retry.IsErrorRetryableFunc(transientNetworkError))
	})
}

// transientNetworkError catches what the SDK's checks leave undecided: a connection cut while
// the request or response body was in flight.
func transientNetworkError(err error) aws.Ternary {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, net.ErrClosed):
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}

// instrumentClient sets the SDK's tracer (so its spans nest under the objstore.* span) when SDK
// spans are on, and the retryer wrapper that reports each attempt and retry to objstore, records
// each retry as an event on the objstore.* span and notes ambiguous writes.
func instrumentClient(so *s3.Options, o options, cfg Config) {
	sdkSpans := cfg.SDKSpans
	if o.sdkSpans != nil {
		sdkSpans = *o.sdkSpans
	}
	if o.instrument && sdkSpans {
		so.TracerProvider = sdkTracerProvider(o.tracerProvider)
		so.APIOptions = append(so.APIOptions, addSemconvMiddleware)
	} else {
		so.TracerProvider = &tracing.NopTracerProvider{}
	}
	if so.Retryer != nil {
		// Attempts, retries and retry events for the instrumentation (no-ops without it), and
		// ambiguous writes (outcome.go).
		so.Retryer = &retryEvents{Retryer: so.Retryer}
	}
}
