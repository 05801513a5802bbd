// Package faultproxy is an HTTP reverse proxy on the loopback interface that injects the faults an
// S3 client meets in production, so that retry and integrity behaviour can be tested against a
// real server. Its entry point is [Start].
//
// Each request (or each request that [Faults].Only accepts) draws one number from a seeded
// random generator and, by the configured
// probabilities ([Faults]), is either:
//
//   - answered 503 with an S3 SlowDown error body, without reaching the server;
//   - cut by a TCP reset (SO_LINGER 0) half way through its request body or, for requests
//     without a body, half way through the server's response body;
//   - delayed, then forwarded;
//   - for requests without a body, held half way through the server's response body until the
//     client goes away (a stalled connection);
//   - for requests without a body, forwarded, with one byte of a successful response body
//     flipped (XOR 0xFF) at a position drawn from the same number, the status, headers and
//     length unchanged, so that only a checksum can tell;
//   - forwarded untouched.
//
// The Host header is passed through unchanged, so AWS Signature V4 signatures computed for the
// proxy's address stay valid at the server. When the server cannot be reached the proxy answers
// 502 Bad Gateway, as a load balancer would.
//
// # Configuration
//
// Everything is given to [Start]: the target URL, the [Faults] and the seed. [Proxy.SetFaults]
// changes the probabilities while the proxy runs. The proxy reads no environment variable.
//
// # Emitted telemetry
//
// None. [Proxy.Counts] reports how many requests were seen and how many faults of each kind were
// injected.
//
// # Shutdown
//
// [Proxy.Close] stops listening, closes the connections and waits for the handlers to return. It
// is idempotent.
package faultproxy
