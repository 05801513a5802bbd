package logbench

import (
	"runtime"
	"sync"
)

// BusyLoops starts one spinning goroutine per GOMAXPROCS, to put a logger under CPU contention,
// and returns the function that stops them and waits for them to end.
func BusyLoops() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			x := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				for i := range 10000 {
					x += i
				}
			}
		})
	}
	return func() { close(done); wg.Wait() }
}
