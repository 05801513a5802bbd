// Package s3 stores objects in Amazon S3 or an S3-compatible server (MinIO, versitygw, Ceph RGW…)
// behind the portable [objstore.Bucket] interface, on aws-sdk-go-v2. It is the only package of
// obskit that imports the AWS SDK. Its entry points are [New], from a [Config] loaded from the
// environment, and [NewFromClient], for a caller's own *s3.Client; [Register] adds the s3://
// scheme to an [objstore.Registry].
//
//	cfg, err := envconfig.Load[s3.Config]()
//	if err != nil { … }
//	bucket, err := s3.New(ctx, cfg, s3.WithTracerProvider(tp), s3.WithMeterProvider(mp))
//	if err != nil { … }
//	defer bucket.Close()
//	err = bucket.Put(ctx, "reports/2026-11.csv", r, -1) // unknown length: streamed in parts
//
// New and NewFromClient return the provider, a [*Bucket], decorated by objstore.Instrument (or
// the bare *Bucket with [WithInstrumentation](false)). objstore.As reaches through the
// decorator: a target of type **s3.Client receives the SDK client, one of type **Bucket the
// provider. Instrumenting the returned bucket again (objstore.Instrument, or objstore.Open's
// WithInstrumentation over an s3:// URL) returns it as it is.
//
// # Uploads, integrity and retries
//
// Objects smaller than the part size (OBSKIT_S3_PART_SIZE) go in one PutObject; larger ones, and
// those of unknown length, stream through the SDK's transfer manager in parts, at most
// OBSKIT_S3_PART_CONCURRENCY at a time, so that memory stays near part size × (part
// concurrency + 1) whatever the size. A failed multipart upload is aborted once, by obskit on a
// context derived from the operation's (not cancelled with it), so that the abort's requests are
// traced and counted with the operation; the transfer manager's own abort (on a context of its
// own) is not sent, and nothing is written to the process's standard logger; when a CreateMultipartUpload response was lost and the call
// retried, the uploads it created unseen are found (ListMultipartUploads) and aborted too. Every
// request carries a checksum of its content (OBSKIT_S3_CHECKSUM) that the server verifies before
// storing, and a declared size that does not match the reader fails with [objstore.ErrIntegrity]
// before anything is stored. Get asks for the stored checksum and verifies it at the end of the
// body (whole objects with a full-object checksum; OBSKIT_S3_VERIFY_GET). When a Get or GetRange
// body breaks mid-way (a reset connection, or one that delivers no byte for
// OBSKIT_S3_RESPONSE_HEADER_TIMEOUT), the reader asks for the rest with a
// ranged request pinned to the version it began reading (If-Match on its ETag, and its version
// ID), up to OBSKIT_S3_MAX_ATTEMPTS − 1 times in a row without a byte received, each counted as
// a retry: a reader gets every byte of one version or an error, never a short read, and the
// checksum is verified over the whole stream, resumed parts included. If the object was
// replaced meanwhile, the error wraps [ErrObjectChanged].
//
// With OBSKIT_S3_GET_CONCURRENCY above 1 (default 1: a single stream), Get reads an object larger
// than the part size in ranged parts of OBSKIT_S3_PART_SIZE bytes, that many at a time, and
// returns them in order through one reader. It opens with the same GetObject as a single stream
// (an object of at most one part costs that one request), whose body serves the first part; every
// other part is a ranged GetObject pinned to that version (If-Match, and the version ID), resumed
// like a single stream when it breaks. Parts are buffered and the next one is asked for only once
// an earlier one has been read, so memory stays near part size × OBSKIT_S3_GET_CONCURRENCY and a
// slow reader stops new requests; closing the reader stops the parts in flight. A replaced object
// fails the read with [ErrObjectChanged], and the checksum is verified over the whole object as
// with a single stream. BenchmarkParallelGet compares it with a single stream and with the
// transfer manager's GetObject; the figures are in bench/README.md.
//
// A multipart upload with a CRC checksum (CRC32C, the default, or CRC32) is created with
// ChecksumType FULL_OBJECT, and its CompleteMultipartUpload carries the checksum of every byte
// read from the caller, which the server checks against the parts it joins: the stored object
// has one checksum over its whole content, which Get verifies as for a single-part object. (With
// SHA1 or SHA256 the checksum of a multipart upload is composite and a Get cannot verify it.)
//
// A Put whose outcome is ambiguous — on some attempt a request was sent and no answer came (a
// timeout, a reset connection), or the answer was 500, 502 or 504 — looks at the key before it
// returns (HeadObject, against the size and checksum of what it sent, sent again after a pause
// while the store cannot be reached, for up to 10 s): if the content sent is there, the Put
// succeeds; a multipart upload whose CompleteMultipartUpload was ambiguous and is not found is
// aborted, which stops a late Complete from storing it, and fails; a single PutObject not found
// fails when every ambiguous attempt was answered, and otherwise (S3 cannot cancel a request
// still in the network) fails with [objstore.ErrOutcomeUnknown]: the object is the old one or
// the whole new one. A create-only or If-Match Put whose retry is refused with 412 after an
// ambiguous attempt is resolved the same way: its own earlier attempt may have written the
// object. The span gets an objstore.outcome_resolved event (stored, not_stored or unknown). When
// the caller's context has ended, Put returns without looking, wrapping ErrOutcomeUnknown if a
// request was in flight.
//
// An abort is sent again, after a pause, until it succeeds or 30 s have passed, so that an
// outage of a few seconds does not leave a failed upload open.
//
// Every request is tried up to OBSKIT_S3_MAX_ATTEMPTS times with exponential backoff and full
// jitter (100 ms base, 1 s for throttling, at most OBSKIT_S3_MAX_BACKOFF) on 5xx answers,
// throttling (SlowDown), connection resets, refused connections and timeouts, honouring the
// context. The SDK's client-side retry quota is disabled: at its default of 500 tokens, a burst
// of concurrent uploads meeting a few errors fails with "retry quota exceeded" (TestFaultTolerance
// and TestFaultToleranceSDKDefaults measure both; the figures are in bench/README.md). The HTTP
// transport keeps OBSKIT_S3_MAX_CONNS idle connections per host.
//
// All bodies handed to the SDK can seek (the caller's reader, or the transfer manager's part
// buffers), so requests are signed with the payload's SHA-256 also over plain http, and retried
// with the same bytes.
//
// Errors are [*objstore.OpError] values: a missing key wraps [objstore.ErrNotFound], a rejected
// checksum [objstore.ErrIntegrity]; the SDK's error stays in the chain (errors.As to
// smithy.APIError gives the S3 error code); a condition that does not hold (412
// PreconditionFailed, 409 ConditionalRequestConflict, or NoSuchKey for If-Match) wraps
// [objstore.ErrPreconditionFailed]. Requests are signed in headers, and no error or span
// carries credentials, signatures, auth headers or presigned URLs.
//
// # Put options, conditions, copies, batch deletes, listing, presigned URLs
//
// Put sends its options as S3 headers (Content-Type, Content-Encoding, Cache-Control,
// Content-Disposition, x-amz-meta-*) on PutObject or CreateMultipartUpload, and its condition
// (If-None-Match: *, If-Match) on PutObject or CompleteMultipartUpload, where the server checks
// it atomically; Attributes returns them with the ETag, version ID and encryption. Copy measures
// the source with HeadObject and copies up to 5 GiB with one CopyObject (MetadataDirective COPY,
// or REPLACE when options set headers or metadata), larger objects and every conditional copy
// with UploadPartCopy parts and CompleteMultipartUpload (versitygw v1.8.0 ignores conditions on
// CopyObject but checks them there), each part pinned to the source's ETag; a failed one is
// aborted. DeleteMany sends DeleteObjects with up to 1,000 keys a request (quiet mode: only
// errors come back, one per key). List with objstore.WithDelimiter sends the delimiter and
// yields S3's common prefixes as directory entries, in key order with the objects.
//
// OBSKIT_S3_SSE (AES256, aws:kms, aws:kms:dsse) and OBSKIT_S3_SSE_KMS_KEY_ID ask for
// server-side encryption on every request that writes an object (PutObject,
// CreateMultipartUpload, CopyObject), so a bucket policy that requires it accepts obskit's
// uploads. Encryption is a setting of the bucket, not a Put option: the portable providers
// could not honour it, and a policy applies to a whole bucket.
//
// [*Bucket] presigns URLs, reached through the decorator with objstore.As:
//
//	var sb *s3.Bucket
//	if objstore.As(bucket, &sb) {
//		get, err := sb.PresignGet(ctx, key, 15*time.Minute)
//		put, err := sb.PresignPut(ctx, key, 15*time.Minute, objstore.WithContentType("image/png"))
//	}
//
// Presigning sends no request and records nothing: a URL carries a signature, so it is returned
// to the caller and appears in no span, metric, log record or error.
//
// # Configuration
//
// Every setting of the bucket is a field of [Config], whose defaults live in its envDefault tags
// only; [DefaultConfig] derives from them. Config is loaded with envconfig.Load[s3.Config]();
// s3:// URLs override some variables with query parameters (see [Register]). The variables:
//
//	OBSKIT_S3_BUCKET                  (required) name of the bucket
//	AWS_REGION                        region, default us-east-1
//	AWS_ENDPOINT_URL_S3               endpoint of an S3-compatible server; empty: AWS
//	AWS_ACCESS_KEY_ID                 secret; empty: the SDK's default credential chain
//	AWS_SECRET_ACCESS_KEY             secret, with AWS_ACCESS_KEY_ID
//	AWS_SESSION_TOKEN                 secret, for temporary credentials
//	OBSKIT_S3_PATH_STYLE              endpoint/bucket addressing, default false
//	OBSKIT_S3_PART_SIZE               multipart part size in bytes, default 8388608 (min 5 MiB)
//	OBSKIT_S3_PART_CONCURRENCY        parts of one object in flight, default 5
//	OBSKIT_S3_GET_CONCURRENCY         ranged parts of one Get in flight, default 1 (one stream)
//	OBSKIT_S3_MAX_CONNS               idle connections per host, default 256
//	OBSKIT_S3_MAX_ATTEMPTS            attempts per request, default 8
//	OBSKIT_S3_MAX_BACKOFF             longest wait between attempts, default 20s
//	OBSKIT_S3_DIAL_TIMEOUT            TCP connect timeout, default 5s
//	OBSKIT_S3_RESPONSE_HEADER_TIMEOUT wait for response headers, default 60s
//	OBSKIT_S3_CHECKSUM                CRC32, CRC32C (default), SHA1 or SHA256
//	OBSKIT_S3_VERIFY_GET              verify checksums on Get, default true
//	OBSKIT_S3_CHECKSUM_WHEN           supported (default) or required: checksums only where S3
//	                                  requires them, for servers that reject them
//	AWS_CA_BUNDLE                     PEM file of CAs to trust for an https endpoint (static keys
//	                                  or default chain alike)
//	OBSKIT_S3_SSE                     server-side encryption of objects written: AES256, aws:kms,
//	                                  aws:kms:dsse; empty: the bucket's default
//	OBSKIT_S3_SSE_KMS_KEY_ID          KMS key for aws:kms; empty: the AWS managed key
//	OBSKIT_S3_SDK_SPANS               record the SDK's own spans, default false
//
// The secrets also read from files (AWS_SECRET_ACCESS_KEY_FILE=/run/secrets/…) and print as
// [REDACTED]. [Config.Validate] (called by Load, New and NewFromClient) reports every bad field
// as an *envconfig.VarError naming its variable, never its value. [NewFromClient] uses the
// bucket, part, checksum, verification and SDK-span fields; the caller's client keeps its own
// connection, credential and retry settings.
//
// Options carry only what Config cannot: [WithTracerProvider] and [WithMeterProvider] (default,
// and for nil: the OTel globals), [WithInstrumentation] (default on), [WithSDKSpans] (default:
// Config.SDKSpans; given, it wins over it),
// [WithStats] (default none). A nil option is skipped.
//
// # Emitted telemetry
//
// Unless [WithInstrumentation](false) is given, the bucket is decorated by objstore.Instrument,
// which records one span per operation (objstore.put, objstore.get, …, kind client, with
// objstore.operation, aws.s3.bucket, aws.s3.key, objstore.success, objstore.latency_ms,
// objstore.bytes, objstore.attempts and, on failure, error.type), and the metrics
// objstore.operations, objstore.operation.duration, objstore.bytes, objstore.inflight and
// objstore.retries; see the objstore package documentation for the full list. This package feeds
// objstore.attempts and objstore.retries: each HTTP attempt the SDK makes is reported, retries
// included, and for a multipart upload or a parallel Get the attempts of every part add up.
// Each retry is also an event on the objstore span (objstore.retry, with objstore.retry.attempt,
// the number of the attempt that failed, its error.type and http.response.status_code, and
// objstore.retry.backoff_ms, the wait the retryer chose); an attempt that succeeds adds nothing.
// A Put whose outcome was ambiguous gets an objstore.outcome_resolved event (objstore.resolution
// stored, not_stored or unknown), and the requests of the HeadObject that resolved it count in
// objstore.attempts.
//
// With SDK spans on (OBSKIT_S3_SDK_SPANS=true or [WithSDKSpans](true); off by default), beneath
// each objstore span the SDK's own spans (its native tracing, smithy-go's tracing
// interface) are recorded with the same tracer provider: one per S3 call ("S3.PutObject",
// "S3.UploadPart", …, kind client, with rpc.method "S3/PutObject" and the semantic
// conventions' aws.s3.*, aws.request_id, aws.extended_request_id and cloud.region) and one per
// attempt ("Attempt", with operation.attempt and aws.request_id). The SDK's spans for its
// internal steps (serializing, signing, resolving endpoints) are left out. The adapter is
// obskit's own: it records what smithy-go's smithyoteltracing records (names, kinds,
// attributes, statuses, nesting; TestSDKSpansAsSmithyAdapter compares the two), with one
// SetAttributes call for the properties a span starts with instead of one per property, and
// nothing at all for a span that is not sampled. Every SDK span of an operation is a descendant of
// its objstore span, a failed multipart upload's abort included. The SDK's own metrics are not recorded. The providers default
// to the OTel globals; this package never sets them. What the instrumentation costs per Put is
// measured by BenchmarkPutOverhead here and BenchmarkPeerOverhead in bench/s3bench; the figures
// are in bench/README.md.
//
// # Shutdown
//
// [Bucket.Close] marks the bucket closed (later calls return [objstore.ErrClosed]) and closes the
// idle connections of a client built by [New]; the decorator's Close closes it. Operations in
// flight finish; a streamed Get keeps reading until its reader is closed. Close does not flush
// telemetry: shut the tracer and meter providers down after the buckets that use them.
package s3
