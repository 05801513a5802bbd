package objstoretest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/objstore"
)

// NewBucket returns the bucket under test. Run calls it once per test (and for cleanups); each
// call may return a new handle on the same store. Run closes every bucket it gets.
type NewBucket func(t *testing.T) objstore.Bucket

// Run runs the acceptance suite against the buckets newBucket returns. Every [objstore.Bucket]
// in this module passes it; a provider elsewhere runs it from its own tests:
//
//	func TestAcceptance(t *testing.T) {
//		objstoretest.Run(t, func(t *testing.T) objstore.Bucket { return newTestBucket(t) },
//			objstoretest.WithListCount(1100))
//	}
//
// The tests are sequential and deterministic (fixed keys and pseudo-random content from fixed
// seeds), and delete what they store.
func Run(t *testing.T, newBucket NewBucket, opts ...Option) {
	t.Helper()
	s := &suite{cfg: newConfig(opts), newBucket: newBucket}
	tests := []struct {
		name string
		run  func(*testing.T, *suite)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"GetRange", testGetRange},
		{"Attributes", testAttributes},
		{"Exists", testExists},
		{"List", testList},
		{"ListMany", testListMany},
		{"Delete", testDelete},
		{"NotFound", testNotFound},
		{"InvalidKeys", testInvalidKeys},
		{"ValidKeys", testValidKeys},
		{"Canceled", testCanceled},
		{"FailedPut", testFailedPut},
		{"ConcurrentPuts", testConcurrentPuts},
		{"Close", testClose},
		{"PutOptions", testPutOptions},
		{"InvalidPutOptions", testInvalidPutOptions},
		{"ConditionalPut", testConditionalPut},
		{"ConcurrentCreateOnly", testConcurrentCreateOnly},
		{"Copy", testCopy},
		{"DeleteMany", testDeleteMany},
		{"ListDelimiter", testListDelimiter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, s) })
	}
}

type suite struct {
	cfg       config
	newBucket NewBucket
}

// bucket returns a bucket for the test t and the key prefix t owns, emptied now and at the end.
func (s *suite) bucket(t *testing.T) (objstore.Bucket, string) {
	t.Helper()
	prefix := s.cfg.prefix + strings.ReplaceAll(t.Name(), "/", "_") + "/"
	b := s.newBucket(t)
	t.Cleanup(func() { closeBucket(t, b) })
	s.clean(t, b, prefix)
	t.Cleanup(func() {
		cb := s.newBucket(t)
		defer closeBucket(t, cb)
		s.clean(t, cb, prefix)
	})
	return b, prefix
}

func closeBucket(t *testing.T, b objstore.Bucket) {
	if err := b.Close(); err != nil && !objstore.IsClosed(err) {
		t.Errorf("Close: %v", err)
	}
}

// clean deletes every object under prefix.
func (s *suite) clean(t *testing.T, b objstore.Bucket, prefix string) {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for info, err := range b.List(ctx, prefix) {
		if err != nil {
			t.Fatalf("List(%q) for cleanup: %v", prefix, err)
		}
		keys = append(keys, info.Key)
	}
	forEach(len(keys), 16, func(i int) {
		if err := b.Delete(ctx, keys[i]); err != nil {
			t.Errorf("Delete(%q) for cleanup: %v", keys[i], err)
		}
	})
}

// forEach runs f(0..n-1) on up to workers goroutines and waits.
func forEach(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, n) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// content returns n deterministic pseudo-random bytes for seed.
func content(seed uint64, n int64) []byte {
	r := rand.New(rand.NewPCG(seed, n1(n)))
	b := make([]byte, n)
	for i := int64(0); i < n; i += 8 {
		v := r.Uint64()
		for j := int64(0); j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func n1(n int64) uint64 { return uint64(n) + 1 }

// onlyReader hides every method of r but Read, as a pipe or a network stream would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func put(t *testing.T, b objstore.Bucket, key string, data []byte) {
	t.Helper()
	if err := b.Put(t.Context(), key, bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", key, len(data), err)
	}
}

func readAll(t *testing.T, rc io.ReadCloser, what string) []byte {
	t.Helper()
	got, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close: %w", cerr)
	}
	if err != nil {
		t.Fatalf("%s: reading: %v", what, err)
	}
	return got
}

func get(t *testing.T, b objstore.Bucket, key string) []byte {
	t.Helper()
	rc, err := b.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return readAll(t, rc, fmt.Sprintf("Get(%q)", key))
}

// sameBytes reports a difference between got and want without printing megabytes.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	t.Errorf("%s: got %d bytes, want %d; first difference at offset %d", what, len(got), len(want), i)
}

func testRoundTrip(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	sizes := []int64{0, 1, 1024, s.cfg.largeSize}
	for _, size := range sizes {
		for _, known := range []bool{true, false} {
			name := fmt.Sprintf("size=%d/known=%t", size, known)
			t.Run(name, func(t *testing.T) {
				key := fmt.Sprintf("%sobj-%d-%t", p, size, known)
				data := content(uint64(size), size)
				var err error
				if known {
					err = b.Put(t.Context(), key, bytes.NewReader(data), size)
				} else {
					err = b.Put(t.Context(), key, onlyReader{bytes.NewReader(data)}, -1)
				}
				if err != nil {
					t.Fatalf("Put(%q, size %d, known %t): %v", key, size, known, err)
				}
				sameBytes(t, "Get after Put", get(t, b, key), data)
				a, err := b.Attributes(t.Context(), key)
				if err != nil {
					t.Fatalf("Attributes: %v", err)
				}
				if a.Size != size {
					t.Errorf("Attributes.Size = %d, want %d", a.Size, size)
				}
			})
		}
	}
}

func testOverwrite(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	for i, data := range [][]byte{[]byte("first version"), []byte("second, longer version of it"), []byte("3rd"), {}} {
		put(t, b, key, data)
		sameBytes(t, fmt.Sprintf("Get after write %d", i+1), get(t, b, key), data)
		a, err := b.Attributes(t.Context(), key)
		if err != nil {
			t.Fatalf("Attributes after write %d: %v", i+1, err)
		}
		if a.Size != int64(len(data)) {
			t.Errorf("Attributes.Size after write %d = %d, want %d", i+1, a.Size, len(data))
		}
	}
}

func testGetRange(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	data := content(7, 1000)
	put(t, b, key, data)
	tests := []struct {
		name        string
		off, length int64
		want        []byte
	}{
		{"head", 0, 10, data[:10]},
		{"middle", 10, 100, data[10:110]},
		{"to end", 990, -1, data[990:]},
		{"whole", 0, -1, data},
		{"exact end", 900, 100, data[900:]},
		{"beyond end", 995, 100, data[995:]},
		{"last byte", 999, 1, data[999:]},
		{"zero length", 10, 0, nil},
		{"at end", 1000, 10, nil},
		{"past end", 5000, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := b.GetRange(t.Context(), key, tt.off, tt.length)
			if err != nil {
				t.Fatalf("GetRange(%d, %d): %v", tt.off, tt.length, err)
			}
			sameBytes(t, fmt.Sprintf("GetRange(%d, %d)", tt.off, tt.length), readAll(t, rc, "GetRange"), tt.want)
		})
	}
	t.Run("negative offset", func(t *testing.T) {
		rc, err := b.GetRange(t.Context(), key, -1, 10)
		if err == nil {
			rc.Close()
			t.Fatal("GetRange(-1, 10): no error")
		}
		if !errors.Is(err, objstore.ErrInvalidRange) {
			t.Errorf("GetRange(-1, 10) = %v, want ErrInvalidRange", err)
		}
	})
}

func testAttributes(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	before := time.Now()
	put(t, b, key, content(3, 4096))
	after := time.Now()
	a, err := b.Attributes(t.Context(), key)
	if err != nil {
		t.Fatalf("Attributes: %v", err)
	}
	if a.Size != 4096 {
		t.Errorf("Size = %d, want 4096", a.Size)
	}
	// Stores keep second precision and their clock may differ a little from ours.
	if a.ModTime.Before(before.Add(-time.Minute)) || a.ModTime.After(after.Add(time.Minute)) {
		t.Errorf("ModTime = %v, want between %v and %v (±1 min)", a.ModTime, before, after)
	}
	if a.ETag == "" {
		t.Error("ETag is empty")
	}
	put(t, b, key, content(4, 4096))
	a2, err := b.Attributes(t.Context(), key)
	if err != nil {
		t.Fatalf("Attributes after overwrite: %v", err)
	}
	if a2.ETag == a.ETag {
		t.Errorf("ETag %s unchanged after the content changed", a.ETag)
	}
}

func testExists(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	exists := func(want bool, when string) {
		t.Helper()
		got, err := b.Exists(t.Context(), key)
		if err != nil || got != want {
			t.Errorf("Exists %s = %t, %v; want %t, nil", when, got, err, want)
		}
	}
	exists(false, "before Put")
	put(t, b, key, []byte("x"))
	exists(true, "after Put")
	// A key that is only a prefix of another is not an object.
	if got, err := b.Exists(t.Context(), p+"ob"); err != nil || got {
		t.Errorf("Exists(prefix of a key) = %t, %v; want false, nil", got, err)
	}
	if err := b.Delete(t.Context(), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	exists(false, "after Delete")
}

func list(t *testing.T, b objstore.Bucket, prefix string) []objstore.ObjectInfo {
	t.Helper()
	var infos []objstore.ObjectInfo
	for info, err := range b.List(t.Context(), prefix) {
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		infos = append(infos, info)
	}
	return infos
}

func keysOf(infos []objstore.ObjectInfo) []string {
	keys := make([]string, len(infos))
	for i, info := range infos {
		keys[i] = info.Key
	}
	return keys
}

func testList(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	// Lexical order puts "a-1" < "a/x" < "a0" and "c.txt" < "c/d/e": a provider that walks
	// directories must not list "a/" before "a-1".
	objects := map[string]int{"a-1": 1, "a/x": 2, "a0": 3, "b": 4, "c.txt": 0, "c/d/e": 5}
	for k, n := range objects {
		put(t, b, p+"dir/"+k, content(uint64(n), int64(n)))
	}
	put(t, b, p+"dirt", []byte("outside the prefix dir/"))
	tests := []struct {
		prefix string
		want   []string
	}{
		{"dir/", []string{"a-1", "a/x", "a0", "b", "c.txt", "c/d/e"}},
		{"dir/a", []string{"a-1", "a/x", "a0"}},
		{"dir/a/", []string{"a/x"}},
		{"dir/c", []string{"c.txt", "c/d/e"}},
		{"dir/c/d/e", []string{"c/d/e"}},
		{"dir/nothing", nil},
		{"dir/a/x/y", nil},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.prefix, "/", "_"), func(t *testing.T) {
			infos := list(t, b, p+tt.prefix)
			var want []string
			for _, k := range tt.want {
				want = append(want, p+"dir/"+k)
			}
			if got := keysOf(infos); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("List(%q) = %q, want %q", p+tt.prefix, got, want)
			}
			for _, info := range infos {
				if wantSize := int64(objects[strings.TrimPrefix(info.Key, p+"dir/")]); info.Size != wantSize {
					t.Errorf("List: %s has Size %d, want %d", info.Key, info.Size, wantSize)
				}
				if info.ModTime.IsZero() {
					t.Errorf("List: %s has a zero ModTime", info.Key)
				}
			}
		})
	}
	t.Run("whole test prefix", func(t *testing.T) {
		if got := len(list(t, b, p)); got != len(objects)+1 {
			t.Errorf("List(%q) gave %d objects, want %d", p, got, len(objects)+1)
		}
	})
	t.Run("break", func(t *testing.T) {
		n := 0
		for _, err := range b.List(t.Context(), p+"dir/") {
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if n++; n == 2 {
				break
			}
		}
		if n != 2 {
			t.Fatalf("iterated %d objects before break, want 2", n)
		}
		if got := len(list(t, b, p+"dir/")); got != len(objects) {
			t.Errorf("List after an early break gave %d objects, want %d", got, len(objects))
		}
	})
}

func testListMany(t *testing.T, s *suite) {
	n := s.cfg.listCount
	if n <= 0 {
		t.Skip("WithoutListMany")
	}
	b, p := s.bucket(t)
	items := make([]objstore.UploadItem, n)
	for i := range items {
		items[i] = objstore.BytesItem(fmt.Sprintf("%sk/%05d", p, i), content(uint64(i), int64(i%7)))
	}
	if _, err := objstore.UploadMany(t.Context(), b, items, objstore.WithConcurrency(16)); err != nil {
		t.Fatalf("UploadMany of %d objects: %v", n, err)
	}
	infos := list(t, b, p+"k/")
	if len(infos) != n {
		t.Fatalf("List gave %d objects, want %d", len(infos), n)
	}
	for i, info := range infos {
		if want := fmt.Sprintf("%sk/%05d", p, i); info.Key != want || info.Size != int64(i%7) {
			t.Fatalf("List entry %d = %s (%d bytes), want %s (%d bytes)", i, info.Key, info.Size, want, i%7)
		}
	}
}

func testDelete(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	put(t, b, key, []byte("to delete"))
	put(t, b, p+"other", []byte("stays"))
	for i := range 2 {
		if err := b.Delete(t.Context(), key); err != nil {
			t.Fatalf("Delete #%d: %v (want nil: Delete is idempotent)", i+1, err)
		}
	}
	if _, err := b.Get(t.Context(), key); !objstore.IsNotFound(err) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := b.Delete(t.Context(), p+"never-stored"); err != nil {
		t.Errorf("Delete of a key never stored: %v, want nil", err)
	}
	if got := keysOf(list(t, b, p)); fmt.Sprint(got) != fmt.Sprint([]string{p + "other"}) {
		t.Errorf("List after Delete = %q, want only %s", got, p+"other")
	}
}

func testNotFound(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "missing"
	check := func(op objstore.Op, err error) {
		t.Helper()
		if !objstore.IsNotFound(err) {
			t.Errorf("%s of a missing object: %v, want an error matching ErrNotFound", op, err)
			return
		}
		var oe *objstore.OpError
		if !errors.As(err, &oe) || oe.Op != op || oe.Key != key {
			t.Errorf("%s error %v: want an *objstore.OpError with Op %q and Key %q", op, err, op, key)
		}
	}
	rc, err := b.Get(t.Context(), key)
	if err == nil {
		rc.Close()
	}
	check(objstore.OpGet, err)
	rc, err = b.GetRange(t.Context(), key, 0, 10)
	if err == nil {
		rc.Close()
	}
	check(objstore.OpGetRange, err)
	_, err = b.Attributes(t.Context(), key)
	check(objstore.OpAttributes, err)
	if ok, err := b.Exists(t.Context(), key); ok || err != nil {
		t.Errorf("Exists of a missing object = %t, %v; want false, nil", ok, err)
	}
	if err := b.Delete(t.Context(), key); err != nil {
		t.Errorf("Delete of a missing object: %v, want nil", err)
	}
}

// opErr is the error one Bucket method returned.
type opErr struct {
	op  objstore.Op
	err error
}

// callEach calls every method of b that takes a key, with key (Put with body), and, when
// withList, List with key as prefix; readers returned are closed. It returns each error.
func callEach(ctx context.Context, b objstore.Bucket, key string, body io.Reader, withList bool) []opErr {
	errs := []opErr{{objstore.OpPut, b.Put(ctx, key, body, 1)}}
	rc, err := b.Get(ctx, key)
	if err == nil {
		rc.Close()
	}
	errs = append(errs, opErr{objstore.OpGet, err})
	rc, err = b.GetRange(ctx, key, 0, 1)
	if err == nil {
		rc.Close()
	}
	errs = append(errs, opErr{objstore.OpGetRange, err})
	_, err = b.Attributes(ctx, key)
	errs = append(errs, opErr{objstore.OpAttributes, err})
	ok, err := b.Exists(ctx, key)
	if ok && err == nil {
		err = errors.New("exists answered true")
	}
	errs = append(errs, opErr{objstore.OpExists, err})
	errs = append(errs, opErr{objstore.OpDelete, b.Delete(ctx, key)})
	errs = append(errs, opErr{objstore.OpCopy, b.Copy(ctx, key, key)})
	errs = append(errs, opErr{objstore.OpDeleteMany, b.DeleteMany(ctx, []string{key})})
	if withList {
		var listErr error
		for _, err := range b.List(ctx, key) {
			if err != nil {
				listErr = err
			}
		}
		errs = append(errs, opErr{objstore.OpList, listErr})
	}
	return errs
}

// failReader fails the test if anything reads it.
type failReader struct{ t *testing.T }

func (f failReader) Read([]byte) (int, error) {
	f.t.Error("Put read the body of an object with an invalid key")
	return 0, io.EOF
}

// InvalidKeys are keys every provider must reject with ErrInvalidKey before any request.
var invalidKeys = []struct{ name, key string }{
	{"empty", ""},
	{"leading slash", "/a"},
	{"dot dot segment", "a/../b"},
	{"dot dot", ".."},
	{"dot segment", "a/./b"},
	{"trailing dot", "a/."},
	{"NUL", "a\x00b"},
	{"control", "a\x01b"},
	{"newline", "a\nb"},
	{"DEL", "a\x7fb"},
	{"C1 control", "a\u0085b"},
	{"invalid UTF-8", "a\xffb"},
	{"too long", strings.Repeat("k", objstore.MaxKeyLen+1)},
}

func testInvalidKeys(t *testing.T, s *suite) {
	b, _ := s.bucket(t)
	ctx := t.Context()
	for _, tt := range invalidKeys {
		t.Run(tt.name, func(t *testing.T) {
			var before int64
			if s.cfg.requests != nil {
				before = s.cfg.requests()
			}
			for _, e := range callEach(ctx, b, tt.key, failReader{t}, false) {
				if !objstore.IsInvalidKey(e.err) {
					t.Errorf("%s(%q): %v, want an error matching ErrInvalidKey", e.op, tt.key, e.err)
				}
			}
			if s.cfg.requests != nil {
				if after := s.cfg.requests(); after != before {
					t.Errorf("%d requests sent for an invalid key, want 0", after-before)
				}
			}
		})
	}
}

func testValidKeys(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	// The longest key: MaxKeyLen bytes, in segments short enough to be file names.
	var long strings.Builder
	long.WriteString(p)
	for long.Len() < objstore.MaxKeyLen {
		if long.Len()%100 == 99 {
			long.WriteByte('/')
		} else {
			long.WriteByte('k')
		}
	}
	keys := []struct{ name, key string }{
		{"unicode", p + "ünïcødé/日本語 ファイル.txt"},
		{"URL characters", p + "a b+c=d&e?f#g%h;i,j@k$l!m'n(o)p*q~r"},
		{"dots inside", p + "a..b/.hidden/c."},
		{"longest", long.String()},
	}
	for _, tt := range keys {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.name)
			put(t, b, tt.key, data)
			sameBytes(t, "Get", get(t, b, tt.key), data)
			if got := keysOf(list(t, b, tt.key)); len(got) != 1 || got[0] != tt.key {
				t.Errorf("List(key) = %q, want [%q]", got, tt.key)
			}
			if err := b.Delete(t.Context(), tt.key); err != nil {
				t.Errorf("Delete: %v", err)
			}
		})
	}
}

func testCanceled(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	put(t, b, key, []byte("stored before"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	canceled := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want an error matching context.Canceled", what, err)
		}
	}
	for _, e := range callEach(ctx, b, key, bytes.NewReader([]byte("x")), true) {
		canceled(string(e.op), e.err)
	}

	t.Run("during Put", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		data := content(11, 1<<20)
		r := &cancelingReader{r: bytes.NewReader(data), after: 64 << 10, cancel: cancel}
		err := b.Put(ctx, key, r, int64(len(data)))
		if err == nil {
			t.Fatal("Put cancelled mid-body succeeded")
		}
		canceled("Put cancelled mid-body", err)
		sameBytes(t, "Get after a cancelled overwrite", get(t, b, key), []byte("stored before"))
	})
	sameBytes(t, "Get after a cancelled Put and Delete", get(t, b, key), []byte("stored before"))
}

// cancelingReader calls cancel once after bytes have been read, then goes on reading.
type cancelingReader struct {
	r      io.Reader
	n      int
	after  int
	cancel context.CancelFunc
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	if c.n >= c.after {
		c.cancel()
	}
	return n, err
}

// errAfterReader returns err once n bytes have been read.
type errAfterReader struct {
	r   io.Reader
	n   int
	err error
}

func (e *errAfterReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, e.err
	}
	p = p[:min(len(p), e.n)]
	n, err := e.r.Read(p)
	e.n -= n
	return n, err
}

func testFailedPut(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	key := p + "obj"
	old := []byte("the previous version")
	put(t, b, key, old)
	data := content(5, 256<<10)
	boom := errors.New("reader broke")
	tests := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"reader error, known size", &errAfterReader{r: bytes.NewReader(data), n: 100 << 10, err: boom}, int64(len(data))},
		{"reader error, unknown size", &errAfterReader{r: bytes.NewReader(data), n: 100 << 10, err: boom}, -1},
		{"body shorter than size", bytes.NewReader(data[:1000]), int64(len(data))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := b.Put(t.Context(), key, tt.r, tt.size); err == nil {
				t.Fatal("Put succeeded")
			}
			sameBytes(t, "Get after a failed overwrite", get(t, b, key), old)
			if err := b.Put(t.Context(), p+"new", &errAfterReader{r: bytes.NewReader(data), n: 1000, err: boom}, -1); err == nil {
				t.Fatal("Put of a new object from a failing reader succeeded")
			}
			if ok, err := b.Exists(t.Context(), p+"new"); ok || err != nil {
				t.Errorf("Exists after a failed Put = %t, %v; want false, nil", ok, err)
			}
		})
	}
}

func testConcurrentPuts(t *testing.T, s *suite) {
	b, p := s.bucket(t)
	n := s.cfg.concurrentPuts
	versions := make([][]byte, n)
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range n {
		versions[i] = content(uint64(1000+i), int64(1000+i*37))
		wg.Go(func() {
			data := content(uint64(i), int64(i*1000))
			errs[2*i] = b.Put(t.Context(), fmt.Sprintf("%sk%03d", p, i), bytes.NewReader(data), int64(len(data)))
		})
		wg.Go(func() {
			errs[2*i+1] = b.Put(t.Context(), p+"same", bytes.NewReader(versions[i]), int64(len(versions[i])))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Puts: %v", err)
	}
	for i := range n {
		key := fmt.Sprintf("%sk%03d", p, i)
		sameBytes(t, "Get "+key, get(t, b, key), content(uint64(i), int64(i*1000)))
	}
	got := get(t, b, p+"same")
	for _, v := range versions {
		if bytes.Equal(got, v) {
			return
		}
	}
	t.Errorf("Get of a key written concurrently gave %d bytes matching none of the %d versions written", len(got), n)
}

func testClose(t *testing.T, s *suite) {
	_, p := s.bucket(t)
	b := s.newBucket(t)
	key := p + "obj"
	put(t, b, key, []byte("x"))
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, e := range callEach(t.Context(), b, key, bytes.NewReader([]byte("y")), true) {
		if !objstore.IsClosed(e.err) {
			t.Errorf("%s after Close: %v, want an error matching ErrClosed", e.op, e.err)
		}
	}
	if err := b.Close(); err != nil && !objstore.IsClosed(err) {
		t.Errorf("second Close: %v, want nil or ErrClosed", err)
	}
}
