//go:build !race

package logpipe_test

// raceEnabled reports whether the race detector is on: it slows logging and export alike, and
// tests that assert a rate assert a lower one.
const raceEnabled = false
