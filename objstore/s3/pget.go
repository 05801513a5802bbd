package s3

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/objstore"
)

// publishSize is how many bytes a part's reader fills before the consumer may read them: the
// consumer streams a part as it arrives, in steps of this size, rather than once it is whole.
const publishSize = 256 << 10

// parallelReader reads a whole object in ranged parts of partSize bytes, up to concurrency of
// them in flight, and delivers their bytes in order. Each part has a buffer of its own among
// concurrency slots: part k+concurrency is requested only once the consumer has read part k to
// its end, so a slow consumer stops new requests and memory stays at concurrency × partSize.
// Part 0 is the beginning of the body of the GetObject that opened the read; every other part
// is a ranged GetObject pinned to the version that response described (If-Match on its ETag, and
// its version ID when it has one). Each part is read through an objectReader, which resumes a
// broken body. When it verifies, the consumer hashes every byte it returns and compares the
// result at the end of the object.
type parallelReader struct {
	b         *Bucket
	ctx       context.Context // the read's context: cancelled by Close and by the first error returned
	cancel    context.CancelFunc
	key       string
	etag      string
	versionID string

	size, partSize int64
	parts          int // number of parts
	concurrency    int
	first          *s3.GetObjectOutput // the opening response; its body is part 0

	wg   sync.WaitGroup // the goroutines reading parts
	mu   sync.Mutex     // guards slots and closed
	cond *sync.Cond     // signalled when a part has bytes or an error, on mu
	// slots holds the parts in flight or unread: part k in slots[k%concurrency].
	slots []partBuffer

	closed bool // guarded by mu

	// The consumer's state, used by Read only.
	next int   // part being read
	off  int   // bytes of part next already returned
	err  error // sticky: the error or io.EOF already returned

	verify wholeChecksum
}

// partBuffer is one part in flight: its bytes, how many have arrived, and the error that ended
// it early.
type partBuffer struct {
	buf    []byte
	filled int
	err    error
}

// getParallel opens key for a read in parts of b.partSize, concurrency at a time, given the
// response of the GetObject that began the read (out, for the whole object), of size bytes. verify
// says whether out's full-object checksum is to be checked.
func (b *Bucket) getParallel(ctx context.Context, key string, out *s3.GetObjectOutput, size int64, concurrency int, verify bool) *parallelReader {
	ctx, cancel := context.WithCancel(ctx)
	parts := int((size + b.partSize - 1) / b.partSize)
	r := &parallelReader{b: b, ctx: ctx, cancel: cancel, key: key,
		etag: aws.ToString(out.ETag), versionID: aws.ToString(out.VersionId),
		size: size, partSize: b.partSize, parts: parts, concurrency: min(concurrency, parts), first: out}
	r.cond = sync.NewCond(&r.mu)
	r.slots = make([]partBuffer, r.concurrency)
	if verify {
		r.verify = fullObjectChecksum(out)
	}
	for k := range r.concurrency {
		r.start(k)
	}
	return r
}

// partRange returns the offset and length of part k.
func (r *parallelReader) partRange(k int) (int64, int64) {
	off := int64(k) * r.partSize
	return off, min(r.partSize, r.size-off)
}

// start sets up part k's slot and starts the goroutine that reads it. Its slot is free: part
// k-concurrency has been read.
func (r *parallelReader) start(k int) {
	_, n := r.partRange(k)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return // Close waits only for the goroutines started before it
	}
	s := &r.slots[k%r.concurrency]
	if int64(cap(s.buf)) < n {
		s.buf = make([]byte, n)
	}
	s.buf, s.filled, s.err = s.buf[:n], 0, nil
	r.wg.Add(1)
	go r.fetch(k, s)
}

// fetch reads part k into s, publishing its bytes as they arrive.
func (r *parallelReader) fetch(k int, s *partBuffer) {
	defer r.wg.Done()
	body, err := r.open(k)
	if err == nil {
		defer body.Close()
		buf, filled := s.buf, 0 // s.buf does not change while the part is in flight
		for filled < len(buf) && err == nil {
			var n int
			n, err = io.ReadFull(body, buf[filled:min(filled+publishSize, len(buf))])
			filled += n
			r.mu.Lock()
			s.filled = filled
			r.cond.Broadcast()
			r.mu.Unlock()
		}
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		// objectReader resumes a body that ends early, so this is not expected.
		err = opError(objstore.OpGet, r.key, io.ErrUnexpectedEOF)
	}
	if err != nil {
		r.mu.Lock()
		s.err = err
		r.cond.Broadcast()
		r.mu.Unlock()
	}
}

// open returns the reader of part k: the beginning of the first response's body for part 0, a
// ranged GetObject pinned to its version for the others, each resumed when it breaks.
func (r *parallelReader) open(k int) (*objectReader, error) {
	off, n := r.partRange(k)
	out := r.first
	if k > 0 {
		rng := "bytes=" + strconv.FormatInt(off, 10) + "-" + strconv.FormatInt(off+n-1, 10)
		in := &s3.GetObjectInput{Bucket: &r.b.bucket, Key: &r.key, Range: &rng, IfMatch: &r.etag}
		if r.versionID != "" {
			in.VersionId = &r.versionID
		}
		var err error
		if out, err = r.b.client.GetObject(r.ctx, in); err != nil {
			if changed(err) {
				return nil, &objstore.OpError{Op: objstore.OpGet, Key: r.key, Err: fmt.Errorf(
					"%w: reading bytes %d-%d of ETag %s: %w", ErrObjectChanged, off, off+n-1, r.etag, err)}
			}
			return nil, opError(objstore.OpGet, r.key, fmt.Errorf("reading bytes %d-%d: %w", off, off+n-1, err))
		}
	}
	pr := r.b.newObjectReader(r.ctx, objstore.OpGet, r.key, out, off, false)
	// Pinned to the version read first; part 0 ends at the end of the part, not of its body.
	pr.end, pr.etag, pr.versionID = off+n, r.etag, r.versionID
	return pr, nil
}

func (r *parallelReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.next == r.parts {
		return 0, r.finish()
	}
	if len(p) == 0 {
		return 0, nil
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return 0, r.closedError()
	}
	s := &r.slots[r.next%r.concurrency]
	for s.filled == r.off && s.err == nil && !r.closed {
		r.cond.Wait()
	}
	filled, err, closed := s.filled, s.err, r.closed
	r.mu.Unlock()
	if closed {
		return 0, r.closedError()
	}
	if filled == r.off {
		r.err = err
		r.cancel() // nothing after this part will be read
		return 0, err
	}
	n := copy(p, s.buf[r.off:filled]) // bytes [off, filled) no longer change
	r.off += n
	r.verify.write(p[:n])
	if r.off == len(s.buf) {
		r.next, r.off = r.next+1, 0
		if k := r.next - 1 + r.concurrency; k < r.parts {
			r.start(k) // in the slot of the part just read
		} else {
			r.mu.Lock()
			s.buf = nil // not needed again: let it go before the reader is closed
			r.mu.Unlock()
		}
		if r.next == r.parts {
			return n, r.finish()
		}
	}
	return n, nil
}

// finish ends the read after the last byte: io.EOF, or the checksum mismatch.
func (r *parallelReader) finish() error {
	r.err = io.EOF
	if err := r.verify.check(objstore.OpGet, r.key); err != nil {
		r.err = err
	}
	return r.err
}

// closedError is the error of a Read after Close.
func (r *parallelReader) closedError() error {
	r.err = &objstore.OpError{Op: objstore.OpGet, Key: r.key, Err: http.ErrBodyReadAfterClose}
	return r.err
}

// Close stops the parts in flight (a Read waiting for one returns an error), waits for their
// goroutines and lets their buffers go. It is idempotent, and may be called while a Read waits.
func (r *parallelReader) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.cond.Broadcast()
	r.mu.Unlock()
	r.cancel()
	// The first response was not asked for on r.ctx: closing its body stops part 0.
	_ = r.first.Body.Close()
	r.wg.Wait()
	r.mu.Lock()
	r.slots = nil
	r.mu.Unlock()
	return nil
}
