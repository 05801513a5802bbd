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
// [ErrInvalidRange], [ErrIntegrity], [ErrClosed], so errors.Is and [IsNotFound],
// [IsInvalidKey], [IsIntegrity], [IsClosed] work with every provider. Put is all-or-nothing;
// Delete is idempotent; Exists answers false, not an error, for a missing object; List is in
// lexical key order; a range read starting at or past the end reads nothing.
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
//
// Span attributes:
//
//	objstore.operation   string   put, get, get_range, attributes, exists, list, delete
//	aws.s3.bucket        string   the name given by WithBucketName (absent without it)
//	aws.s3.key           string   the object key (not on list spans)
//	objstore.prefix      string   list only: the prefix
//	objstore.objects     int      list only: objects yielded
//	objstore.success     bool     true when the operation did what was asked
//	objstore.outcome     string   success, not_found, canceled, failure (see Outcome)
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
// is a failure), and a missing object asked for by Get, GetRange or Attributes (outcome
// not_found, objstore.success=false, status Unset). Exists of a missing object is a success.
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
// [WithRegistry] and [WithInstrumentation]. A nil option is skipped, and a zero value (nil
// provider, empty name, concurrency below 1) leaves the default. A service usually reads one
// variable (e.g. OBJSTORE_URL) and passes it to Open; objstore/s3 documents its own variables.
//
// # Emitted telemetry
//
// Only through [Instrument], as listed under OpenTelemetry. The bare providers emit nothing. A
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
