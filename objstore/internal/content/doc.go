// Package content handles object content for the providers of this module: [Copy] (membucket,
// filebucket) honours cancellation between reads, and [Exact] and [Seekable] (objstore/s3's
// request bodies) hold a body to its declared length. It is the one place the declared size of
// a Put is checked, so a short or long body never becomes a stored object on any provider: the
// error wraps objstore.ErrIntegrity.
//
// # Configuration
//
// None.
//
// # Emitted telemetry
//
// None: the providers are instrumented by objstore.Instrument.
//
// # Shutdown
//
// Nothing to shut down.
package content
