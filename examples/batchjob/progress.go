package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/esper-platform/obskit/objstore"
)

// barWidth is the number of cells of the progress bar.
const barWidth = 30

// progress shows how far the job is: a bar (github.com/schollz/progressbar) redrawn in place on
// a terminal, plain lines otherwise, or nothing. Its methods are safe for concurrent use.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	mode     string                   // bar, plain or off
	bar      *progressbar.ProgressBar // bar mode: the bar on screen, nil when none
	lastStep int                      // plain mode: the upload quarter last reported
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

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
	text := fmt.Sprintf("uploaded %d/%d artifacts, %s", u.Done, u.Total, humanize.IBytes(uint64(max(u.Bytes, 0))))
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

// draw moves the bar to done of total with text after it, starting a bar if none is on screen.
// Called with p.mu held.
func (p *progress) draw(done, total int, text string) {
	if p.bar == nil || p.bar.GetMax() != total {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetWidth(barWidth),
			progressbar.OptionSetPredictTime(false),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionSetDescription(text))
	} else {
		// The description shows at the next render, which Set does.
		p.bar.Describe(text)
	}
	_ = p.bar.Set(done)
}

// finish ends the current bar with a newline, so that what follows starts on a line of its own.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Exit()
		fmt.Fprintln(p.w)
		p.bar = nil
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
		if p.bar != nil {
			_ = p.bar.Clear()
		}
		n, err := w.Write(b)
		if p.bar != nil {
			_ = p.bar.RenderBlank()
		}
		return n, err
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
