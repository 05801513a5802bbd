package selfobs

import (
	"io"
	"os"
	"sync"
	"time"
)

// DefaultWarningInterval is the least time between two warnings of one [Warner].
const DefaultWarningInterval = 10 * time.Second

// Warner writes warnings to a plain writer, never through a telemetry pipeline, at most one
// per interval. Its methods are safe for concurrent use.
type Warner struct {
	w        io.Writer
	interval time.Duration
	now      func() time.Time

	mu       sync.Mutex
	last     time.Time // of the last warning; zero: never
	reported uint64    // the loss total the last Loss warning reported
}

// NewWarner returns a Warner writing to w, at most once per interval, reading the time from
// now. A nil w is os.Stderr; an interval of zero or less is [DefaultWarningInterval]; a nil
// now is time.Now.
func NewWarner(w io.Writer, interval time.Duration, now func() time.Time) *Warner {
	if w == nil {
		w = os.Stderr
	}
	if interval <= 0 {
		interval = DefaultWarningInterval
	}
	if now == nil {
		now = time.Now
	}
	return &Warner{w: w, interval: interval, now: now}
}

// Warn writes msg() and a newline unless a warning was written less than the interval ago.
// msg is called only when the warning is written. It reports whether it wrote.
func (w *Warner) Warn(msg func() string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.writeLocked(false, msg)
}

// Loss warns that a running count of lost items has reached total: when total grew since the
// last Loss warning, and the interval has passed or force is set (at shutdown, say), it writes
// msg(since), since being the items lost since that warning. It reports whether it wrote.
func (w *Warner) Loss(total uint64, force bool, msg func(since uint64) string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if total <= w.reported {
		return false
	}
	since := total - w.reported
	if !w.writeLocked(force, func() string { return msg(since) }) {
		return false
	}
	w.reported = total
	return true
}

func (w *Warner) writeLocked(force bool, msg func() string) bool {
	now := w.now()
	if !force && !w.last.IsZero() && now.Sub(w.last) < w.interval {
		return false
	}
	w.last = now
	_, _ = io.WriteString(w.w, msg()+"\n")
	return true
}
