package filebucket_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/filebucket"
	"github.com/esper-platform/obskit/objstore/objstoretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAcceptance(t *testing.T) {
	dir := t.TempDir()
	// Every call opens the same directory, as S3 clients share a bucket.
	objstoretest.Run(t, func(t *testing.T) objstore.Bucket {
		b, err := filebucket.New(dir)
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
	// Nothing is left behind: no object, no temporary file, no metadata, no empty directory.
	var left []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if path != dir && path != filepath.Join(dir, filebucket.TempDirName) && path != filepath.Join(dir, filebucket.MetaDirName) {
			left = append(left, path)
		}
		return err
	})
	if len(left) > 0 {
		t.Errorf("left on disk after the suite: %q", left)
	}
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing", "sub")
	if _, err := filebucket.New(missing); err == nil {
		t.Error("New of a missing directory succeeded without WithCreateDir")
	}
	b, err := filebucket.New(missing, filebucket.WithCreateDir(true))
	if err != nil {
		t.Fatalf("New with WithCreateDir: %v", err)
	}
	defer b.Close()
	if b.Root() != missing {
		t.Errorf("Root() = %q, want %q", b.Root(), missing)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := filebucket.New(file); err == nil {
		t.Error("New of a regular file succeeded")
	}
}

func TestFileKeys(t *testing.T) {
	b, err := filebucket.New(t.TempDir(), filebucket.WithSync(false))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if err := b.Put(ctx, "a/b", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, key string }{
		{"trailing slash", "dir/"},
		{"double slash", "a//b"},
		{"long segment", string(bytes.Repeat([]byte("s"), 256))},
		{"temp dir", filebucket.TempDirName + "/x"},
		{"object over a directory", "a"},
		{"object under an object", "a/b/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := b.Put(ctx, tt.key, bytes.NewReader([]byte("y")), 1)
			if !objstore.IsInvalidKey(err) {
				t.Errorf("Put(%q) = %v, want ErrInvalidKey", tt.key, err)
			}
		})
	}
	// A 255-byte segment is fine.
	long := string(bytes.Repeat([]byte("s"), 255))
	if err := b.Put(ctx, long, bytes.NewReader(nil), 0); err != nil {
		t.Errorf("Put of a 255-byte key: %v", err)
	}
}

// A reader sees either the old or the new object, never a mix, while Puts replace it.
func TestPutIsAtomic(t *testing.T) {
	b, err := filebucket.New(t.TempDir(), filebucket.WithSync(false))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	versions := [][]byte{bytes.Repeat([]byte("a"), 1<<20), bytes.Repeat([]byte("b"), 1<<20)}
	if err := b.Put(ctx, "k", bytes.NewReader(versions[0]), 1<<20); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			v := versions[i%2]
			if err := b.Put(ctx, "k", bytes.NewReader(v), int64(len(v))); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if reads == 0 {
				t.Error("no read overlapped the writes")
			}
			return
		default:
		}
		rc, err := b.Get(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		if !slices.ContainsFunc(versions, func(v []byte) bool { return bytes.Equal(v, buf.Bytes()) }) {
			t.Fatalf("read %d bytes matching no version written", buf.Len())
		}
	}
}

func TestRegister(t *testing.T) {
	var reg objstore.Registry
	filebucket.Register(&reg)
	dir := t.TempDir()
	tests := []struct {
		url    string
		wantOK bool
	}{
		{"file://" + dir, true},
		{"file://localhost" + dir, true},
		{"file://" + dir + "/new/sub?create_dir=true&sync=false", true},
		{"file://" + dir + "/other", false},
		{"file://host" + dir, false},
		{"file://" + dir + "?sync=maybe", false},
		{"file://" + dir + "?unknown=1", false},
	}
	for _, tt := range tests {
		b, err := reg.Open(context.Background(), tt.url)
		if (err == nil) != tt.wantOK {
			t.Errorf("Open(%q) error = %v, want success %t", tt.url, err, tt.wantOK)
		}
		if err == nil {
			b.Close()
		}
	}
}

// TestMetadataAppearsWithTheObject: while one writer replaces an object again and again with
// contents of two sizes, each with its own content type, a reader never sees the size of one
// with the content type of the other, nor none.
func TestMetadataAppearsWithTheObject(t *testing.T) {
	b, err := filebucket.New(t.TempDir(), filebucket.WithSync(false))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	types := map[int64]string{1: "text/one", 2: "text/two"}
	put := func(n int64) {
		if err := b.Put(ctx, "k", strings.NewReader("xx"[:n]), n, objstore.WithContentType(types[n])); err != nil {
			t.Error(err)
		}
	}
	put(1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 500 {
			put(int64(1 + i%2))
		}
	}()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if reads < 10 {
				t.Errorf("only %d reads", reads)
			}
			return
		default:
		}
		a, err := b.Attributes(ctx, "k")
		if err == nil && a.ContentType != types[a.Size] {
			err = fmt.Errorf("size %d with content type %q, want %q", a.Size, a.ContentType, types[a.Size])
		}
		if err != nil {
			<-done
			t.Fatalf("Attributes: %v", err)
		}
	}
}
