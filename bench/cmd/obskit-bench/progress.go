package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress shows how far the run is: a bar redrawn in place on a terminal, or one plain line
// per scenario otherwise. Work is counted in units: each scenario is given a weight by Begin
// and reports fractions of it with Add. Its methods are safe for concurrent use.
type progress struct {
	mu        sync.Mutex
	w         io.Writer
	bar       bool
	total     float64
	stepStart float64
	weight    float64
	done      float64
	status    string
	last      time.Time
}

// newProgress returns a progress of total units writing to w, as a bar when bar is set.
func newProgress(w io.Writer, bar bool, total float64) *progress {
	return &progress{w: w, bar: bar, total: total}
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Begin completes the previous scenario and starts one of weight units named status.
func (p *progress) Begin(status string, weight float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stepStart = min(p.stepStart+p.weight, p.total)
	p.done, p.weight, p.status = p.stepStart, weight, status
	p.draw(true)
}

// Add records that frac (0–1) of the current scenario's work was done.
func (p *progress) Add(frac float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = min(p.done+frac*p.weight, p.stepStart+p.weight, p.total)
	if p.bar && time.Since(p.last) > 100*time.Millisecond {
		p.draw(false)
	}
}

// Logf writes a line (above the bar on a terminal).
func (p *progress) Logf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, format+"\n", args...)
	if p.bar {
		p.draw(false)
	}
}

// Finish fills the bar and ends its line.
func (p *progress) Finish(status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.status = p.total, status
	p.draw(true)
	if p.bar {
		fmt.Fprintln(p.w)
	}
}

// draw redraws the bar, or writes a plain line when line is set.
func (p *progress) draw(line bool) {
	p.last = time.Now()
	frac := 0.0
	if p.total > 0 {
		frac = p.done / p.total
	}
	if !p.bar {
		if line {
			fmt.Fprintf(p.w, "[%3.0f%%] %s\n", 100*frac, p.status)
		}
		return
	}
	const width = 30
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %3.0f%% %s", strings.Repeat("#", n), strings.Repeat(".", width-n), 100*frac, p.status)
}
