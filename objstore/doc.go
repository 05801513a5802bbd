// Package objstore is obskit's portable object storage: the [Bucket] interface, the errors and
// key rules every provider shares, and what is built over any Bucket — [Instrument] (spans and
// metrics), [UploadMany] (bounded-concurrency batch upload), [Stats] (a report of counts,
// success rate, latency quantiles and bytes) and [Open] (a bucket from a URL).
//
// Providers live in their own packages: objstore/s3 (AWS S3 and S3-compatible servers, the only
// package that imports the AWS SDK), objstore/filebucket (a directory), objstore/membucket
// (memory). objstore/objstoretest is the acceptance suite they all pass.
//
// Entry points: a provider's constructor (e.g. membucket.New), or [Open] with a [Registry]:
//
//	var reg objstore.Registry
//	membucket.Register(&reg)  // mem://
//	filebucket.Register(&reg) // file:///var/lib/app/objects
//	s3.Register(&reg)         // s3://bucket?region=…  (see objstore/s3)
//	b, err := objstore.Open(ctx, os.Getenv("OBJSTORE_URL"), objstore.WithRegistry(&reg))
//
// # Contract
//
// Keys are checked by [ValidateKey] before any request: non-empty, at most 1024 bytes of UTF-8,
// no control characters, no leading '/', no "." or ".." segment. Errors are [*OpError] values
// (operation, key, cause) wrapping the sentinels [ErrNotFound], [ErrInvalidKey],
// [ErrInvalidRange], [ErrIntegrity], [ErrClosed], [ErrPreconditionFailed],
// [ErrInvalidArgument], [ErrOutcomeUnknown], so errors.Is and [IsNotFound], [IsInvalidKey],
// [IsIntegrity], [IsClosed], [IsPreconditionFailed], [IsOutcomeUnknown] work with every provider.
// Put is all-or-nothing, and never reports a failure for content it stored: a provider whose
// request may have been applied without an answer looks at the key before returning, and fails
// with [ErrOutcomeUnknown] only when it cannot tell (event objstore.outcome_resolved on the
// span, [RecordResolution]). Delete is
// idempotent; Exists answers false, not an error, for a missing object; List is in lexical key
// order; a range read starting at or past the end reads nothing.
//
// # Writes, copies, batch deletes and directories
//
// Every provider honours the whole [Bucket] interface; nothing in it is S3-only:
//
//	err := b.Put(ctx, "reports/r.csv", r, size,
//		objstore.WithContentType("text/csv"),                    // and WithContentEncoding,
//		objstore.WithMetadata(map[string]string{"owner": "a"}),  // WithCacheControl,
//		objstore.WithIfNotExists())                              // WithContentDisposition
//	a, _ := b.Attributes(ctx, "reports/r.csv")                   // a.ContentType, a.Metadata, a.ETag
//	err = b.Put(ctx, "reports/r.csv", r2, n2, objstore.WithIfMatch(a.ETag)) // compare-and-swap
//	err = b.Copy(ctx, "archive/r.csv", "reports/r.csv")        // server-side, metadata kept
//	err = b.DeleteMany(ctx, keys)                              // *DeleteManyError per failed key
//	for e, err := range b.List(ctx, "reports/", objstore.WithDelimiter("/")) { … e.IsDir … }
//
// Put options ([PutOption]) are checked by [ValidatePutOptions] before any request (header
// values of printable ASCII, metadata keys in lower case, at most [MaxMetadataSize] bytes of
// metadata, one condition at most), so they fail alike everywhere with [ErrInvalidArgument].
// The conditions [WithIfNotExists] (create-only) and [WithIfMatch] (compare-and-swap on the
// ETag) are checked by the store atomically with the write; a condition that does not hold
// fails with [ErrPreconditionFailed] and stores nothing. Copy keeps the source's content
// headers and metadata unless an option sets any of them, and then replaces them all.
//
// What only S3 can do is reached with [As] on the provider's own type: objstore/s3's
// *s3.Bucket presigns GET and PUT URLs (PresignGet, PresignPut), and its configuration asks for
// server-side encryption of every object written (OBSKIT_S3_SSE); see objstore/s3.
//
// # OpenTelemetry
//
// [Instrument] decorates a Bucket. Every logical operation gets one span, started before the
// provider is called so that the provider's own spans (the AWS SDK's per-call and per-attempt
// spans) are its children:
//
//	span name             kind    when it ends
//	objstore.put          client  Put returns
//	objstore.get          client  the reader returned by Get is closed (or Get fails)
//	objstore.get_range    client  the reader returned by GetRange is closed (or it fails)
//	objstore.attributes   client  Attributes returns
//	objstore.exists       client  Exists returns
//	objstore.list         client  iteration stops (span starts when iteration starts)
//	objstore.delete       client  Delete returns
//	objstore.copy         client  Copy returns
//	objstore.delete_many  client  DeleteMany returns
//
// Span attributes:
//
//	objstore.operation   string   put, get, get_range, attributes, exists, list, delete, copy,
//	                              delete_many
//	aws.s3.bucket        string   the name given by WithBucketName (absent without it)
//	aws.s3.key           string   the object key; copy: the destination (not on list and
//	                              delete_many spans)
//	aws.s3.copy_source   string   copy only: the source, as bucket/key when the bucket name
//	                              is known
//	objstore.prefix      string   list only: the prefix
//	objstore.objects     int      list: entries yielded (directories included); delete_many:
//	                              keys given
//	objstore.success     bool     true when the operation did what was asked
//	objstore.outcome     string   success, not_found, canceled, precondition_failed, failure
//	                              (see Outcome)
//	objstore.latency_ms  float64  duration in milliseconds (Get: until Close)
//	objstore.bytes       int      content bytes: the object's size for a successful Put,
//	                              bytes read before Close for Get/GetRange, else 0
//	objstore.attempts    int      requests the provider reported with RecordAttempt (0 for
//	                              providers that send none, such as mem and file)
//	error.type           string   failures only: see ErrorType (e.g. invalid_key,
//	                              deadline_exceeded, SlowDown)
//
// A failure also sets the span status to Error with the error's message and records it as an
// exception event; otherwise the status is left Unset. Expected results are not failures (as in
// thanos objstore): cancellation of the caller's context (context.Canceled; an expired deadline
// is a failure), a missing object asked for by Get, GetRange or Attributes (outcome
// not_found, objstore.success=false, status Unset), and a conditional Put or Copy whose
// condition does not hold (outcome precondition_failed, status Unset). Exists of a missing
// object is a success.
// A reader returned by Get counts bytes with an integer add per Read (no allocation); a reader
// never closed leaves its span unended and its operation in flight.
//
// Metrics (meter and tracer scope [ScopeName]); object keys are never metric attributes:
//
//	objstore.operations          counter (obs.) {operation}  objstore.operation, objstore.outcome
//	objstore.operation.duration  histogram      s            objstore.operation, objstore.outcome;
//	                                                         buckets 1 ms … 5 min; exemplars
//	                                                         link to the operation's trace
//	objstore.bytes               counter (obs.) By           objstore.direction (upload, download)
//	objstore.inflight            updown  (obs.) {operation}  objstore.operation
//	objstore.retries             counter (obs.) {retry}      objstore.operation
//
// Every metric also carries aws.s3.bucket when [WithBucketName] is given. Only the duration is
// recorded as the operation ends (with the span's context, for its exemplar); the metrics marked
// obs. are observable instruments whose callback reads per-operation atomic counters at
// collection, which spares an operation four synchronous measurements (see bench/README.md for
// what that saves). Their callback stays registered after Close and reports
// the final counts, so an export after Close still counts every operation; it holds a few
// hundred bytes of counters, not the bucket.
//
// Providers feed objstore.attempts and objstore.retries through the context: [RecordAttempt]
// once per request attempt sent (first try or retry), and [RecordRetry] once per attempt that is
// a retry. Both are no-ops that do not allocate when the context does not come from Instrument,
// so providers call them unconditionally; objstore/s3 calls them from an SDK middleware.
//
// # Configuration
//
// Nothing here reads the environment. [Instrument] takes [WithTracerProvider] and
// [WithMeterProvider] (default: the OTel globals), [WithBucketName] and [WithStats];
// [UploadMany] takes [WithConcurrency] (default 16) and [WithProgress]; [Open] takes
// [WithRegistry] and [WithInstrumentation]; Put and Copy take [PutOption]s, List
// [ListOption]s. A nil option is skipped, and a zero value (nil
// provider, empty name, concurrency below 1) leaves the default. A service usually reads one
// variable (e.g. OBJSTORE_URL) and passes it to Open; objstore/s3 documents its own variables.
//
// # Emitted telemetry
//
// Only through [Instrument], as listed under OpenTelemetry, plus one objstore.retry event on the
// operation's span per retry that a provider reports with [RecordRetryEvent] (objstore/s3 does:
// the attempt that failed, error.type, http.response.status_code, objstore.retry.backoff_ms),
// and one objstore.outcome_resolved event (objstore.resolution) per ambiguous write a provider
// resolves, reported with [RecordResolution]. The bare providers emit nothing. A
// bucket is instrumented once: Instrument returns an already instrumented bucket (its own
// decorator, objstore/s3's buckets by default, or a decorator of either exposing Unwrap() Bucket)
// as it is, so [Open] with [WithInstrumentation] never records two spans per operation. [As]
// reaches a provider's own types (e.g. the SDK client of objstore/s3) through the decorators.
//
// # Shutdown
//
// Close a Bucket when done; later calls return [ErrClosed]. The decorator's Close closes the
// decorated bucket. Readers returned by Get must each be closed (that also ends their spans).
// [UploadMany] returns only when every Put it started has ended. Flushing spans and metrics is
// the job of whoever owns the providers (package telemetry).
package objstore
