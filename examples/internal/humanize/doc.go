// Package humanize formats sizes and durations for the examples' summaries.
//
// # Configuration
//
// None.
//
// # Emitted telemetry
//
// None.
//
// # Shutdown
//
// Nothing to shut down.
package humanize
