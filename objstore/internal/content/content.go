package content

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/esper-platform/obskit/objstore"
)

// bufSize is the copy buffer: big enough for throughput, small enough to check ctx often.
const bufSize = 256 << 10

// Copy writes src to dst until EOF, checking ctx before every read. When size ≥ 0 the content
// must be exactly size bytes: shorter or longer gives an error wrapping objstore.ErrIntegrity.
// It returns the bytes written.
func Copy(ctx context.Context, dst io.Writer, src io.Reader, size int64) (int64, error) {
	if size >= 0 {
		// Read one byte more than declared to detect a body longer than its size.
		src = io.LimitReader(src, size+1)
	}
	bufLen := int64(bufSize)
	if size >= 0 {
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
			break
		}
		if rerr != nil {
			return n, fmt.Errorf("read content: %w", rerr)
		}
	}
	if size >= 0 && n != size {
		return n, fmt.Errorf("%w: content is %s bytes, declared %d", objstore.ErrIntegrity, lenString(n, size), size)
	}
	return n, nil
}

func lenString(n, size int64) string {
	if n > size {
		return fmt.Sprintf("more than %d", size)
	}
	return fmt.Sprint(n)
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
