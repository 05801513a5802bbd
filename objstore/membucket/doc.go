// Package membucket provides an [objstore.Bucket] that keeps objects in memory, for tests and
// local runs. Entry point: [New], or [Register] to open it from a mem:// URL with
// [objstore.Open].
//
// It follows the same contract as every provider (it passes objstoretest): keys are checked
// with [objstore.ValidateKey], Put is all-or-nothing, List is in lexical key order, and every
// object gets an MD5 ETag and a CRC32C checksum. Content headers and metadata are kept with the
// object; conditions (objstore.WithIfNotExists, WithIfMatch) are checked under the lock that
// replaces the object, so they are atomic; Copy shares the source's content.
//
// # Configuration
//
// None: New takes no options and reads no environment variables.
//
// # Emitted telemetry
//
// None of its own. Wrap it with [objstore.Instrument] for spans and metrics; it sends no
// requests, so objstore.attempts stays 0.
//
// # Shutdown
//
// Close drops the objects; later calls return [objstore.ErrClosed]. Readers already returned by
// Get stay readable.
package membucket
