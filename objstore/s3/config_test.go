package s3_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore/s3"
)

func TestConfigDefaults(t *testing.T) {
	cfg, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(map[string]string{"OBSKIT_S3_BUCKET": "b"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := s3.DefaultConfig("b"); cfg != want {
		t.Errorf("loaded defaults %+v\nDefaultConfig      %+v", cfg, want)
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
		{"bad duration", map[string]string{"OBSKIT_S3_MAX_BACKOFF": "soon"}, "OBSKIT_S3_MAX_BACKOFF"},
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
		})
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	cfg := s3.DefaultConfig("b")
	cfg.PartSize = 1
	if _, err := s3.New(context.Background(), cfg); err == nil {
		t.Error("New accepted a 1-byte part size")
	}
	if _, err := s3.NewFromClient(nil, "b"); err == nil {
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
