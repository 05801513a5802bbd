package objstore

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"time"
)

// UploadItem is one object for [UploadMany].
type UploadItem struct {
	// Key is where the object is stored.
	Key string
	// Size is the content length in bytes, or -1 when unknown (see [Bucket.Put]).
	Size int64
	// Open returns the content. It is called when the item's upload starts, not before, so
	// thousands of items do not hold thousands of open files; the reader is closed after Put.
	Open func() (io.ReadCloser, error)
	// Options are passed to Put (content type, metadata, a condition…); none by default.
	Options []PutOption
}

// BytesItem returns an UploadItem storing data under key.
func BytesItem(key string, data []byte) UploadItem {
	return UploadItem{Key: key, Size: int64(len(data)), Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}}
}

// UploadResult is the outcome of one [UploadItem].
type UploadResult struct {
	// Key is the item's key.
	Key string
	// Bytes is the content stored: the object's size on success, 0 on failure.
	Bytes int64
	// Err is nil when the object was stored whole. An item never started because ctx was
	// cancelled has an error matching context.Canceled (or DeadlineExceeded).
	Err error
	// Duration is the time from opening the item to the end of its Put (0 if not started).
	Duration time.Duration
}

// UploadProgress is passed to the [WithProgress] callback after each item ends.
type UploadProgress struct {
	// Done is the number of items ended (stored, failed or cancelled); Total the number of items.
	Done, Total int
	// Failed is the number of items ended with an error so far.
	Failed int
	// Bytes is the content stored so far.
	Bytes int64
}

// UploadError is returned by [UploadMany] when at least one item failed. Its Unwrap gives the
// items' errors, so errors.Is(err, context.Canceled) tells whether cancellation was involved.
type UploadError struct {
	// Failed is the number of items that were not stored (cancelled ones included); Total the
	// number of items.
	Failed, Total int
	errs          []error
}

// Error returns e.g. "objstore: 3 of 1000 uploads failed; first: objstore put "k": …".
func (e *UploadError) Error() string {
	return fmt.Sprintf("objstore: %d of %d uploads failed; first: %v", e.Failed, e.Total, e.errs[0])
}

// Unwrap returns the errors of the failed items, in item order.
func (e *UploadError) Unwrap() []error { return e.errs }

// UploadOption configures [UploadMany].
type UploadOption interface {
	applyUpload(uploadConfig) uploadConfig
}

type uploadConfig struct {
	concurrency int
	progress    func(UploadProgress)
}

type uploadOptionFunc func(uploadConfig) uploadConfig

func (f uploadOptionFunc) applyUpload(c uploadConfig) uploadConfig { return f(c) }

// DefaultUploadConcurrency is the number of Puts [UploadMany] runs at once by default.
const DefaultUploadConcurrency = 16

// WithConcurrency sets how many Puts run at once; n < 1 means the default,
// [DefaultUploadConcurrency] (16). No environment variable (objstore/s3 sizes its HTTP client
// and retry quota from its own configured concurrency; keep the two consistent).
func WithConcurrency(n int) UploadOption {
	return uploadOptionFunc(func(c uploadConfig) uploadConfig { c.concurrency = n; return c })
}

// WithProgress sets a callback run after each item ends. Calls are serialized (never two at
// once), with Done increasing by one each time except for items cancelled before they started,
// which are reported together in a last call. The callback should return quickly: uploads
// wait while it runs. Default: none. No environment variable.
func WithProgress(f func(UploadProgress)) UploadOption {
	return uploadOptionFunc(func(c uploadConfig) uploadConfig { c.progress = f; return c })
}

// UploadMany stores items in b, running up to [WithConcurrency] Puts at once, and returns one
// result per item, in item order. It returns when every started Put has ended. When ctx is
// cancelled no further item starts; the items not started get a cancellation error, and Puts
// in flight end as b makes them end (for providers in this module, promptly, with ctx's error).
//
// The error is nil when every item was stored, else an [*UploadError].
func UploadMany(ctx context.Context, b Bucket, items []UploadItem, opts ...UploadOption) ([]UploadResult, error) {
	c := uploadConfig{concurrency: DefaultUploadConcurrency}
	for _, o := range opts {
		if o != nil {
			c = o.applyUpload(c)
		}
	}
	if c.concurrency < 1 {
		c.concurrency = DefaultUploadConcurrency
	}
	results := make([]UploadResult, len(items))
	var (
		mu       sync.Mutex
		progress = UploadProgress{Total: len(items)}
	)
	report := func(r UploadResult) {
		mu.Lock()
		defer mu.Unlock()
		progress.Done++
		progress.Bytes += r.Bytes
		if r.Err != nil {
			progress.Failed++
		}
		if c.progress != nil {
			c.progress(progress)
		}
	}

	next := make(chan int)
	var wg sync.WaitGroup
	for range min(c.concurrency, len(items)) {
		wg.Go(func() {
			for i := range next {
				results[i] = uploadOne(ctx, b, items[i])
				report(results[i])
			}
		})
	}
	started := 0
dispatch:
	for ; started < len(items); started++ {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- started:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()

	if started < len(items) {
		mu.Lock()
		for i := started; i < len(items); i++ {
			results[i] = UploadResult{Key: items[i].Key,
				Err: &OpError{Op: OpPut, Key: items[i].Key, Err: fmt.Errorf("not started: %w", context.Cause(ctx))}}
			progress.Done++
			progress.Failed++
		}
		if c.progress != nil {
			c.progress(progress)
		}
		mu.Unlock()
	}

	var ue *UploadError
	for _, r := range results {
		if r.Err != nil {
			if ue == nil {
				ue = &UploadError{Total: len(items)}
			}
			ue.Failed++
			ue.errs = append(ue.errs, r.Err)
		}
	}
	if ue != nil {
		return results, ue
	}
	return results, nil
}

func uploadOne(ctx context.Context, b Bucket, it UploadItem) UploadResult {
	start := time.Now()
	res := UploadResult{Key: it.Key}
	if it.Open == nil {
		res.Err = &OpError{Op: OpPut, Key: it.Key, Err: fmt.Errorf("UploadItem has no Open function")}
		return res
	}
	rc, err := it.Open()
	if err != nil {
		res.Err = &OpError{Op: OpPut, Key: it.Key, Err: fmt.Errorf("open content: %w", err)}
		res.Duration = time.Since(start)
		return res
	}
	var r io.Reader = rc
	var cr *countingReader
	if it.Size < 0 {
		cr = &countingReader{r: rc}
		r = cr
	}
	err = b.Put(ctx, it.Key, r, it.Size, it.Options...)
	_ = rc.Close() // the content was read (or not) by Put; a close error changes nothing stored
	res.Duration = time.Since(start)
	switch {
	case err != nil:
		res.Err = err
	case cr != nil:
		res.Bytes = cr.n
	default:
		res.Bytes = it.Size
	}
	return res
}
