package e2e

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// httpTimeout bounds every HTTP request the test sends.
const httpTimeout = 30 * time.Second

// noKeepAlive is the test's HTTP client: no idle connection outlives a request, so none is
// left for goleak to find.
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// call sends one request and returns the status code and body; a transport error ends the
// test.
func call(t *testing.T, method, url string, body []byte) (int, []byte) {
	t.Helper()
	ctx, cancel := withTimeout(httpTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, url, err)
	}
	return resp.StatusCode, data
}
