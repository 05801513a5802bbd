package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/esper-platform/obskit/objstore"
)

// bufSize is the copy buffer: big enough for throughput, small enough to check ctx often.
const bufSize = 256 << 10

// Copy writes src to dst until EOF, checking ctx before every read. When size ≥ 0 the content
// must be exactly size bytes ([Exact]). It returns the bytes written.
func Copy(ctx context.Context, dst io.Writer, src io.Reader, size int64) (int64, error) {
	bufLen := int64(bufSize)
	if size >= 0 {
		src = Exact(src, size)
		bufLen = min(bufLen, max(size+1, 512))
	}
	buf := make([]byte, bufLen)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := src.Read(buf)
		if m > 0 {
			w, werr := dst.Write(buf[:m])
			n += int64(w)
			if werr != nil {
				return n, werr
			}
		}
		if errors.Is(rerr, io.EOF) {
			return n, nil
		}
		if rerr != nil {
			if !errors.Is(rerr, objstore.ErrIntegrity) {
				rerr = fmt.Errorf("read content: %w", rerr)
			}
			return n, rerr
		}
	}
}

// Exact returns a reader that yields the size bytes of r and then io.EOF, or an error wrapping
// objstore.ErrIntegrity when r ends before size bytes or holds more: a short or long body never
// reads as complete. Errors of r itself are returned as they are.
func Exact(r io.Reader, size int64) io.Reader {
	return &exactReader{r: r, left: size, size: size}
}

type exactReader struct {
	r          io.Reader
	left, size int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left == 0 {
		return 0, e.expectEOF()
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case errors.Is(err, io.EOF) && e.left > 0:
		return n, fmt.Errorf("%w: content ended after %d bytes, declared %d", objstore.ErrIntegrity, e.size-e.left, e.size)
	case errors.Is(err, io.EOF):
		return n, nil // the next Read checks that nothing follows
	}
	return n, err
}

// expectEOF checks that r has nothing left after size bytes; it returns io.EOF when so.
func (e *exactReader) expectEOF() error {
	var one [1]byte
	for {
		n, err := e.r.Read(one[:])
		if n > 0 {
			return fmt.Errorf("%w: content is more than the %d bytes declared", objstore.ErrIntegrity, e.size)
		}
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		if err != nil {
			return err
		}
	}
}

// Seekable returns a reader of exactly size bytes of r that can seek, for a request body that
// is signed and may be sent again: r itself when it can seek (its remaining length checked by
// seeking, nothing read), else a buffer of the size bytes read through [Exact]. A reader holding
// another number of bytes is an error wrapping objstore.ErrIntegrity; an error of r is returned
// wrapped ("reading the body: …").
func Seekable(r io.Reader, size int64) (io.ReadSeeker, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		cur, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			end, err := rs.Seek(0, io.SeekEnd)
			if err == nil {
				if _, err := rs.Seek(cur, io.SeekStart); err != nil {
					return nil, fmt.Errorf("seeking the body: %w", err)
				}
				if end-cur != size {
					return nil, fmt.Errorf("%w: content is %d bytes, declared %d", objstore.ErrIntegrity, end-cur, size)
				}
				return rs, nil
			}
		}
		// A Seeker that cannot seek (a pipe behind *os.File): read it like any reader.
	}
	buf := make([]byte, size)
	e := Exact(r, size)
	_, err := io.ReadFull(e, buf)
	if err == nil {
		if _, err = e.Read(nil); err == io.EOF {
			return bytes.NewReader(buf), nil
		}
	}
	if !errors.Is(err, objstore.ErrIntegrity) {
		err = fmt.Errorf("reading the body: %w", err)
	}
	return nil, err
}

// Range clamps off and length (length < 0: to the end) to an object of size bytes and returns
// the start and end offsets to read. An offset at or beyond the end reads nothing.
func Range(size, off, length int64) (start, end int64) {
	start = min(off, size)
	end = size
	if length >= 0 && length < size-start {
		end = start + length
	}
	return start, end
}
