// Package objstoretest is the acceptance suite every [objstore.Bucket] must pass. Entry point:
// [Run], called from a provider's tests with a function returning the bucket under test.
//
// It checks, on any provider: round trips of 0 B, 1 B, 1 KiB and 5 MiB + 1 objects from readers
// of known and unknown length; overwrites; range reads (to the end, beyond the end, past the
// end, negative offset); attributes; Exists; List with prefixes, lexical order, early break and
// more objects than an S3 page; idempotent Delete; not-found errors as *objstore.OpError;
// invalid keys rejected before any request; cancelled contexts (before and during a Put);
// failed Puts that leave the previous object whole; concurrent Puts; and ErrClosed after Close.
//
// # Configuration
//
// Options of [Run]: [WithListCount] (default 1500) or [WithoutListMany], [WithLargeSize] (5 MiB
// + 1), [WithConcurrentPuts] (32), [WithPrefix] ("objstoretest/"), [WithRequestCounter] (none).
// A nil option is skipped, and a zero or negative count or size, an empty prefix or a nil
// function leaves the default. No environment variables are read; the suite is deterministic.
//
// # Emitted telemetry
//
// None.
//
// # Shutdown
//
// Run closes every bucket it obtains and deletes what it stored.
package objstoretest
