package s3_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore/s3"
)

// TestConfigDefaults checks that DefaultConfig is what loading gives when only the bucket is
// set, that it is valid, and that its values are those the package documentation states.
func TestConfigDefaults(t *testing.T) {
	cfg, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(map[string]string{"OBSKIT_S3_BUCKET": "b"}))
	if err != nil {
		t.Fatal(err)
	}
	def := s3.DefaultConfig("b")
	if cfg != def {
		t.Errorf("loaded defaults %+v\nDefaultConfig      %+v", cfg, def)
	}
	if err := def.Validate(); err != nil {
		t.Errorf("DefaultConfig is invalid: %v", err)
	}
	documented := s3.Config{Bucket: "b", Region: "us-east-1", PartSize: 8 << 20, PartConcurrency: 5,
		GetConcurrency: 1, MaxConns: 256, MaxAttempts: 8, MaxBackoff: 20 * time.Second, DialTimeout: 5 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second, Checksum: "CRC32C", VerifyGet: true,
		ChecksumWhen: "supported"}
	if def != documented {
		t.Errorf("DefaultConfig %+v\ndocumented    %+v", def, documented)
	}
}

func TestConfigInvalid(t *testing.T) {
	const secret = "wJalrXUtnFEMI-very-secret"
	tests := []struct {
		name string
		env  map[string]string
		want string // a variable named in the error
	}{
		{"no bucket", map[string]string{}, "OBSKIT_S3_BUCKET"},
		{"small part", map[string]string{"OBSKIT_S3_PART_SIZE": "1000"}, "OBSKIT_S3_PART_SIZE"},
		{"zero attempts", map[string]string{"OBSKIT_S3_MAX_ATTEMPTS": "0"}, "OBSKIT_S3_MAX_ATTEMPTS"},
		{"bad checksum", map[string]string{"OBSKIT_S3_CHECKSUM": "MD5"}, "OBSKIT_S3_CHECKSUM"},
		{"bad endpoint", map[string]string{"AWS_ENDPOINT_URL_S3": "127.0.0.1:9000"}, "AWS_ENDPOINT_URL_S3"},
		{"secret without key", map[string]string{"AWS_SECRET_ACCESS_KEY": secret}, "AWS_ACCESS_KEY_ID"},
		{"zero concurrency", map[string]string{"OBSKIT_S3_PART_CONCURRENCY": "0"}, "OBSKIT_S3_PART_CONCURRENCY"},
		{"zero get concurrency", map[string]string{"OBSKIT_S3_GET_CONCURRENCY": "0"}, "OBSKIT_S3_GET_CONCURRENCY"},
		{"bad duration", map[string]string{"OBSKIT_S3_MAX_BACKOFF": "soon"}, "OBSKIT_S3_MAX_BACKOFF"},
		{"bad checksum when", map[string]string{"OBSKIT_S3_CHECKSUM_WHEN": "never"}, "OBSKIT_S3_CHECKSUM_WHEN"},
		{"missing CA bundle", map[string]string{"AWS_CA_BUNDLE": "/nonexistent/ca.pem"}, "AWS_CA_BUNDLE"},
		{"bad SSE", map[string]string{"OBSKIT_S3_SSE": "rot13"}, "OBSKIT_S3_SSE"},
		{"KMS key without KMS", map[string]string{"OBSKIT_S3_SSE": "AES256", "OBSKIT_S3_SSE_KMS_KEY_ID": "k"}, "OBSKIT_S3_SSE_KMS_KEY_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"OBSKIT_S3_BUCKET": "b", "AWS_SECRET_ACCESS_KEY": secret, "AWS_ACCESS_KEY_ID": "AKID"}
			if tt.name == "no bucket" {
				delete(env, "OBSKIT_S3_BUCKET")
			}
			if tt.name == "secret without key" {
				delete(env, "AWS_ACCESS_KEY_ID")
			}
			for k, v := range tt.env {
				env[k] = v
			}
			_, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(env))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q quotes the secret", err)
			}
			var ve *envconfig.VarError
			if !errors.As(err, &ve) {
				t.Errorf("error %v holds no *envconfig.VarError", err)
			}
			named := false
			for _, e := range err.(*envconfig.Error).Errors {
				if errors.As(e, &ve) && ve.Var == tt.want {
					named = true
				}
			}
			if !named {
				t.Errorf("error %v has no VarError for %s", err, tt.want)
			}
		})
	}
}

// TestValidate checks that Validate reports every bad field of a Config built in code as an
// *envconfig.Error of *envconfig.VarErrors naming the variables, and that New and NewFromClient
// refuse it.
func TestValidate(t *testing.T) {
	cfg := s3.DefaultConfig("")
	cfg.PartSize = 1
	cfg.MaxBackoff = 0
	cfg.Checksum = "MD5"
	err := cfg.Validate()
	var agg *envconfig.Error
	if !errors.As(err, &agg) {
		t.Fatalf("Validate = %v, want an *envconfig.Error", err)
	}
	var vars []string
	for _, e := range agg.Errors {
		var ve *envconfig.VarError
		if !errors.As(e, &ve) {
			t.Fatalf("%v is not a *envconfig.VarError", e)
		}
		vars = append(vars, ve.Var)
	}
	want := []string{"OBSKIT_S3_BUCKET", "OBSKIT_S3_PART_SIZE", "OBSKIT_S3_MAX_BACKOFF", "OBSKIT_S3_CHECKSUM"}
	if !slices.Equal(vars, want) {
		t.Errorf("Validate named %v, want %v", vars, want)
	}
	if !errors.Is(err, envconfig.ErrNotSet) || !errors.Is(err, envconfig.ErrInvalid) {
		t.Errorf("Validate = %v, want kinds ErrNotSet and ErrInvalid", err)
	}
	if _, err := s3.New(context.Background(), cfg); !errors.As(err, &agg) {
		t.Errorf("New of an invalid Config = %v, want its *envconfig.Error", err)
	}
	if _, err := s3.NewFromClient(awss3.New(awss3.Options{}), cfg); !errors.As(err, &agg) {
		t.Errorf("NewFromClient of an invalid Config = %v, want its *envconfig.Error", err)
	}
	if _, err := s3.NewFromClient(nil, s3.DefaultConfig("b")); err == nil {
		t.Error("NewFromClient accepted a nil client")
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := s3.DefaultConfig("b")
	cfg.AccessKeyID = envconfig.NewSecret("AKIDSECRETVALUE")
	cfg.SecretAccessKey = envconfig.NewSecret("SECRETVALUE")
	cfg.MaxBackoff = time.Second
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, cfg); strings.Contains(s, "SECRETVALUE") {
			t.Errorf("Sprintf(%q) = %s shows a secret", format, s)
		}
	}
}
