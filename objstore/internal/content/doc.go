// Package content copies object content for the providers in this module that store it
// themselves (membucket, filebucket): honouring cancellation between reads and checking the
// declared length, so a short or long body never becomes a stored object.
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
