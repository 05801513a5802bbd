// Package envdoc keeps the environment-variable tables in README.md in step with the
// configuration types: each table sits between `<!-- env:NAME -->` and `<!-- /env:NAME -->`
// markers and is generated with [envconfig.Markdown]. Tests call [Check], which fails when a
// table is stale and, run with `-update`, rewrites it.
//
// # Configuration
//
// None: the README path and sections are arguments.
//
// # Emitted telemetry
//
// None.
//
// # Shutdown
//
// Nothing to shut down.
package envdoc
