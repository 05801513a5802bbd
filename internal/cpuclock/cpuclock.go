package cpuclock

import (
	"runtime"
	"testing"
)

// Pair runs base and other once each per iteration of b's loop, in alternating order, on a
// goroutine locked to its OS thread, and returns the thread CPU time per call of each in
// nanoseconds. The difference is what other costs over base, with the load of the machine and
// its drift during the run shared by both.
func Pair(b *testing.B, base, other func()) (baseNs, otherNs float64) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var baseT, otherT int64
	i := 0
	for b.Loop() {
		first, second := base, other
		if i%2 == 1 {
			first, second = other, base
		}
		t0 := ThreadNanos()
		first()
		t1 := ThreadNanos()
		second()
		t2 := ThreadNanos()
		if i%2 == 0 {
			baseT, otherT = baseT+t1-t0, otherT+t2-t1
		} else {
			otherT, baseT = otherT+t1-t0, baseT+t2-t1
		}
		i++
	}
	if i == 0 {
		return 0, 0
	}
	return float64(baseT) / float64(i), float64(otherT) / float64(i)
}
