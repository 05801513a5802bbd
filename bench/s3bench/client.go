package s3bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	gokitlog "github.com/go-kit/log"
	thanoss3 "github.com/thanos-io/objstore/providers/s3"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"gocloud.dev/blob"
	"gocloud.dev/blob/s3blob"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters/spanbatch"
	"github.com/esper-platform/obskit/objstore"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// Names of the libraries compared, as they appear in benchmark names and reports.
const (
	SDKPutObject       = "aws-sdk-putobject"
	SDKTransferManager = "aws-sdk-transfermanager"
	Thanos             = "thanos-objstore"
	GoCloud            = "gocloud-s3blob"
	Obskit             = "obskit"
)

// Names lists every library Open knows, the bare SDK first.
func Names() []string { return []string{SDKPutObject, SDKTransferManager, Thanos, GoCloud, Obskit} }

// Server is an S3 endpoint with path-style addressing and static credentials.
type Server struct {
	// Endpoint is the base URL, e.g. "http://127.0.0.1:7070".
	Endpoint  string
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
}

// Client is one library's upload path.
type Client struct {
	// Name is one of the names above.
	Name string
	// Put stores data under key. It is safe for concurrent use.
	Put func(ctx context.Context, key string, data []byte) error
	// Retries returns the retries the client made so far (attempts after the first).
	Retries func() int64

	close func() error
}

// Close releases the client.
func (c *Client) Close() error {
	if c.close == nil {
		return nil
	}
	return c.close()
}

// Options adjust Open for the fault scenarios.
type Options struct {
	// PartSize, when above 0, is the multipart part size of the transfer manager and of obskit.
	PartSize int64
}

// retryCounter is the SDK's standard retryer counting the retry delays it gives: one per retry
// made (a retry refused by the retry quota asks for no delay).
type retryCounter struct {
	aws.RetryerV2
	n *atomic.Int64
}

// RetryDelay counts one retry and returns the standard retryer's delay.
func (r retryCounter) RetryDelay(attempt int, err error) (time.Duration, error) {
	r.n.Add(1)
	return r.RetryerV2.RetryDelay(attempt, err)
}

// sdkClient returns a bare S3 client for srv with the SDK's default retryer and HTTP client,
// counting retries into n.
func sdkClient(srv Server, n *atomic.Int64) *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       srv.Region,
		BaseEndpoint: aws.String(srv.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		Retryer:      retryCounter{RetryerV2: retry.NewStandard(), n: n},
	})
}

// Open returns the named library's client putting into srv.
func Open(ctx context.Context, name string, srv Server, opts Options) (*Client, error) {
	var retries atomic.Int64
	count := func() int64 { return retries.Load() }
	switch name {
	case SDKPutObject:
		c := sdkClient(srv, &retries)
		return &Client{Name: name, Retries: count, Put: func(ctx context.Context, key string, data []byte) error {
			_, err := c.PutObject(ctx, &awss3.PutObjectInput{
				Bucket: aws.String(srv.Bucket), Key: aws.String(key),
				Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
				ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
			})
			return err
		}}, nil
	case SDKTransferManager:
		tm := transfermanager.New(sdkClient(srv, &retries), func(o *transfermanager.Options) {
			o.ChecksumAlgorithm = tmtypes.ChecksumAlgorithmCrc32c
			if opts.PartSize > 0 {
				o.PartSizeBytes = opts.PartSize
				o.MultipartUploadThreshold = opts.PartSize
			}
		})
		return &Client{Name: name, Retries: count, Put: func(ctx context.Context, key string, data []byte) error {
			_, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
				Bucket: aws.String(srv.Bucket), Key: aws.String(key), Body: bytes.NewReader(data),
			})
			return err
		}}, nil
	case Thanos:
		cfg := thanoss3.DefaultConfig
		cfg.Bucket = srv.Bucket
		cfg.Endpoint = strings.TrimPrefix(strings.TrimPrefix(srv.Endpoint, "http://"), "https://")
		cfg.Insecure = strings.HasPrefix(srv.Endpoint, "http://")
		cfg.Region = srv.Region
		cfg.AccessKey = srv.AccessKey
		cfg.SecretKey = srv.SecretKey
		cfg.BucketLookupType = thanoss3.PathLookup
		bk, err := thanoss3.NewBucketWithConfig(gokitlog.NewNopLogger(), cfg, "obskit-bench", nil)
		if err != nil {
			return nil, fmt.Errorf("thanos s3: %w", err)
		}
		return &Client{Name: name, Retries: noRetryCount, close: bk.Close,
			Put: func(ctx context.Context, key string, data []byte) error {
				return bk.Upload(ctx, key, bytes.NewReader(data))
			}}, nil
	case GoCloud:
		bk, err := s3blob.OpenBucket(ctx, sdkClient(srv, &retries), srv.Bucket, nil)
		if err != nil {
			return nil, fmt.Errorf("gocloud s3blob: %w", err)
		}
		wo := &blob.WriterOptions{ContentType: "application/octet-stream"}
		return &Client{Name: name, Retries: count, close: bk.Close,
			Put: func(ctx context.Context, key string, data []byte) error {
				return bk.Upload(ctx, key, bytes.NewReader(data), wo)
			}}, nil
	case Obskit:
		return openObskit(ctx, srv, opts)
	}
	return nil, fmt.Errorf("s3bench: no library named %q", name)
}

func noRetryCount() int64 { return -1 }

// discardSpans drops spans, so that obskit pays for recording and batching only.
type discardSpans struct{}

func (discardSpans) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardSpans) Shutdown(context.Context) error                             { return nil }

// ObskitConfig returns the objstore/s3 configuration for srv with obskit's defaults.
func ObskitConfig(srv Server) obskits3.Config {
	cfg := obskits3.DefaultConfig(srv.Bucket)
	cfg.Region = srv.Region
	cfg.Endpoint = srv.Endpoint
	cfg.PathStyle = true
	cfg.AccessKeyID = envconfig.NewSecret(srv.AccessKey)
	cfg.SecretAccessKey = envconfig.NewSecret(srv.SecretKey)
	return cfg
}

// ObskitProviders returns the tracer and meter providers obskit runs with, as telemetry.Setup
// builds them: spans batched by exporters/spanbatch (to an exporter that drops them), metrics
// through a MeterProvider read by the returned manual reader. Shut both providers down.
func ObskitProviders() (*sdktrace.TracerProvider, *sdkmetric.MeterProvider, *sdkmetric.ManualReader, error) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	bsp, err := spanbatch.New(discardSpans{}, spanbatch.WithMeterProvider(mp))
	if err != nil {
		return nil, nil, nil, errors.Join(err, mp.Shutdown(context.Background()))
	}
	return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(bsp)), mp, reader, nil
}

func openObskit(ctx context.Context, srv Server, opts Options) (*Client, error) {
	tp, mp, reader, err := ObskitProviders()
	if err != nil {
		return nil, err
	}
	cfg := ObskitConfig(srv)
	if opts.PartSize > 0 {
		cfg.PartSize = opts.PartSize
	}
	bk, err := obskits3.New(ctx, cfg, obskits3.WithTracerProvider(tp), obskits3.WithMeterProvider(mp))
	if err != nil {
		return nil, errors.Join(err, tp.Shutdown(ctx), mp.Shutdown(ctx))
	}
	return &Client{
		Name: Obskit,
		Put: func(ctx context.Context, key string, data []byte) error {
			return bk.Put(ctx, key, bytes.NewReader(data), int64(len(data)))
		},
		Retries: func() int64 { return sumCounter(reader, objstore.MetricRetries) },
		close: func() error {
			ctx := context.Background()
			return errors.Join(bk.Close(), tp.Shutdown(ctx), mp.Shutdown(ctx))
		},
	}, nil
}

// sumCounter returns the sum of the data points of the named int64 counter (-1 if unreadable).
func sumCounter(reader sdkmetric.Reader, name string) int64 {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		return -1
	}
	var total int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if s, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == name {
				for _, dp := range s.DataPoints {
					total += dp.Value
				}
			}
		}
	}
	return total
}
