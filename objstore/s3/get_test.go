package s3_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// TestGetVerifies corrupts an object on the server's disk (same length, stored checksum kept) and
// checks that Get reports an integrity error at the end of the body, unless verification is off.
func TestGetVerifies(t *testing.T) {
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	data := content(7, 100000)
	tests := []struct {
		name   string
		verify bool
	}{
		{"verify", true},
		{"no verify", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := versityConfig(srv, srv.Endpoint)
			cfg.VerifyGet = tt.verify
			b := openConfig(t, cfg, s3.WithInstrumentation(false))
			key := "corrupt/" + tt.name
			if err := b.Put(ctx, key, bytes.NewReader(data), int64(len(data))); err != nil {
				t.Fatal(err)
			}
			bad := bytes.Clone(data)
			bad[len(bad)/2] ^= 0xff
			// versitygw's posix backend keeps the object as a file and its checksum in xattrs;
			// WriteFile truncates and rewrites the file in place, keeping the xattrs.
			if err := os.WriteFile(filepath.Join(srv.Dir, srv.Bucket, key), bad, 0o644); err != nil {
				t.Fatal(err)
			}
			rc, err := b.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if tt.verify {
				if !objstore.IsIntegrity(err) {
					t.Errorf("reading a corrupted object: %v, want an integrity error", err)
				}
			} else if err != nil || !bytes.Equal(got, bad) {
				t.Errorf("without verification: %d bytes, %v; want the corrupted bytes and no error", len(got), err)
			}
		})
	}
}
