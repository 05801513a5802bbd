//go:build !linux && !darwin

package configbench

import "time"

var processStart = time.Now()

// threadCPU falls back to the wall clock where no per-thread CPU clock is at hand.
func threadCPU() time.Duration { return time.Since(processStart) }
