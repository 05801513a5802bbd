package cpuclock

import "golang.org/x/sys/unix"

// ThreadNanos returns the CPU time of the calling OS thread in nanoseconds
// (CLOCK_THREAD_CPUTIME_ID). Lock the goroutine to its thread (runtime.LockOSThread) between two
// readings.
func ThreadNanos() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic("cpuclock: " + err.Error())
	}
	return ts.Nano()
}
