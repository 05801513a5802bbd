package logpipe

import (
	"fmt"
	"io"
	"time"
)

// warner writes rate-limited warnings about lost records straight to a
// writer, never through the pipeline. It is used by one goroutine at a time.
type warner struct {
	w        io.Writer
	interval time.Duration
	last     time.Time
	reported Stats
}

// check writes one warning if records were dropped since the last warning
// and the interval has passed (or force is set). lastErr is the most recent
// export error, if any.
func (w *warner) check(now time.Time, s Stats, lastErr string, force bool) {
	if s.Dropped == w.reported.Dropped {
		return
	}
	if !force && !w.last.IsZero() && now.Sub(w.last) < w.interval {
		return
	}
	d := s.Dropped - w.reported.Dropped
	msg := fmt.Sprintf("obskit logpipe: WARNING: dropped %d log records (queue full: %d, export failed: %d, rejected: %d, after shutdown: %d); %d dropped in total since start",
		d,
		s.DroppedQueueFull-w.reported.DroppedQueueFull,
		s.DroppedExportFailed-w.reported.DroppedExportFailed,
		s.DroppedRejected-w.reported.DroppedRejected,
		s.DroppedShutdown-w.reported.DroppedShutdown,
		s.Dropped)
	if lastErr != "" {
		msg += "; last export error: " + lastErr
	}
	_, _ = io.WriteString(w.w, msg+"\n")
	w.last = now
	w.reported = s
}
