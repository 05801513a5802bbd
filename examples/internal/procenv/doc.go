// Package procenv turns the process environment into the map the examples pass to
// envconfig.WithEnvironment, telemetry.WithEnvironment and storage.Open, so that their run
// functions read one injected environment and tests never touch the process's own.
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
package procenv
