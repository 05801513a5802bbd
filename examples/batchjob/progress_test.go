package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/examples/internal/exampletest"
	"github.com/esper-platform/obskit/objstore"
)

// runProgress drives a progress display the way the job does: two steps, then an upload of
// four artifacts with a log line written during it.
func runProgress(mode string) string {
	var out exampletest.Buffer
	p := newProgress(&out, mode)
	p.step(1, 2, "a")
	p.step(2, 2, "b")
	p.finish()
	logs := p.around(&out)
	for i := 1; i <= 4; i++ {
		failed := 0
		if i >= 3 {
			failed = 1
		}
		p.upload(objstore.UploadProgress{Done: i, Total: 4, Failed: failed, Bytes: int64(10 * i)})
		if i == 3 {
			_, _ = io.WriteString(logs, "log line\n")
		}
	}
	p.finish()
	return out.String()
}

func TestProgressPlainAndOff(t *testing.T) {
	for _, tc := range []struct {
		mode string
		want string
	}{
		{"plain", "step 1/2 done: a\nstep 2/2 done: b\n" +
			"uploaded 1/4 artifacts, 10 B\nuploaded 2/4 artifacts, 20 B\nuploaded 3/4 artifacts, 30 B, 1 failed\n" +
			"log line\nuploaded 4/4 artifacts, 40 B, 1 failed\n"},
		{"off", "log line\n"},
	} {
		if got := runProgress(tc.mode); got != tc.want {
			t.Errorf("%s: output\n%q\nwant\n%q", tc.mode, got, tc.want)
		}
	}
}

// TestProgressBar checks what the bar draws, not the library's exact bytes: each phase ends at
// a full bar and a newline, and a log line is written on a cleared line with the bar redrawn
// after it.
func TestProgressBar(t *testing.T) {
	got := runProgress("bar")
	full := "100% |" + strings.Repeat("█", barWidth) + "|"
	lines := strings.SplitAfter(got, "\n")
	if len(lines) != 4 || lines[3] != "" {
		t.Fatalf("output %q: want 3 lines (steps, log line, upload)", got)
	}
	steps, logLine, upload := lines[0], lines[1], lines[2]
	lastDrawn := func(line string) string { // what stays on screen: the text after the last \r
		return strings.TrimSuffix(line[strings.LastIndex(line, "\r")+1:], "\n")
	}
	if s := lastDrawn(steps); !strings.Contains(s, full) || !strings.Contains(s, "step 2/2 b") {
		t.Errorf("steps end with %q, want a full bar and step 2/2 b", s)
	}
	if !strings.Contains(steps, " 50% |") || !strings.Contains(steps, "step 1/2 a") {
		t.Errorf("steps %q: the bar was not drawn at 50%% with step 1/2 a", steps)
	}
	// The log line starts on a cleared line: the bar is wiped (blanks, \r) before it.
	if !strings.HasSuffix(logLine, "\rlog line\n") || strings.Contains(lastDrawn(logLine), "|") {
		t.Errorf("log line %q: want the bar cleared before it", logLine)
	}
	if !strings.Contains(logLine, "75% |") {
		t.Errorf("before the log line %q: want the bar at 75%%", logLine)
	}
	if !strings.Contains(upload, "75% |") || !strings.Contains(upload, "uploaded 3/4 artifacts, 30 B, 1 failed") {
		t.Errorf("after the log line %q: want the bar redrawn at 75%%", upload)
	}
	if s := lastDrawn(upload); !strings.Contains(s, full) || !strings.Contains(s, "uploaded 4/4 artifacts, 40 B, 1 failed") {
		t.Errorf("upload ends with %q, want a full bar and uploaded 4/4 artifacts, 40 B, 1 failed", s)
	}
}

func TestProgressAuto(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if m := newProgress(f, "auto").mode; m != "plain" {
		t.Errorf("auto on a regular file = %s, want plain", m)
	}
	if m := newProgress(&exampletest.Buffer{}, "auto").mode; m != "plain" {
		t.Errorf("auto on a buffer = %s, want plain", m)
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		t.Logf("no terminal to check bar detection on: %v", err)
		return
	}
	defer tty.Close()
	if m := newProgress(tty, "auto").mode; m != "bar" {
		t.Errorf("auto on /dev/tty = %s, want bar", m)
	}
}
