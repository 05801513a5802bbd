//go:build !linux

package cpuclock

import "time"

var start = time.Now()

// ThreadNanos returns wall time in nanoseconds where the thread's CPU clock is not read (only
// Linux reads it): figures taken there include the machine's other load.
func ThreadNanos() int64 { return int64(time.Since(start)) }
