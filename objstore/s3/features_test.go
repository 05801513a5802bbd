package s3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/objstoretest"
	"github.com/esper-platform/obskit/objstore/s3"
)

// headerOpts are content headers and metadata of every kind.
func headerOpts() []objstore.PutOption {
	return []objstore.PutOption{
		objstore.WithContentType("text/csv"),
		objstore.WithContentEncoding("gzip"),
		objstore.WithCacheControl("max-age=60"),
		objstore.WithContentDisposition(`attachment; filename="r.csv"`),
		objstore.WithMetadata(map[string]string{"Owner": "team-a"}),
	}
}

// headObject is what `aws s3api head-object` prints, in part.
type headObject struct {
	ContentLength        int64
	ContentType          string
	ContentEncoding      string
	CacheControl         string
	ContentDisposition   string
	Metadata             map[string]string
	ServerSideEncryption string
	ETag                 string
}

func awsHead(t *testing.T, srv *testserver.S3Server, key string) headObject {
	t.Helper()
	var h headObject
	out := awsCLI(t, srv, "s3api", "head-object", "--bucket", srv.Bucket, "--key", key)
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("head-object output %s: %v", out, err)
	}
	return h
}

func wantAWSHeaders(t *testing.T, what string, h headObject, size int64) {
	t.Helper()
	if h.ContentLength != size || h.ContentType != "text/csv" || h.ContentEncoding != "gzip" ||
		h.CacheControl != "max-age=60" || h.ContentDisposition != `attachment; filename="r.csv"` ||
		!maps.Equal(h.Metadata, map[string]string{"owner": "team-a"}) {
		t.Errorf("%s: aws s3api head-object gives %+v, want the headers and metadata obskit stored", what, h)
	}
}

// TestAWSCLIReadsPutOptions: the content headers and metadata obskit stores (single and
// multipart Put, single and multipart Copy) are what awscli reads, and awscli gets the content.
func TestAWSCLIReadsPutOptions(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity, testserver.ToolAWS)
	srv := testserver.StartVersity(t)
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize = s3.MinPartSize
	b := openConfig(t, cfg)
	ctx := context.Background()
	for _, size := range []int64{1000, 2*s3.MinPartSize + 5} {
		data := content(uint64(size), int(size))
		key := "opts/" + string(rune('a'+size%26))
		if err := b.Put(ctx, key, bytes.NewReader(data), size, headerOpts()...); err != nil {
			t.Fatal(err)
		}
		wantAWSHeaders(t, "Put of "+key, awsHead(t, srv, key), size)
		if got := awsCLI(t, srv, "s3", "cp", "s3://"+srv.Bucket+"/"+key, "-"); !bytes.Equal(got, data) {
			t.Errorf("aws s3 cp read %d bytes of %s, want %d", len(got), key, len(data))
		}
		for _, threshold := range []int64{5 << 30, 1} {
			s3.SetCopyThreshold(b, threshold)
			dst := key + "-copy"
			if err := b.Copy(ctx, dst, key); err != nil {
				t.Fatalf("Copy (multipart above %d bytes): %v", threshold, err)
			}
			h := awsHead(t, srv, dst)
			wantAWSHeaders(t, "Copy of "+key, h, size)
			if multipart := strings.Contains(h.ETag, "-"); multipart != (threshold == 1) {
				t.Errorf("Copy with threshold %d: ETag %s, multipart %t", threshold, h.ETag, multipart)
			}
			if got := awsCLI(t, srv, "s3", "cp", "s3://"+srv.Bucket+"/"+dst, "-"); !bytes.Equal(got, data) {
				t.Errorf("aws s3 cp read %d bytes of %s, want %d", len(got), dst, len(data))
			}
		}
	}
}

// TestAcceptanceMultipartCopy runs the acceptance suite with every Copy multipart
// (UploadPartCopy), as objects above 5 GiB are copied.
func TestAcceptanceMultipartCopy(t *testing.T) {
	srv := testserver.StartVersity(t)
	objstoretest.Run(t, func(t *testing.T) objstore.Bucket {
		cfg := versityConfig(srv, srv.Endpoint)
		cfg.PartSize = s3.MinPartSize
		b := openConfig(t, cfg)
		s3.SetCopyThreshold(b, 1)
		return b
	}, objstoretest.WithoutListMany(), objstoretest.WithConcurrentPuts(4))
}

// TestPresignedURLs: a presigned GET reads the object and a presigned PUT stores one (with its
// signed content type) over plain HTTP, within their expiry; the URLs appear in no span, no
// metric and no error of the bucket.
func TestPresignedURLs(t *testing.T) {
	srv := testserver.StartVersity(t)
	h := newRecorder(t)
	b := openVersity(t, srv, "", h.options()...)
	var sb *s3.Bucket
	if !objstore.As(b, &sb) {
		t.Fatal("objstore.As(**s3.Bucket) = false")
	}
	ctx := context.Background()
	data := []byte("presigned content")
	if err := b.Put(ctx, "pre/get.txt", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}

	getURL, err := sb.PresignGet(ctx, "pre/get.txt", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(getURL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, data) {
		t.Errorf("GET of the presigned URL: %d %q, want 200 %q", resp.StatusCode, got, data)
	}

	putURL, err := sb.PresignPut(ctx, "pre/put.txt", time.Minute, objstore.WithContentType("text/plain"))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, putURL, bytes.NewReader(data))
	req.Header.Set("Content-Type", "text/plain")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT to the presigned URL: %d", resp.StatusCode)
	}
	a, err := b.Attributes(ctx, "pre/put.txt")
	if err != nil || a.ContentType != "text/plain" || a.Size != int64(len(data)) {
		t.Errorf("Attributes of the object PUT through the URL: %+v, %v", a, err)
	}

	var errs []error
	for _, bad := range []struct {
		key     string
		expires time.Duration
	}{{"pre/x", 0}, {"pre/x", -time.Second}, {"pre/x", 8 * 24 * time.Hour}, {"../x", time.Minute}} {
		_, err := sb.PresignGet(ctx, bad.key, bad.expires)
		_, perr := sb.PresignPut(ctx, bad.key, bad.expires)
		if err == nil || perr == nil {
			t.Errorf("presigning %q for %v: %v, %v; want errors", bad.key, bad.expires, err, perr)
		}
		errs = append(errs, err, perr)
	}

	// Nothing the bucket records carries a URL or its signature.
	if len(h.spans.GetSpans()) < 2 {
		t.Fatalf("%d spans recorded, want those of the Put and the Attributes at least", len(h.spans.GetSpans()))
	}
	for _, secret := range []string{getURL, putURL, signatureOf(t, getURL), signatureOf(t, putURL)} {
		for _, s := range h.spans.GetSpans() {
			if strings.Contains(fmt.Sprintf("%v %v %v %v", s.Name, s.Attributes, s.Events, s.Status), secret) {
				t.Errorf("span %s carries a presigned URL or signature", s.Name)
			}
		}
		if m := fmt.Sprintf("%v", h.metrics(t)); strings.Contains(m, secret) {
			t.Error("a metric carries a presigned URL or signature")
		}
		for _, err := range errs {
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("error %v carries a presigned URL or signature", err)
			}
		}
	}
}

func signatureOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	sig := u.Query().Get("X-Amz-Signature")
	if sig == "" {
		t.Fatalf("presigned URL has no X-Amz-Signature")
	}
	return sig
}

// TestSSE: with OBSKIT_S3_SSE (and OBSKIT_S3_SSE_KMS_KEY_ID) set, every request that writes an
// object (PutObject, CreateMultipartUpload, CopyObject) asks for that encryption. versitygw
// v1.8.0 accepts the headers and does not encrypt or report encryption, so the headers are
// read on the wire, by a proxy in front of it.
func TestSSE(t *testing.T) {
	srv := testserver.StartVersity(t)
	target, _ := url.Parse(srv.Endpoint)
	var (
		mu   sync.Mutex
		seen = map[string][2]string{} // "METHOD query-less path" → SSE, KMS key id
	)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host // the host the client signed
		if r.In.Method == http.MethodPut || r.In.Method == http.MethodPost {
			mu.Lock()
			op := r.In.Method
			if r.In.URL.Query().Has("uploads") {
				op = "CreateMultipartUpload"
			} else if r.In.Header.Get("X-Amz-Copy-Source") != "" && !r.In.URL.Query().Has("partNumber") {
				op = "CopyObject"
			} else if r.In.Method == http.MethodPut && !r.In.URL.Query().Has("partNumber") {
				op = "PutObject"
			}
			seen[op] = [2]string{r.In.Header.Get("X-Amz-Server-Side-Encryption"), r.In.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")}
			mu.Unlock()
		}
	}})
	defer proxy.Close()
	cfg := versityConfig(srv, proxy.URL)
	cfg.PartSize = s3.MinPartSize
	cfg.SSE = "aws:kms"
	cfg.SSEKMSKeyID = "arn:aws:kms:us-east-1:111122223333:key/test"
	b := openConfig(t, cfg)
	ctx := context.Background()
	if err := b.Put(ctx, "sse/small", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatal(err)
	}
	large := content(3, s3.MinPartSize+1)
	if err := b.Put(ctx, "sse/large", bytes.NewReader(large), int64(len(large))); err != nil {
		t.Fatal(err)
	}
	if err := b.Copy(ctx, "sse/copy", "sse/small"); err != nil {
		t.Fatal(err)
	}
	want := [2]string{"aws:kms", cfg.SSEKMSKeyID}
	for _, op := range []string{"PutObject", "CreateMultipartUpload", "CopyObject"} {
		if got, ok := seen[op]; !ok || got != want {
			t.Errorf("%s sent encryption headers %q (seen %t), want %q", op, got, ok, want)
		}
	}
}

// TestChecksumWhenRequired: with OBSKIT_S3_CHECKSUM_WHEN=required no upload carries a checksum
// (single or multipart, nor Copy), and DeleteObjects, which S3 requires one for, still works.
func TestChecksumWhenRequired(t *testing.T) {
	srv := testserver.StartVersity(t)
	target, _ := url.Parse(srv.Endpoint)
	var (
		mu      sync.Mutex
		summed  []string
		uploads int
	)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
		if r.In.Method != http.MethodPut {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		uploads++
		for name := range r.In.Header {
			if n := strings.ToLower(name); strings.HasPrefix(n, "x-amz-checksum-") || n == "x-amz-sdk-checksum-algorithm" || n == "x-amz-trailer" {
				summed = append(summed, r.In.Method+" "+r.In.URL.Path+" "+n)
			}
		}
	}})
	defer proxy.Close()
	for _, when := range []string{s3.ChecksumWhenSupported, s3.ChecksumWhenRequired} {
		t.Run(when, func(t *testing.T) {
			mu.Lock()
			summed, uploads = nil, 0
			mu.Unlock()
			cfg := versityConfig(srv, proxy.URL)
			cfg.PartSize = s3.MinPartSize
			cfg.ChecksumWhen = when
			b := openConfig(t, cfg)
			ctx := context.Background()
			large := content(5, s3.MinPartSize+1)
			for _, data := range [][]byte{[]byte("small"), large} {
				if err := b.Put(ctx, "sum/"+when+strconv.Itoa(len(data)), bytes.NewReader(data), int64(len(data))); err != nil {
					t.Fatal(err)
				}
				rc, err := b.Get(ctx, "sum/"+when+strconv.Itoa(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				rc.Close()
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("Get: %d bytes, %v", len(got), err)
				}
			}
			if err := b.Copy(ctx, "sum/"+when+"copy", "sum/"+when+"5"); err != nil {
				t.Fatal(err)
			}
			if err := b.DeleteMany(ctx, []string{"sum/" + when + "5", "sum/" + when + "copy"}); err != nil {
				t.Fatalf("DeleteMany: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if uploads < 4 {
				t.Fatalf("%d PUT requests seen, want at least 4", uploads)
			}
			if when == s3.ChecksumWhenRequired && len(summed) > 0 {
				t.Errorf("uploads carried checksums: %q", summed)
			}
			if when == s3.ChecksumWhenSupported && len(summed) < 3 {
				t.Errorf("%d uploads carried checksums (%q), want every Put's", len(summed), summed)
			}
		})
	}
}

// TestCABundle: an https endpoint whose certificate a private CA signed is reached with static
// keys when AWS_CA_BUNDLE names that CA, and refused without it.
func TestCABundle(t *testing.T) {
	srv := testserver.StartVersity(t)
	target, _ := url.Parse(srv.Endpoint)
	tlsSrv := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}})
	defer tlsSrv.Close()
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw})
	if err := os.WriteFile(bundle, pemData, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg := versityConfig(srv, tlsSrv.URL)
	cfg.MaxAttempts = 1

	cfg.CABundle = bundle
	b := openConfig(t, cfg)
	if err := b.Put(ctx, "tls/a", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatalf("Put over https with AWS_CA_BUNDLE: %v", err)
	}

	cfg.CABundle = ""
	b = openConfig(t, cfg)
	if err := b.Put(ctx, "tls/b", bytes.NewReader([]byte("x")), 1); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Put over https without the CA: %v, want a certificate error", err)
	}

	for _, bad := range []string{filepath.Join(t.TempDir(), "missing.pem"), bundle + ".txt"} {
		if bad == bundle+".txt" {
			if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cfg.CABundle = bad
		_, err := s3.New(ctx, cfg)
		if err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") || strings.Contains(err.Error(), "not a certificate") {
			t.Errorf("New with AWS_CA_BUNDLE=%s: %v, want an error naming the variable, not the content", bad, err)
		}
	}
}
