package storage

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Embedded is an in-process S3 server (gofakes3, objects in memory) listening on 127.0.0.1.
type Embedded struct {
	// URL is the server's endpoint, "http://127.0.0.1:PORT".
	URL string

	srv  *http.Server
	done chan struct{}
}

// StartEmbedded starts an embedded S3 server on a random loopback port with bucket created.
func StartEmbedded(bucket string) (*Embedded, error) {
	backend := s3mem.New()
	if err := backend.CreateBucket(bucket); err != nil {
		return nil, fmt.Errorf("embedded S3 server: creating bucket %q: %w", bucket, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded S3 server: %w", err)
	}
	e := &Embedded{
		URL:  "http://" + ln.Addr().String(),
		srv:  &http.Server{Handler: gofakes3.New(backend).Server(), ReadHeaderTimeout: 10 * time.Second},
		done: make(chan struct{}),
	}
	go func() {
		defer close(e.done)
		// Serve returns http.ErrServerClosed after Close; any other error means the listener
		// failed, and the example's requests then fail and say so.
		_ = e.srv.Serve(ln)
	}()
	return e, nil
}

// Close stops the server and closes its connections at once. Call it once the bucket's client is
// done: a graceful http.Server.Shutdown would wait up to five seconds for connections the client
// dialled but never used.
func (e *Embedded) Close() {
	_ = e.srv.Close()
	<-e.done
}
