package s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// minioKMSKeyARN is how MinIO reports its KMS key in SSEKMSKeyId: the key ID with an ARN
// prefix and no region or account.
const minioKMSKeyARN = "arn:aws:kms:" + testserver.MinIOKMSKeyID

// sseHead is the encryption part of what `aws s3api head-object` prints.
type sseHead struct {
	ServerSideEncryption string
	SSEKMSKeyID          string `json:"SSEKMSKeyId"`
}

// awsSSEHead returns the content headers and the encryption that `aws s3api head-object`
// reads for key.
func awsSSEHead(t *testing.T, srv *testserver.S3Server, key string) (headObject, sseHead) {
	t.Helper()
	out := awsCLI(t, srv, "s3api", "head-object", "--bucket", srv.Bucket, "--key", key)
	var h headObject
	var e sseHead
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("head-object output %s: %v", out, err)
	}
	if err := json.Unmarshal(out, &e); err != nil {
		t.Fatalf("head-object output %s: %v", out, err)
	}
	return h, e
}

// awsGetObject returns the content that `aws s3api get-object` reads for key.
func awsGetObject(t *testing.T, srv *testserver.S3Server, key string) []byte {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "object")
	awsCLI(t, srv, "s3api", "get-object", "--bucket", srv.Bucket, "--key", key, dst)
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// minioConfig returns a Config for srv with parts of the smallest size.
func minioConfig(srv *testserver.S3Server) s3.Config {
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize = s3.MinPartSize
	return cfg
}

// TestAWSCLIReadsSSE: objects that obskit writes with Config.SSE (SSE-S3, and SSE-KMS with a
// key ID) by single-part and multipart Put, and by single-part and multipart Copy, are stored
// encrypted as asked, with their content headers and metadata, as awscli reads them on MinIO
// (versitygw ignores encryption headers); awscli gets the content, and obskit's Attributes agree
// with awscli; multipart uploads and copies are multipart there. A KMS key the server does not
// have fails the Put, so the key ID is sent.
func TestAWSCLIReadsSSE(t *testing.T) {
	testserver.Require(t, testserver.ToolMinIO, testserver.ToolAWS)
	srv := testserver.StartMinIO(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, sse, keyID string
		wantKeyID        string // SSEKMSKeyId as awscli prints it
	}{
		{name: "SSE-S3", sse: "AES256"},
		{name: "SSE-KMS", sse: "aws:kms", keyID: testserver.MinIOKMSKeyID, wantKeyID: minioKMSKeyARN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := minioConfig(srv)
			cfg.SSE, cfg.SSEKMSKeyID = tc.sse, tc.keyID
			b := openConfig(t, cfg)
			// check cross-reads key; a multipart upload (or copy) has an ETag ending in -N.
			check := func(what, key string, data []byte, multipart bool) {
				t.Helper()
				h, e := awsSSEHead(t, srv, key)
				wantAWSHeaders(t, what, h, int64(len(data)))
				if strings.Contains(h.ETag, "-") != multipart {
					t.Errorf("%s: ETag %s, want multipart %t", what, h.ETag, multipart)
				}
				if e.ServerSideEncryption != tc.sse || e.SSEKMSKeyID != tc.wantKeyID {
					t.Errorf("%s: aws s3api head-object gives ServerSideEncryption %q, SSEKMSKeyId %q; want %q, %q",
						what, e.ServerSideEncryption, e.SSEKMSKeyID, tc.sse, tc.wantKeyID)
				}
				if got := awsGetObject(t, srv, key); !bytes.Equal(got, data) {
					t.Errorf("%s: aws s3api get-object read %d bytes, want the %d obskit stored", what, len(got), len(data))
				}
				a, err := b.Attributes(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				if a.ServerSideEncryption != e.ServerSideEncryption || a.KMSKeyID != e.SSEKMSKeyID {
					t.Errorf("%s: Attributes gives ServerSideEncryption %q, KMSKeyID %q; awscli %q, %q",
						what, a.ServerSideEncryption, a.KMSKeyID, e.ServerSideEncryption, e.SSEKMSKeyID)
				}
			}
			for _, obj := range []struct {
				name string
				size int
			}{{"single", 1000}, {"multipart", 11 << 20}} { // 11 MiB: three parts
				data := content(uint64(obj.size), obj.size)
				key := "sse/" + strings.ToLower(tc.name) + "/" + obj.name
				if err := b.Put(ctx, key, bytes.NewReader(data), int64(len(data)), headerOpts()...); err != nil {
					t.Fatalf("Put of %d bytes: %v", obj.size, err)
				}
				check("Put of "+key, key, data, obj.size > s3.MinPartSize)
				for _, threshold := range []int64{5 << 30, 1} {
					s3.SetCopyThreshold(b, threshold)
					dst := key + "-copy"
					if threshold == 1 {
						dst += "-multipart"
					}
					if err := b.Copy(ctx, dst, key); err != nil {
						t.Fatalf("Copy (multipart above %d bytes): %v", threshold, err)
					}
					check("Copy to "+dst, dst, data, threshold == 1)
				}
				s3.SetCopyThreshold(b, 5<<30)
			}
		})
	}

	t.Run("unknown KMS key", func(t *testing.T) {
		cfg := minioConfig(srv)
		cfg.SSE, cfg.SSEKMSKeyID = "aws:kms", "no-such-key"
		b := openConfig(t, cfg)
		for _, size := range []int{1000, 11 << 20} {
			data := content(uint64(size), size)
			if err := b.Put(ctx, "sse/unknown-key", bytes.NewReader(data), int64(size)); err == nil ||
				!strings.Contains(err.Error(), "KeyNotFound") {
				t.Errorf("Put of %d bytes under KMS key no-such-key: %v, want kms:KeyNotFound", size, err)
			}
		}
	})
}

// TestAcceptanceMinIO runs the objstore acceptance suite against MinIO, a second S3
// implementation, with every object written under SSE-KMS. As on versitygw, requests go
// through a fault proxy injecting no fault, used to count them.
func TestAcceptanceMinIO(t *testing.T) {
	runAcceptance(t, testserver.StartMinIO(t), func(cfg *s3.Config) {
		cfg.SSE, cfg.SSEKMSKeyID = "aws:kms", testserver.MinIOKMSKeyID
	})
}
