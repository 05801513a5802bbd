package testkit

import (
	"io"
	"net/http"
	"strings"
)

// S3RequestID is the request ID every answer of [S3Transport] carries (header X-Amz-Request-Id).
const S3RequestID = "testkit-s3"

// S3Transport is an http.RoundTripper standing for an S3 service that answers at once, without a
// network: a PUT (PutObject, UploadPart) has its body read and is answered 200 with the headers
// of a PutObject response (ETag, a CRC32C checksum, the request ID); every other request is
// answered 404 with a NoSuchKey error. An S3 client over it measures the SDK's client-side cost
// alone, and drives a call that succeeds (Put) and one that fails (Get, HeadObject of any key).
// It is safe for concurrent use.
type S3Transport struct{}

// RoundTrip answers req as described on [S3Transport]; it never returns an error.
func (S3Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	if req.Method == http.MethodPut {
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK",
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{
				"Etag":                  {`"9b2cf535f27731c974343645a3985328"`},
				"X-Amz-Request-Id":      {S3RequestID},
				"X-Amz-Checksum-Crc32c": {"yZRlqg=="},
				"Content-Length":        {"0"},
			},
			Body:    http.NoBody,
			Request: req,
		}, nil
	}
	const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`
	return &http.Response{
		StatusCode: http.StatusNotFound, Status: "404 Not Found",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"X-Amz-Request-Id": {S3RequestID}, "Content-Type": {"application/xml"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}
