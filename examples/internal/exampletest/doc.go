// Package exampletest holds what the examples' tests share: the environment that points an
// example at real servers started by internal/testserver, the check that no secret reaches any
// output, a buffer for a running example's output and an in-memory span exporter that outlives
// shutdown. Only tests import it.
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
// Nothing to shut down; the servers belong to the test that started them.
package exampletest
