package objstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
)

// gatedBucket counts Puts in flight and lets a test hold them.
type gatedBucket struct {
	objstore.Bucket
	inflight, maxInflight atomic.Int64
	started               chan string
	release               chan struct{}
}

func (g *gatedBucket) Put(ctx context.Context, key string, r io.Reader, size int64, _ ...objstore.PutOption) error {
	n := g.inflight.Add(1)
	defer g.inflight.Add(-1)
	for {
		m := g.maxInflight.Load()
		if n <= m || g.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	if g.started != nil {
		g.started <- key
	}
	if g.release != nil {
		select {
		case <-g.release:
		case <-ctx.Done():
			return &objstore.OpError{Op: objstore.OpPut, Key: key, Err: ctx.Err()}
		}
	}
	return g.Bucket.Put(ctx, key, r, size)
}

func items(n int) []objstore.UploadItem {
	it := make([]objstore.UploadItem, n)
	for i := range it {
		it[i] = objstore.BytesItem(fmt.Sprintf("k/%03d", i), []byte(strings.Repeat("x", i)))
	}
	return it
}

func TestUploadMany(t *testing.T) {
	b := &gatedBucket{Bucket: membucket.New()}
	defer b.Close()
	var (
		mu    sync.Mutex
		calls []objstore.UploadProgress
	)
	its := items(100)
	its = append(its, objstore.UploadItem{Key: "unknown-size", Size: -1, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("abcde")), nil
	}})
	res, err := objstore.UploadMany(context.Background(), b, its, objstore.WithConcurrency(4),
		objstore.WithProgress(func(p objstore.UploadProgress) {
			mu.Lock()
			calls = append(calls, p)
			mu.Unlock()
		}))
	if err != nil {
		t.Fatalf("UploadMany: %v", err)
	}
	if len(res) != len(its) {
		t.Fatalf("%d results for %d items", len(res), len(its))
	}
	var total int64
	for i, r := range res {
		want := int64(i)
		if i == 100 {
			want = 5
		}
		if r.Key != its[i].Key || r.Err != nil || r.Bytes != want || r.Duration <= 0 {
			t.Errorf("result %d = %+v, want key %s, %d bytes, no error, a duration", i, r, its[i].Key, want)
		}
		total += r.Bytes
	}
	if got := b.maxInflight.Load(); got > 4 {
		t.Errorf("up to %d Puts ran at once, want at most 4", got)
	}
	if len(calls) != len(its) {
		t.Fatalf("%d progress calls, want %d", len(calls), len(its))
	}
	for i, p := range calls {
		if p.Done != i+1 || p.Total != len(its) || p.Failed != 0 {
			t.Fatalf("progress call %d = %+v, want Done %d of %d", i, p, i+1, len(its))
		}
	}
	if last := calls[len(calls)-1]; last.Bytes != total {
		t.Errorf("final progress bytes %d, want %d", last.Bytes, total)
	}
}

// The concurrency bound is reached, not only respected.
func TestUploadManyConcurrency(t *testing.T) {
	b := &gatedBucket{Bucket: membucket.New(), started: make(chan string), release: make(chan struct{})}
	defer b.Close()
	done := make(chan error)
	go func() {
		_, err := objstore.UploadMany(context.Background(), b, items(20), objstore.WithConcurrency(5))
		done <- err
	}()
	for range 5 {
		<-b.started
	}
	select {
	case k := <-b.started:
		t.Errorf("a 6th Put (%s) started while 5 were running", k)
	case <-time.After(50 * time.Millisecond):
	}
	close(b.release)
	go func() {
		for range b.started { // drain the remaining starts
		}
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(b.started)
	if got := b.maxInflight.Load(); got != 5 {
		t.Errorf("max Puts at once = %d, want 5", got)
	}
}

func TestUploadManyCancel(t *testing.T) {
	b := &gatedBucket{Bucket: membucket.New(), started: make(chan string, 100), release: make(chan struct{})}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var last objstore.UploadProgress
	go func() {
		<-b.started
		<-b.started
		cancel()
	}()
	res, err := objstore.UploadMany(ctx, b, items(50), objstore.WithConcurrency(2),
		objstore.WithProgress(func(p objstore.UploadProgress) { last = p }))
	var ue *objstore.UploadError
	if !errors.As(err, &ue) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want an *UploadError matching context.Canceled", err)
	}
	if ue.Failed != 50 || ue.Total != 50 {
		t.Errorf("UploadError counts %d of %d, want 50 of 50", ue.Failed, ue.Total)
	}
	if len(b.started) > 0 {
		t.Errorf("%d more Puts started after cancellation", len(b.started))
	}
	for i, r := range res {
		if r.Key != fmt.Sprintf("k/%03d", i) || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("result %d = %+v, want its key and a cancellation error", i, r)
		}
	}
	if last.Done != 50 || last.Failed != 50 {
		t.Errorf("last progress %+v, want all 50 done and failed", last)
	}
	n := 0
	for range b.List(context.Background(), "") {
		n++
	}
	if n != 0 {
		t.Errorf("%d objects stored, want 0", n)
	}
}

func TestUploadManyFailures(t *testing.T) {
	b := membucket.New()
	defer b.Close()
	its := items(3)
	its[1].Key = "/invalid"
	its = append(its, objstore.UploadItem{Key: "open-fails", Size: -1,
		Open: func() (io.ReadCloser, error) { return nil, errors.New("no such file") }})
	res, err := objstore.UploadMany(context.Background(), b, its)
	var ue *objstore.UploadError
	if !errors.As(err, &ue) || ue.Failed != 2 || ue.Total != 4 {
		t.Fatalf("err = %v, want 2 of 4 failed", err)
	}
	if !errors.Is(err, objstore.ErrInvalidKey) || !strings.Contains(err.Error(), "2 of 4 uploads failed") {
		t.Errorf("err = %v, want it to match ErrInvalidKey and count the failures", err)
	}
	if res[0].Err != nil || res[2].Err != nil || res[1].Err == nil || res[3].Err == nil {
		t.Errorf("results %+v: want items 1 and 3 failed only", res)
	}
}

func TestUploadManyEmpty(t *testing.T) {
	res, err := objstore.UploadMany(context.Background(), membucket.New(), nil)
	if len(res) != 0 || err != nil {
		t.Errorf("UploadMany(nil) = %v, %v", res, err)
	}
}

func TestUploadManyOptions(t *testing.T) {
	b := membucket.New()
	ctx := context.Background()
	item := objstore.BytesItem("typed", []byte("{}"))
	item.Options = []objstore.PutOption{objstore.WithContentType("application/json"), objstore.WithIfNotExists()}
	if _, err := objstore.UploadMany(ctx, b, []objstore.UploadItem{item}); err != nil {
		t.Fatal(err)
	}
	if a, err := b.Attributes(ctx, "typed"); err != nil || a.ContentType != "application/json" {
		t.Errorf("Attributes: %+v, %v; want the item's content type", a, err)
	}
	_, err := objstore.UploadMany(ctx, b, []objstore.UploadItem{item})
	if !objstore.IsPreconditionFailed(err) {
		t.Errorf("second create-only UploadMany: %v, want ErrPreconditionFailed", err)
	}
}
