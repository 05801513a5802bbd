package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/esper-platform/obskit/examples/internal/humanize"
	"github.com/esper-platform/obskit/objstore"
)

// barWidth is the number of cells of the progress bar.
const barWidth = 30

// progress shows how far the job is: a bar redrawn in place on a terminal, plain lines
// otherwise, or nothing. Its methods are safe for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	mode     string // bar, plain or off
	drawn    string // the bar currently on screen ("" when none)
	lastStep int    // plain mode: the upload quarter last reported
}

// newProgress returns the progress display for mode (auto, bar, plain, off) writing to w; auto
// is bar when w is a terminal.
func newProgress(w io.Writer, mode string) *progress {
	if mode == "auto" {
		mode = "plain"
		if isTerminal(w) {
			mode = "bar"
		}
	}
	return &progress{w: w, mode: mode, lastStep: -1}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// step reports that done of total steps have ended, the last one named name.
func (p *progress) step(done, total int, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch p.mode {
	case "bar":
		p.draw(done, total, fmt.Sprintf("step %d/%d %s", done, total, name))
	case "plain":
		fmt.Fprintf(p.w, "step %d/%d done: %s\n", done, total, name)
	}
}

// upload reports UploadMany's progress. Plain mode writes a line at each quarter and at the end.
func (p *progress) upload(u objstore.UploadProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	text := fmt.Sprintf("uploaded %d/%d artifacts, %s", u.Done, u.Total, humanize.Bytes(u.Bytes))
	if u.Failed > 0 {
		text += fmt.Sprintf(", %d failed", u.Failed)
	}
	switch p.mode {
	case "bar":
		p.draw(u.Done, u.Total, text)
	case "plain":
		quarter := 4 * u.Done / max(u.Total, 1)
		if quarter != p.lastStep {
			p.lastStep = quarter
			fmt.Fprintln(p.w, text)
		}
	}
}

// draw redraws the bar in place. Called with p.mu held.
func (p *progress) draw(done, total int, text string) {
	filled := barWidth * done / max(total, 1)
	p.drawn = fmt.Sprintf("[%s%s] %3d%% %s", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled),
		100*done/max(total, 1), text)
	fmt.Fprint(p.w, "\r\033[K"+p.drawn)
}

// finish ends the current bar with a newline, so that what follows starts on a line of its own.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn != "" {
		fmt.Fprintln(p.w)
		p.drawn = ""
	}
	p.lastStep = -1
}

// around returns a writer for other output to the same terminal (the console log): each write
// clears the bar, writes, and draws the bar again below, so lines and bar do not mix.
func (p *progress) around(w io.Writer) io.Writer {
	if p.mode != "bar" {
		return w
	}
	return writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.drawn != "" {
			fmt.Fprint(p.w, "\r\033[K")
		}
		n, err := w.Write(b)
		if p.drawn != "" {
			fmt.Fprint(p.w, p.drawn)
		}
		return n, err
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
