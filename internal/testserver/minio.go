package testserver

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// MinIOKMSKeyID is the one KMS key of every server [StartMinIO] starts: the
// key ID to ask for with SSE-KMS (x-amz-server-side-encryption-aws-kms-key-id).
// MinIO also seals SSE-S3 objects with it. MinIO reports it as
// "arn:aws:kms:" + MinIOKMSKeyID; any other key ID is refused
// (kms:KeyNotFound).
const MinIOKMSKeyID = "obskit-test-key"

// minioKMSSecretKey is MINIO_KMS_SECRET_KEY, "<key name>:<base64 of 32
// bytes>": a fixed test key, so that objects survive a Restart.
const minioKMSSecretKey = MinIOKMSKeyID + ":Q/fdbbHWXDQmLKa6lPfrcbwo1pmxz3gm/4GeU0/KM00="

// StartMinIO starts a MinIO server (see [Require]; single node, single drive)
// on a free loopback port with random root credentials, a built-in KMS
// holding the key [MinIOKMSKeyID] (so that SSE-S3 and SSE-KMS work over
// plain http; only SSE-C would need TLS) and one empty bucket, and returns
// once the bucket exists. Unlike versitygw, MinIO encrypts what it is asked
// to and reports it (x-amz-server-side-encryption); use it for tests of
// server-side encryption. Dir is MinIO's data folder, a t.TempDir(), in
// MinIO's own format (objects are not plain files there). MinIO's web
// console and update check are off; MINIO_CI_CD is on, which caps its buffer
// pool at 256 MiB. Restart keeps the port, the credentials, the key and the
// objects. A t.Cleanup stops the server; its output goes to the test log if
// the test failed. Call it from the test goroutine.
func StartMinIO(t testing.TB) *S3Server {
	t.Helper()
	s := newS3Server(t, t.TempDir())
	// MinIO creates its certificates folder (default ~/.minio/certs) even
	// without TLS: keep it out of HOME.
	certs := filepath.Join(t.TempDir(), "certs")
	if err := os.Mkdir(certs, 0o700); err != nil {
		t.Fatalf("testserver: %v", err)
	}
	addr := FreePort(t)
	s.Endpoint = "http://" + addr
	s.process = &process{
		tool: ToolMinIO,
		args: []string{"server", "--quiet", "--address", addr, "--certs-dir", certs, s.Dir},
		// Credentials and key through the environment, so they never show
		// on a command line (ps) or in the logged output header.
		env: []string{
			"MINIO_ROOT_USER=" + s.AccessKey,
			"MINIO_ROOT_PASSWORD=" + s.SecretKey,
			"MINIO_KMS_SECRET_KEY=" + minioKMSSecretKey,
			"MINIO_REGION=" + s.Region,
			"MINIO_BROWSER=off",
			"MINIO_UPDATE=off",
			"MINIO_CI_CD=on",
		},
		// Ready once the object layer is up (health/ready) and the bucket
		// exists; after a Restart the bucket is already there.
		ready: allReady(httpReady(s.Endpoint+"/minio/health/ready"), s.createBucket),
	}
	startProcess(t, s.process)
	return s
}

// createBucket creates s.Bucket with a SigV4-signed PUT; a bucket that the
// same account already owns is not an error.
func (s *S3Server) createBucket(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, httpTimeout)
	defer cancel()
	url := s.Endpoint + "/" + s.Bucket
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, http.NoBody)
	if err != nil {
		return err
	}
	const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: s.SecretKey}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, emptySHA256, "s3", s.Region, time.Now()); err != nil {
		return fmt.Errorf("signing PUT %s: %w", url, err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK ||
		(resp.StatusCode == http.StatusConflict && strings.Contains(string(body), "BucketAlreadyOwnedByYou")) {
		return nil
	}
	return fmt.Errorf("PUT %s: %s: %s", url, resp.Status, body)
}
