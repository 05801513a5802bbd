// Package cpuclock times benchmarks by the CPU time of the calling OS thread, which the load of a
// shared machine weighs on far less than on wall time: [ThreadNanos] reads the clock, and
// [Pair] runs two functions interleaved in a benchmark loop and returns the CPU time each took.
package cpuclock
