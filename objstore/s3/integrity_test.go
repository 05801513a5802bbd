package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// TestGetNeverReturnsWrongBytes uploads a single-part object (1 MiB) and a multipart one
// (12 MiB in parts of s3.MinPartSize) with obskit's bucket, then reads each 60 times with the
// default configuration (VerifyGet, CRC32C) through a proxy that flips one byte in 10% of GET
// response bodies, status, headers and length unchanged. Every read must return either the
// object's bytes or an error wrapping objstore.ErrIntegrity that names the key: never wrong bytes
// without an error.
func TestGetNeverReturnsWrongBytes(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity)
	srv := testserver.StartVersity(t)
	ctx := context.Background()
	const gets = 60
	rng := rand.New(rand.NewPCG(16, 16))
	objects := []struct {
		name string
		key  string
		data []byte
		seed uint64
	}{
		{"single-part 1 MiB", "integrity/single", randomBytes(rng, 1<<20), 161},
		{"multipart 12 MiB", "integrity/multipart", randomBytes(rng, 12<<20), 162},
	}
	upload := versityConfig(srv, srv.Endpoint)
	upload.PartSize = s3.MinPartSize
	direct := openConfig(t, upload, s3.WithInstrumentation(false))
	for _, o := range objects {
		if err := direct.Put(ctx, o.key, bytes.NewReader(o.data), int64(len(o.data))); err != nil {
			t.Fatal(err)
		}
	}
	client := sdkClient(t, direct)

	for _, o := range objects {
		t.Run(o.name, func(t *testing.T) {
			logStoredChecksum(t, client, srv.Bucket, o.key)
			proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{Flip: 0.10, Only: func(r *http.Request) bool {
				return r.Method == http.MethodGet
			}}, o.seed)
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			b := openVersity(t, srv, proxy.URL())

			var correct, caught, wrong int
			// Sequential reads: each Get is one GET request (no other fault), so the seeded
			// draws repeat from run to run and each flip belongs to one read.
			for i := range gets {
				rc, err := b.Get(ctx, o.key)
				if err != nil {
					t.Fatalf("Get %d: %v", i, err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				switch {
				case err != nil:
					caught++
					if caught == 1 {
						t.Logf("first flipped read: %v", err)
					}
					if !errors.Is(err, objstore.ErrIntegrity) {
						t.Errorf("Get %d: %v; want an error wrapping objstore.ErrIntegrity", i, err)
					}
					var oe *objstore.OpError
					if !errors.As(err, &oe) || oe.Key != o.key || !strings.Contains(err.Error(), o.key) {
						t.Errorf("Get %d: error %q does not name the key %q", i, err, o.key)
					}
				case !bytes.Equal(got, o.data):
					wrong++
				default:
					correct++
				}
			}
			c := proxy.Counts()
			t.Logf("%s: %d Gets, %d GET requests, %d flips injected: %d correct, %d caught (ErrIntegrity), %d wrong bytes without an error",
				o.name, gets, c.Requests, c.Flips, correct, caught, wrong)
			if c.Flips == 0 {
				t.Fatal("the proxy flipped no byte: the test proves nothing")
			}
			if c.Requests != gets || int64(caught+wrong) != c.Flips {
				t.Errorf("%d GET requests and %d flips for %d Gets, %d failed or wrong; want one request per Get and one failed or wrong read per flip",
					c.Requests, c.Flips, gets, caught+wrong)
			}
			if wrong > 0 {
				t.Errorf("%d of %d Gets returned wrong bytes without an error", wrong, gets)
			}
		})
	}
}

// logStoredChecksum logs the checksum the server reports for key, the evidence of what Get can
// verify (a full-object checksum) and what it cannot (a composite one).
func logStoredChecksum(t *testing.T, client *awss3.Client, bucket, key string) {
	t.Helper()
	head, err := client.HeadObject(context.Background(), &awss3.HeadObjectInput{
		Bucket: &bucket, Key: &key, ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("HeadObject %s: ETag %s, ChecksumType %q, CRC32C %q, CRC64NVME %q", key, aws.ToString(head.ETag),
		head.ChecksumType, aws.ToString(head.ChecksumCRC32C), aws.ToString(head.ChecksumCRC64NVME))
}
