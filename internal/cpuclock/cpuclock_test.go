package cpuclock

import (
	"runtime"
	"testing"
	"time"
)

// spin burns CPU on the calling thread for about d of thread CPU time.
func spin(d time.Duration) {
	t0 := ThreadNanos()
	for ThreadNanos()-t0 < int64(d) {
	}
}

func TestThreadNanosCountsCPUNotSleep(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only Linux reads the thread's CPU clock; elsewhere ThreadNanos is wall time")
	}
	t0 := ThreadNanos()
	time.Sleep(50 * time.Millisecond)
	slept := ThreadNanos() - t0
	t1 := ThreadNanos()
	spin(20 * time.Millisecond)
	spun := ThreadNanos() - t1
	if spun < int64(20*time.Millisecond) {
		t.Errorf("20 ms of spinning read as %v", time.Duration(spun))
	}
	if slept > int64(10*time.Millisecond) {
		t.Errorf("50 ms asleep read as %v of CPU", time.Duration(slept))
	}
}

func TestPair(t *testing.T) {
	var baseNs, otherNs float64
	calls := [2]int{}
	res := testing.Benchmark(func(b *testing.B) {
		baseNs, otherNs = Pair(b,
			func() { calls[0]++; spin(20 * time.Microsecond) },
			func() { calls[1]++; spin(120 * time.Microsecond) })
	})
	if calls[0] == 0 || calls[0] != calls[1] {
		t.Fatalf("calls %v: want as many of each, at least one", calls)
	}
	if d := otherNs - baseNs; d < 80e3 || d > 200e3 {
		t.Errorf("base %.0f ns, other %.0f ns per call over %d iterations: difference %.0f ns, want ~100 µs", baseNs, otherNs, res.N, d)
	}
}
