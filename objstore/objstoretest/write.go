package objstoretest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/esper-platform/obskit/objstore"
)

// headerOpts are the content headers and metadata the write tests store; wantHeaders checks
// that a has them.
func headerOpts() []objstore.PutOption {
	return []objstore.PutOption{
		objstore.WithContentType("text/csv; charset=utf-8"),
		objstore.WithContentEncoding("gzip"),
		objstore.WithCacheControl("max-age=3600"),
		objstore.WithContentDisposition(`attachment; filename="report.csv"`),
		objstore.WithMetadata(map[string]string{"Owner": "team-a", "run-id": "42"}),
	}
}

func wantHeaders(t *testing.T, what string, a objstore.Attributes) {
	t.Helper()
	got := [4]string{a.ContentType, a.ContentEncoding, a.CacheControl, a.ContentDisposition}
	want := [4]string{"text/csv; charset=utf-8", "gzip", "max-age=3600", `attachment; filename="report.csv"`}
	if got != want {
		t.Errorf("%s: content headers %q, want %q", what, got, want)
	}
	if wantMD := map[string]string{"owner": "team-a", "run-id": "42"}; !maps.Equal(a.Metadata, wantMD) {
		t.Errorf("%s: metadata %v, want %v", what, a.Metadata, wantMD)
	}
}

func attributes(t *testing.T, b objstore.Bucket, key string) objstore.Attributes {
	t.Helper()
	a, err := b.Attributes(t.Context(), key)
	if err != nil {
		t.Fatalf("Attributes(%q): %v", key, err)
	}
	return a
}

func testPutOptions(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	for _, size := range []int64{10, s.cfg.largeSize} {
		for _, known := range []bool{true, false} {
			t.Run(fmt.Sprintf("size=%d/known=%t", size, known), func(t *testing.T) {
				key := fmt.Sprintf("%sobj-%d-%t", p, size, known)
				data := content(uint64(size), size)
				var r = bytes.NewReader(data)
				n := size
				var err error
				if known {
					err = b.Put(t.Context(), key, r, n, headerOpts()...)
				} else {
					err = b.Put(t.Context(), key, onlyReader{r}, -1, headerOpts()...)
				}
				if err != nil {
					t.Fatalf("Put with options: %v", err)
				}
				a := attributes(t, b, key)
				wantHeaders(t, "Attributes", a)
				if a.Size != size {
					t.Errorf("Size = %d, want %d", a.Size, size)
				}
				sameBytes(t, "Get", get(t, b, key), data)

				put(t, b, key, []byte("plain")) // an overwrite without options drops them
				a = attributes(t, b, key)
				if !defaultContentType(a.ContentType) || a.CacheControl != "" || len(a.Metadata) != 0 {
					t.Errorf("after an overwrite without options: %+v, want no headers or metadata", a)
				}
			})
		}
	}
}

// defaultContentType reports whether ct is what a store gives an object stored without one.
func defaultContentType(ct string) bool {
	return ct == "" || ct == "binary/octet-stream" || ct == "application/octet-stream"
}

func testInvalidPutOptions(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	big := map[string]string{}
	for i := range 40 {
		big[fmt.Sprintf("k%02d", i)] = string(bytes.Repeat([]byte("v"), 60))
	}
	for _, tt := range []struct {
		name string
		opt  []objstore.PutOption
	}{
		{"metadata key with a space", []objstore.PutOption{objstore.WithMetadata(map[string]string{"a b": "x"})}},
		{"metadata value with a newline", []objstore.PutOption{objstore.WithMetadata(map[string]string{"a": "x\ny"})}},
		{"metadata keys equal but for case", []objstore.PutOption{objstore.WithMetadata(map[string]string{"A": "x", "a": "y"})}},
		{"metadata over 2 KiB", []objstore.PutOption{objstore.WithMetadata(big)}},
		{"content type with a control character", []objstore.PutOption{objstore.WithContentType("text/plain\r\nX-Evil: 1")}},
		{"two conditions", []objstore.PutOption{objstore.WithIfNotExists(), objstore.WithIfMatch("abc")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := p + strings.ReplaceAll(tt.name, " ", "-")
			err := b.Put(t.Context(), key, bytes.NewReader([]byte("x")), 1, tt.opt...)
			if !errors.Is(err, objstore.ErrInvalidArgument) {
				t.Errorf("Put: %v, want an error matching ErrInvalidArgument", err)
			}
			if ok, err := b.Exists(t.Context(), key); ok || err != nil {
				t.Errorf("Exists after a rejected Put = %t, %v; want false, nil", ok, err)
			}
		})
	}
}

func testConditionalPut(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	for _, size := range []int64{3, s.cfg.largeSize} {
		t.Run(fmt.Sprintf("size=%d", size), func(t *testing.T) {
			key := fmt.Sprintf("%sobj-%d", p, size)
			v1, v2, v3 := content(1, size), content(2, size), content(3, size)
			putIf := func(data []byte, opt objstore.PutOption) error {
				return b.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)), opt)
			}
			if err := putIf(v1, objstore.WithIfMatch("0123456789abcdef0123456789abcdef")); !objstore.IsPreconditionFailed(err) {
				t.Errorf("Put If-Match of a missing object: %v, want an error matching ErrPreconditionFailed", err)
			}
			if err := putIf(v1, objstore.WithIfNotExists()); err != nil {
				t.Fatalf("create-only Put of a new key: %v", err)
			}
			if err := putIf(v2, objstore.WithIfNotExists()); !objstore.IsPreconditionFailed(err) {
				t.Errorf("create-only Put of an existing key: %v, want an error matching ErrPreconditionFailed", err)
			}
			sameBytes(t, "Get after a failed create-only Put", get(t, b, key), v1)
			etag1 := attributes(t, b, key).ETag
			if err := putIf(v2, objstore.WithIfMatch(etag1)); err != nil {
				t.Fatalf("Put If-Match of the current ETag: %v", err)
			}
			sameBytes(t, "Get after a compare-and-swap", get(t, b, key), v2)
			if err := putIf(v3, objstore.WithIfMatch(etag1)); !objstore.IsPreconditionFailed(err) {
				t.Errorf("Put If-Match of a stale ETag: %v, want an error matching ErrPreconditionFailed", err)
			}
			sameBytes(t, "Get after a failed compare-and-swap", get(t, b, key), v2)
		})
	}
}

// concurrentCreators is how many create-only Puts of one key race in ConcurrentCreateOnly.
const concurrentCreators = 50

func testConcurrentCreateOnly(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "lock"
	var (
		wg     sync.WaitGroup
		won    atomic.Int64
		winner atomic.Int64
		errs   = make([]error, concurrentCreators)
	)
	start := make(chan struct{})
	for i := range concurrentCreators {
		wg.Go(func() {
			data := content(uint64(i), 100)
			<-start
			err := b.Put(t.Context(), key, bytes.NewReader(data), 100, objstore.WithIfNotExists())
			switch {
			case err == nil:
				won.Add(1)
				winner.Store(int64(i))
			case !objstore.IsPreconditionFailed(err):
				errs[i] = err
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("create-only Puts failed otherwise than with ErrPreconditionFailed: %v", err)
	}
	if n := won.Load(); n != 1 {
		t.Fatalf("%d of %d concurrent create-only Puts succeeded, want exactly 1", n, concurrentCreators)
	}
	sameBytes(t, "Get of the key", get(t, b, key), content(uint64(winner.Load()), 100))
}

func testCopy(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	src := p + "src"
	data := content(7, 1000)
	if err := b.Put(t.Context(), src, bytes.NewReader(data), int64(len(data)), headerOpts()...); err != nil {
		t.Fatal(err)
	}
	t.Run("keeps metadata", func(t *testing.T) {
		dst := p + "copy/kept"
		if err := b.Copy(t.Context(), dst, src); err != nil {
			t.Fatalf("Copy: %v", err)
		}
		sameBytes(t, "Get of the copy", get(t, b, dst), data)
		wantHeaders(t, "Attributes of the copy", attributes(t, b, dst))
		sameBytes(t, "Get of the source", get(t, b, src), data)
	})
	t.Run("replaces metadata", func(t *testing.T) {
		dst := p + "copy/replaced"
		err := b.Copy(t.Context(), dst, src, objstore.WithContentType("application/json"),
			objstore.WithMetadata(map[string]string{"k": "v"}))
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
		a := attributes(t, b, dst)
		if a.ContentType != "application/json" || a.CacheControl != "" || !maps.Equal(a.Metadata, map[string]string{"k": "v"}) {
			t.Errorf("Attributes of the copy: %+v; want only the new content type and metadata", a)
		}
		sameBytes(t, "Get of the copy", get(t, b, dst), data)
	})
	t.Run("create-only", func(t *testing.T) {
		dst := p + "copy/once"
		if err := b.Copy(t.Context(), dst, src, objstore.WithIfNotExists()); err != nil {
			t.Fatalf("create-only Copy to a new key: %v", err)
		}
		if err := b.Copy(t.Context(), dst, src, objstore.WithIfNotExists()); !objstore.IsPreconditionFailed(err) {
			t.Errorf("create-only Copy to an existing key: %v, want an error matching ErrPreconditionFailed", err)
		}
	})
	t.Run("missing source", func(t *testing.T) {
		if err := b.Copy(t.Context(), p+"copy/none", p+"missing"); !objstore.IsNotFound(err) {
			t.Errorf("Copy of a missing source: %v, want an error matching ErrNotFound", err)
		}
		if ok, err := b.Exists(t.Context(), p+"copy/none"); ok || err != nil {
			t.Errorf("Exists after a failed Copy = %t, %v; want false, nil", ok, err)
		}
	})
}

func testDeleteMany(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	n := 10
	if s.cfg.listCount > 0 {
		n = 1001 // more than one DeleteObjects request
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("%sk%04d", p, i)
	}
	forEach(n, 16, func(i int) {
		if err := b.Put(t.Context(), keys[i], bytes.NewReader([]byte("x")), 1); err != nil {
			t.Errorf("Put(%q): %v", keys[i], err)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	bad := p + "bad/../key"
	asked := append(slices.Clone(keys), p+"missing", bad)
	err := b.DeleteMany(t.Context(), asked)
	var de *objstore.DeleteManyError
	if !errors.As(err, &de) {
		t.Fatalf("DeleteMany with an invalid key: %v, want a *DeleteManyError", err)
	}
	if got := de.Failed(); !slices.Equal(got, []string{bad}) {
		t.Errorf("DeleteMany failed keys %q, want only the invalid one", got)
	}
	if !objstore.IsInvalidKey(err) {
		t.Errorf("DeleteMany error %v does not match ErrInvalidKey", err)
	}
	if left := keysOf(list(t, b, p)); len(left) != 0 {
		t.Errorf("after DeleteMany, %d objects left (first %q)", len(left), left[0])
	}
	if err := b.DeleteMany(t.Context(), nil); err != nil {
		t.Errorf("DeleteMany(nil): %v", err)
	}
}

func testListDelimiter(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	for _, k := range []string{"a.txt", "d/x", "d/y", "d/e/z", "e-f", "z"} {
		put(t, b, p+k, []byte(k))
	}
	for _, tt := range []struct {
		prefix string
		want   []string // directories end with "/"
	}{
		{p, []string{"a.txt", "d/", "e-f", "z"}},
		{p + "d/", []string{"d/e/", "d/x", "d/y"}},
		{p + "d", []string{"d/"}},
		{p + "nothing/", nil},
	} {
		t.Run(tt.prefix[len(p):], func(t *testing.T) {
			var got []string
			for info, err := range b.List(t.Context(), tt.prefix, objstore.WithDelimiter("/")) {
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				if info.IsDir != (info.Key[len(info.Key)-1] == '/') {
					t.Errorf("entry %q has IsDir %t", info.Key, info.IsDir)
				}
				got = append(got, info.Key[len(p):])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("List(%q, WithDelimiter(\"/\")) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
}
