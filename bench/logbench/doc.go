// Package logbench compares obskit's logging with what users would pick instead, on the same
// call: InfoContext(ctx, "request handled", 4 attributes) or the library's equivalent, with a
// sampled span in ctx.
//
// The loggers (Target) are built by NewSlogJSON (log/slog's JSON handler to io.Discard), NewZap
// (zap's production JSON encoder, no sampling, no caller, io.Discard), NewZerolog (io.Discard),
// NewStockOTel (the otelslog bridge over sdk/log's BatchProcessor with default settings), and
// NewObskit (telemetry.Setup(...).Logger(), so the figures follow whatever pipeline telemetry
// uses), each either discarding what it exports or sending it over OTLP gRPC to a Receiver, an
// in-process OTLP LogsService server on loopback that counts the records it is given. NewLogpipe
// builds obskit's exporters/logpipe provider directly.
//
// The benchmarks (bench_test.go) and the obskit-bench runner (bench/cmd/obskit-bench) share
// these constructors, so both measure the same loggers.
//
// # Configuration
//
// None; run go test -bench . ./logbench from the bench module. BenchmarkBurst logs BurstRecords
// records per iteration.
//
// # Emitted telemetry
//
// Only what the loggers under test export, to io.Discard or to the in-process Receiver.
//
// # Shutdown
//
// Target.Close flushes and stops a logger's pipeline; Receiver.Close stops the receiver.
package logbench
