package reliability_test

import (
	"context"
	"io"
	"net/http"
)

// noKeepAlive is an HTTP client that closes every connection after its request, so that no
// idle connection outlives a test (goleak).
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func newRequest(ctx context.Context, method, url string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, url, body)
}
