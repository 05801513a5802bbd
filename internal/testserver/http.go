package testserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// httpTimeout bounds every HTTP request the helpers send.
const httpTimeout = 10 * time.Second

// httpDo sends one request without keep-alive, so that no idle connection
// (and its goroutines) outlives a test, and reads the whole answer. A status
// that is not 2xx is not an error here; callers decide.
func httpDo(ctx context.Context, method, url, contentType string, body []byte) (*httpResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, httpTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the answer: %w", method, url, err)
	}
	return &httpResponse{StatusCode: resp.StatusCode, Status: resp.Status, Body: data}, nil
}

// httpResponse is the part of an HTTP response the helpers look at.
type httpResponse struct {
	StatusCode int
	Status     string
	Body       []byte
}

// httpGet sends a GET without keep-alive (no idle connections outlive a test)
// and reads the whole body.
func httpGet(ctx context.Context, url string) (*httpResponse, error) {
	return httpDo(ctx, http.MethodGet, url, "", nil)
}
