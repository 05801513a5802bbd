package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// failingReader yields n bytes, then fails.
type failingReader struct{ left int }

var errSource = errors.New("source failed")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left == 0 {
		return 0, errSource
	}
	n := min(len(p), f.left)
	clear(p[:n])
	f.left -= n
	return n, nil
}

// TestPutRejected checks that a Put whose reader disagrees with its size, or fails, returns an
// error, stores nothing under the key and leaves no multipart upload open, for single and
// multipart uploads.
func TestPutRejected(t *testing.T) {
	srv := testserver.StartVersity(t)
	b := openVersity(t, srv, "", s3.WithPartSize(s3.MinPartSize))
	const part = s3.MinPartSize
	data := content(5, 3*part)
	tests := []struct {
		name string
		r    io.Reader
		size int64
		want error
	}{
		{"seekable shorter than size", bytes.NewReader(data[:100]), 200, objstore.ErrIntegrity},
		{"seekable longer than size", bytes.NewReader(data[:300]), 200, objstore.ErrIntegrity},
		{"stream shorter than size", io.MultiReader(bytes.NewReader(data[:100])), 200, objstore.ErrIntegrity},
		{"stream longer than size", io.MultiReader(bytes.NewReader(data[:300])), 200, objstore.ErrIntegrity},
		{"multipart shorter than size", io.MultiReader(bytes.NewReader(data[:2*part+1])), 3 * part, objstore.ErrIntegrity},
		{"multipart longer than size", io.MultiReader(bytes.NewReader(data)), 2 * part, objstore.ErrIntegrity},
		{"multipart reader fails", &failingReader{left: 2*part + 10}, -1, errSource},
		{"single reader fails", &failingReader{left: 10}, -1, errSource},
	}
	ctx := context.Background()
	var client *awss3.Client
	b.As(&client)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "rejected/" + tt.name
			err := b.Put(ctx, key, tt.r, tt.size)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Put = %v, want an error wrapping %v", err, tt.want)
			}
			var oe *objstore.OpError
			if !errors.As(err, &oe) || oe.Op != objstore.OpPut || oe.Key != key {
				t.Errorf("error %v is not an OpError for put %q", err, key)
			}
			if ok, err := b.Exists(ctx, key); ok || err != nil {
				t.Errorf("Exists = %v, %v after a failed Put, want false", ok, err)
			}
			out, err := client.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: &srv.Bucket})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Uploads) != 0 {
				t.Errorf("%d multipart uploads left open", len(out.Uploads))
			}
		})
	}
}

// TestWrongSecret checks that versitygw verifies signatures and that the error says so without
// quoting the secret.
func TestWrongSecret(t *testing.T) {
	srv := testserver.StartVersity(t)
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.SecretAccessKey = envconfig.NewSecret("not-the-secret-" + srv.SecretKey[:4])
	cfg.MaxAttempts = 1
	b, err := s3.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Put(context.Background(), "k", bytes.NewReader([]byte("x")), 1)
	if err == nil {
		t.Fatal("Put with a wrong secret succeeded")
	}
	if msg := err.Error(); !bytes.Contains([]byte(msg), []byte("SignatureDoesNotMatch")) ||
		bytes.Contains([]byte(msg), []byte("not-the-secret")) || bytes.Contains([]byte(msg), []byte(srv.SecretKey)) {
		t.Errorf("error %q: want SignatureDoesNotMatch and no secret", msg)
	}
}
