package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"

	"github.com/esper-platform/obskit/objstore"
)

// object is one object the quickstart stores and reads back.
type object struct {
	key  string
	data []byte
}

// makeObjects returns n objects under prefix with mixed sizes up to maxSize: a quarter each of
// about maxSize/1024, maxSize/64, maxSize/4 and maxSize bytes (the last object is exactly
// maxSize), filled with pseudo-random bytes from a fixed seed so that runs are comparable.
func makeObjects(prefix string, n, maxSize int) []object {
	rng := rand.New(rand.NewPCG(1, 2))
	tiers := []int{maxSize >> 10, maxSize >> 6, maxSize >> 2, maxSize}
	objs := make([]object, n)
	for i := range objs {
		hi := max(tiers[i%len(tiers)], 1)
		size := hi/2 + rng.IntN(hi-hi/2+1)
		if i == n-1 {
			size = maxSize
		}
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		objs[i] = object{key: fmt.Sprintf("%sobj-%04d-%dB", prefix, i, size), data: data}
	}
	return objs
}

// uploadItems returns the objects as UploadMany items.
func uploadItems(objs []object) []objstore.UploadItem {
	items := make([]objstore.UploadItem, len(objs))
	for i, o := range objs {
		items[i] = objstore.BytesItem(o.key, o.data)
	}
	return items
}

// readBack reads every object with Get, up to concurrency at once, and returns the keys of
// those whose content differs from what was stored, and the first error.
func readBack(ctx context.Context, b objstore.Bucket, objs []object, concurrency int) (mismatched []string, err error) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		sem      = make(chan struct{}, concurrency)
	)
	for _, o := range objs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			same, err := readAndCompare(ctx, b, o)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil && firstErr == nil:
				firstErr = err
			case err == nil && !same:
				mismatched = append(mismatched, o.key)
			}
		})
	}
	wg.Wait()
	return mismatched, firstErr
}

func readAndCompare(ctx context.Context, b objstore.Bucket, o object) (bool, error) {
	rc, err := b.Get(ctx, o.key)
	if err != nil {
		return false, err
	}
	got, err := io.ReadAll(rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	return bytes.Equal(got, o.data), nil
}
