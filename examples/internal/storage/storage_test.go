package storage_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/examples/internal/storage"
	"github.com/esper-platform/obskit/internal/testserver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestOpenEmbeddedRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int
		env  map[string]string
	}{
		{"small", 1000, nil},
		{"empty", 0, nil},
		{"multipart", 6 << 20, map[string]string{"OBSKIT_S3_PART_SIZE": "5242880"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := storage.Open(ctx, tc.env, "demo")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if st.Embedded == nil || !strings.HasPrefix(st.Endpoint, "http://127.0.0.1:") {
				t.Fatalf("embedded %v endpoint %q, want an embedded server on loopback", st.Embedded, st.Endpoint)
			}
			if d := st.Describe(); !strings.Contains(d, "embedded") || !strings.Contains(d, "bucket demo") {
				t.Errorf("Describe() = %q", d)
			}
			data := bytes.Repeat([]byte("obskit!"), tc.size/7+1)[:tc.size]
			if err := st.Bucket.Put(ctx, "a/b", bytes.NewReader(data), int64(len(data))); err != nil {
				t.Fatal(err)
			}
			rc, err := st.Bucket.Get(ctx, "a/b")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read back %d bytes (err %v), want %d identical", len(got), err, len(data))
			}
		})
	}
}

func TestOpenConfiguredServer(t *testing.T) {
	srv := testserver.StartVersity(t)
	st, err := storage.Open(context.Background(), map[string]string{
		"AWS_ENDPOINT_URL_S3":   srv.Endpoint,
		"OBSKIT_S3_BUCKET":      srv.Bucket,
		"OBSKIT_S3_PATH_STYLE":  "true",
		"AWS_ACCESS_KEY_ID":     srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY": srv.SecretKey,
	}, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Embedded != nil || st.Endpoint != srv.Endpoint || st.Name != srv.Bucket {
		t.Fatalf("embedded %v endpoint %q bucket %q, want versitygw's", st.Embedded, st.Endpoint, st.Name)
	}
	if err := st.Bucket.Put(context.Background(), "k", strings.NewReader("v"), 1); err != nil {
		t.Fatal(err)
	}
}

func TestOpenBadConfigStopsEmbeddedServer(t *testing.T) {
	const canary = "canary-storage-5d1e"
	_, err := storage.Open(context.Background(), map[string]string{
		"OBSKIT_S3_MAX_ATTEMPTS": "lots",
		"AWS_SECRET_ACCESS_KEY":  canary,
	}, "demo")
	if err == nil || !strings.Contains(err.Error(), "OBSKIT_S3_MAX_ATTEMPTS") || strings.Contains(err.Error(), canary) {
		t.Fatalf("err = %v", err)
	}
	// goleak in TestMain checks that the embedded server's goroutines have ended.
}
