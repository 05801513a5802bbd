package s3_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

func TestScratch(t *testing.T) {
	srv := testserver.StartVersity(t)
	b := openVersity(t, srv, "", s3.WithInstrumentation(false))
	ctx := context.Background()
	for _, n := range []int{0, 10, 5 << 20, 12<<20 + 3} {
		data := make([]byte, n)
		for i := range data { data[i] = byte(rand.IntN(256)) }
		for _, size := range []int64{int64(n), -1} {
			if err := b.Put(ctx, "k", bytes.NewReader(data), size); err != nil {
				t.Fatalf("put %d/%d: %v", n, size, err)
			}
			rc, err := b.Get(ctx, "k")
			if err != nil { t.Fatal(err) }
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, data) { t.Fatalf("get %d: %v %d", n, err, len(got)) }
			a, err := b.Attributes(ctx, "k")
			t.Logf("%d/%d: %+v %v", n, size, a, err)
		}
	}
	_, err := b.Get(ctx, "missing")
	t.Log(err)
}
