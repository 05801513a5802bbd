package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/faultproxy"
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
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize = s3.MinPartSize
	b := openConfig(t, cfg)
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
	client := sdkClient(t, b)
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

// TestLostCreateResponse cuts the responses of CreateMultipartUpload after the server has created
// the upload, so the retried call creates another: the uploads nobody knows the ID of are aborted,
// whether the Put then succeeds or fails.
func TestLostCreateResponse(t *testing.T) {
	srv := testserver.StartVersity(t)
	data := content(6, 2*s3.MinPartSize+1)
	tests := []struct {
		name    string
		lost    int32 // CreateMultipartUpload responses cut
		succeed bool
	}{
		{"two lost then success", 2, true},
		{"all lost", 100, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var creates atomic.Int32
			proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Reset: 1, Only: func(r *http.Request) bool {
				_, create := r.URL.Query()["uploads"]
				return r.Method == http.MethodPost && create && creates.Add(1) <= tt.lost
			}}, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			cfg := versityConfig(srv, proxy.URL())
			cfg.PartSize = s3.MinPartSize
			cfg.MaxAttempts = 4
			b, err := s3.New(context.Background(), cfg, s3.WithInstrumentation(false))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			key := "lost/" + tt.name
			err = b.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)))
			if (err == nil) != tt.succeed {
				t.Fatalf("Put = %v, want success %v", err, tt.succeed)
			}
			if resets := proxy.Counts().Resets; resets < 2 {
				t.Fatalf("%d responses cut, want at least 2", resets)
			}
			client := sdkClient(t, b)
			out, err := client.ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &srv.Bucket})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Uploads) != 0 {
				t.Errorf("%d multipart uploads left open", len(out.Uploads))
			}
			if tt.succeed {
				rc, err := b.Get(context.Background(), key)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(rc)
				rc.Close()
				if !bytes.Equal(got, data) {
					t.Errorf("read back %d bytes, want %d", len(got), len(data))
				}
			}
		})
	}
}
