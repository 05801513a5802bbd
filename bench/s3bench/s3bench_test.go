package s3bench_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/esper-platform/obskit/bench/s3bench"
	obskits3 "github.com/esper-platform/obskit/objstore/s3"
)

// TestPutsStore checks that every library's Put really stores the object: it is read back
// byte-identical from the server.
func TestPutsStore(t *testing.T) {
	srv := testserverFor(t)
	ctx := context.Background()
	direct, err := obskits3.New(ctx, s3bench.ObskitConfig(srv), obskits3.WithInstrumentation(false))
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	data := s3bench.Pattern(300 << 10)
	for _, name := range s3bench.Names() {
		t.Run(name, func(t *testing.T) {
			c, err := s3bench.Open(ctx, name, srv, s3bench.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			key := "check/" + name
			if err := c.Put(ctx, key, data); err != nil {
				t.Fatal(err)
			}
			rc, err := direct.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("read back %d bytes (err %v), want the %d put", len(got), err, len(data))
			}
		})
	}
}
