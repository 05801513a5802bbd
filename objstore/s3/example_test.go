package s3_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// fakeS3 starts an in-process S3 server on 127.0.0.1 holding an empty bucket "example".
func fakeS3() (endpoint string, stop func()) {
	backend := s3mem.New()
	if err := backend.CreateBucket("example"); err != nil {
		panic(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithLogger(gofakes3.DiscardLog())).Server())
	return srv.URL, srv.Close
}

// A caller that builds its own client wraps it with NewFromClient.
func ExampleNewFromClient() {
	endpoint, stop := fakeS3()
	defer stop()

	client := awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("AKEXAMPLE", "secret", ""),
	})
	bucket, err := s3.NewFromClient(client, s3.DefaultConfig("example"), s3.WithInstrumentation(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bucket.Close()
	ctx := context.Background()

	for _, key := range []string{"logs/b.txt", "logs/a.txt", "other.txt"} {
		body := "content of " + key
		if err := bucket.Put(ctx, key, strings.NewReader(body), int64(len(body))); err != nil {
			fmt.Println(err)
			return
		}
	}
	for info, err := range bucket.List(ctx, "logs/") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(info.Key, info.Size)
	}

	rc, err := bucket.Get(ctx, "logs/a.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(string(b))

	_, err = bucket.Get(ctx, "logs/missing.txt")
	fmt.Println(objstore.IsNotFound(err))

	var sdk *awss3.Client
	fmt.Println(objstore.As(bucket, &sdk))
	// Output:
	// logs/a.txt 21
	// logs/b.txt 21
	// content of logs/a.txt
	// true
	// true
}

// The configuration comes from the environment; here from a map, as tests do.
func ExampleConfig() {
	cfg, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(map[string]string{
		"OBSKIT_S3_BUCKET":      "reports",
		"AWS_REGION":            "eu-west-1",
		"AWS_ACCESS_KEY_ID":     "AKIDEXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
		"OBSKIT_S3_PART_SIZE":   "16777216",
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Bucket, cfg.Region, cfg.PartSize, cfg.MaxAttempts, cfg.Checksum)
	fmt.Printf("%v %+v\n", cfg.SecretAccessKey, cfg.AccessKeyID)

	_, err = envconfig.Load[s3.Config](envconfig.WithEnvironment(map[string]string{
		"OBSKIT_S3_BUCKET":    "reports",
		"OBSKIT_S3_PART_SIZE": "1024",
	}))
	var cerr *envconfig.Error
	fmt.Println(errors.As(err, &cerr))
	// Output:
	// reports eu-west-1 16777216 8 CRC32C
	// [REDACTED] [REDACTED]
	// true
}

// Register lets a service pick its bucket with one URL; credentials come from the environment.
func ExampleRegister() {
	var reg objstore.Registry
	s3.Register(&reg)
	fmt.Println(reg.Schemes())

	// In a service: reg.Open(ctx, os.Getenv("OBJSTORE_URL")) with, for example,
	// OBJSTORE_URL=s3://reports?region=eu-west-1 or
	// OBJSTORE_URL=s3://reports?endpoint=http://127.0.0.1:9000&path_style=true
	// Output:
	// [s3]
}

// A presigned URL lets a client without credentials read (or write) one object for a while.
// The provider is reached through the instrumentation with objstore.As.
func ExampleBucket_PresignGet() {
	endpoint, stop := fakeS3()
	defer stop()
	cfg := s3.DefaultConfig("example")
	cfg.Endpoint, cfg.PathStyle = endpoint, true
	cfg.AccessKeyID, cfg.SecretAccessKey = envconfig.NewSecret("AKEXAMPLE"), envconfig.NewSecret("secret")
	bucket, err := s3.New(context.Background(), cfg, s3.WithInstrumentation(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bucket.Close()
	ctx := context.Background()
	_ = bucket.Put(ctx, "shared/report.txt", strings.NewReader("quarterly"), 9)

	var sb *s3.Bucket
	if !objstore.As(bucket, &sb) {
		return
	}
	url, err := sb.PresignGet(ctx, "shared/report.txt", 15*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.Get(url) // no credentials: the signature is in the URL
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 quarterly
}
