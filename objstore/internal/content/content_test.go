package content_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/internal/content"
)

// pipe hides every method of a reader but Read.
type pipe struct{ r io.Reader }

func (p pipe) Read(b []byte) (int, error) { return p.r.Read(b) }

func TestDeclaredSize(t *testing.T) {
	readers := map[string]func(s string) io.Reader{
		"seeker": func(s string) io.Reader { return strings.NewReader(s) },
		"pipe":   func(s string) io.Reader { return pipe{strings.NewReader(s)} },
		"bytes":  func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
	}
	for _, tt := range []struct {
		name, body string
		size       int64
		integrity  bool
	}{
		{"exact", "hello", 5, false},
		{"empty", "", 0, false},
		{"short", "hell", 5, true},
		{"long", "hello!", 5, true},
		{"nothing declared", "x", 0, true},
	} {
		for kind, reader := range readers {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				check := func(what string, got []byte, err error) {
					t.Helper()
					if tt.integrity {
						if !errors.Is(err, objstore.ErrIntegrity) {
							t.Errorf("%s: error %v, want ErrIntegrity", what, err)
						}
						return
					}
					if err != nil || string(got) != tt.body {
						t.Errorf("%s: %q, %v; want %q", what, got, err, tt.body)
					}
				}
				var buf bytes.Buffer
				_, err := content.Copy(context.Background(), &buf, reader(tt.body), tt.size)
				check("Copy", buf.Bytes(), err)
				got, err := io.ReadAll(content.Exact(reader(tt.body), tt.size))
				check("Exact", got, err)
				rs, err := content.Seekable(reader(tt.body), tt.size)
				if err == nil {
					got, err = io.ReadAll(rs)
				}
				check("Seekable", got, err)
			})
		}
	}
}

func TestCopyHonoursCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := content.Copy(ctx, io.Discard, strings.NewReader("x"), 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Copy on a cancelled context: %v", err)
	}
}

func TestSeekableReaderError(t *testing.T) {
	src := errors.New("disk on fire")
	_, err := content.Seekable(iotest.ErrReader(src), 10)
	if !errors.Is(err, src) || !strings.Contains(err.Error(), "reading the body") {
		t.Errorf("Seekable of a failing reader: %v, want it wrapped as reading the body", err)
	}
}
