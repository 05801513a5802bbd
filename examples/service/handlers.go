package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/objstore"
)

// files serves the /files routes over a bucket.
type files struct {
	bucket    objstore.Bucket
	log       *slog.Logger
	maxUpload int64
}

// routes returns the service's mux. The handlers take the request's context, in which otelhttp
// has put the server span, so storage spans and log records belong to the request's trace.
func (f *files) routes() *http.ServeMux {
	mux := http.NewServeMux()
	handle(mux, "PUT", "/files/{key...}", f.put)
	handle(mux, "GET", "/files/{key...}", f.get)
	handle(mux, "GET", "/files", f.list)
	handle(mux, "DELETE", "/files/{key...}", f.delete)
	handle(mux, "GET", "/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux
}

// handle registers h for method and route, and records the route as the http.route attribute
// of the server span (otelhttp starts the span before routing, so it cannot).
func handle(mux *http.ServeMux, method, route string, h http.HandlerFunc) {
	attr := attribute.String("http.route", route)
	mux.HandleFunc(method+" "+route, func(w http.ResponseWriter, r *http.Request) {
		trace.SpanFromContext(r.Context()).SetAttributes(attr)
		h(w, r)
	})
}

// stored is the answer to a PUT.
type stored struct {
	Key   string `json:"key"`
	Bytes int64  `json:"bytes"`
}

func (f *files) put(w http.ResponseWriter, r *http.Request) {
	ctx, key := r.Context(), r.PathValue("key")
	if r.ContentLength > f.maxUpload {
		f.fail(ctx, w, "put", key, http.StatusRequestEntityTooLarge, errors.New("request body too large"))
		return
	}
	body := &countingReader{r: http.MaxBytesReader(w, r.Body, f.maxUpload)}
	// The uploaded content type is stored with the object and served back by get.
	if err := f.bucket.Put(ctx, key, body, r.ContentLength, objstore.WithContentType(r.Header.Get("Content-Type"))); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			f.fail(ctx, w, "put", key, http.StatusRequestEntityTooLarge, err)
			return
		}
		f.fail(ctx, w, "put", key, statusOf(err), err)
		return
	}
	f.log.InfoContext(ctx, "stored file", "key", key, "bytes", body.n)
	writeJSON(w, http.StatusCreated, stored{Key: key, Bytes: body.n})
}

func (f *files) get(w http.ResponseWriter, r *http.Request) {
	ctx, key := r.Context(), r.PathValue("key")
	attrs, err := f.bucket.Attributes(ctx, key)
	if err != nil {
		f.fail(ctx, w, "get", key, statusOf(err), err)
		return
	}
	rc, err := f.bucket.Get(ctx, key)
	if err != nil {
		f.fail(ctx, w, "get", key, statusOf(err), err)
		return
	}
	defer rc.Close()
	contentType := attrs.ContentType
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", contentType)
	n, err := io.Copy(w, rc)
	if err != nil {
		// The status is sent; the client sees a short body. Log why.
		f.log.ErrorContext(ctx, "serving file failed", "key", key, "bytes", n, "error", err)
		return
	}
	f.log.InfoContext(ctx, "served file", "key", key, "bytes", n)
}

// listed is one entry of the answer to GET /files.
type listed struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"modTime"`
}

func (f *files) list(w http.ResponseWriter, r *http.Request) {
	ctx, prefix := r.Context(), r.URL.Query().Get("prefix")
	out := []listed{}
	for info, err := range f.bucket.List(ctx, prefix) {
		if err != nil {
			f.fail(ctx, w, "list", prefix, statusOf(err), err)
			return
		}
		out = append(out, listed{Key: info.Key, Size: info.Size, ModTime: info.ModTime})
	}
	f.log.InfoContext(ctx, "listed files", "prefix", prefix, "count", len(out))
	writeJSON(w, http.StatusOK, out)
}

func (f *files) delete(w http.ResponseWriter, r *http.Request) {
	ctx, key := r.Context(), r.PathValue("key")
	if err := f.bucket.Delete(ctx, key); err != nil {
		f.fail(ctx, w, "delete", key, statusOf(err), err)
		return
	}
	f.log.InfoContext(ctx, "deleted file", "key", key)
	w.WriteHeader(http.StatusNoContent)
}

// fail logs err in the request's trace and answers status with its status text; a bad request
// also gets the reason (which rule the key breaks).
func (f *files) fail(ctx context.Context, w http.ResponseWriter, op, key string, status int, err error) {
	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	f.log.Log(ctx, level, "request failed", "op", op, "key", key, "status", status, "error", err)
	msg := http.StatusText(status)
	if status == http.StatusBadRequest {
		msg = err.Error()
	}
	http.Error(w, msg, status)
}

// statusOf maps a storage error to an HTTP status.
func statusOf(err error) int {
	switch {
	case objstore.IsNotFound(err):
		return http.StatusNotFound
	case objstore.IsInvalidKey(err), errors.Is(err, objstore.ErrInvalidArgument):
		return http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled), objstore.IsClosed(err):
		return http.StatusServiceUnavailable
	default:
		return http.StatusBadGateway
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
