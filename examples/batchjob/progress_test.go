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

func TestProgress(t *testing.T) {
	const clear = "\r\033[K"
	bar := func(filled, pct int, text string) string {
		return clear + "[" + strings.Repeat("#", filled) + strings.Repeat(".", barWidth-filled) + "] " + text
	}
	for _, tc := range []struct {
		mode string
		want string
	}{
		{"plain", "step 1/2 done: a\nstep 2/2 done: b\n" +
			"uploaded 1/4 artifacts, 10 B\nuploaded 2/4 artifacts, 20 B\nuploaded 3/4 artifacts, 30 B, 1 failed\n" +
			"log line\nuploaded 4/4 artifacts, 40 B, 1 failed\n"},
		{"bar", bar(15, 50, " 50% step 1/2 a") + bar(30, 100, "100% step 2/2 b") + "\n" +
			bar(7, 25, " 25% uploaded 1/4 artifacts, 10 B") + bar(15, 50, " 50% uploaded 2/4 artifacts, 20 B") +
			bar(22, 75, " 75% uploaded 3/4 artifacts, 30 B, 1 failed") +
			clear + "log line\n" + "[" + strings.Repeat("#", 22) + strings.Repeat(".", 8) + "]  75% uploaded 3/4 artifacts, 30 B, 1 failed" +
			bar(30, 100, "100% uploaded 4/4 artifacts, 40 B, 1 failed") + "\n"},
		{"off", "log line\n"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var out exampletest.Buffer
			p := newProgress(&out, tc.mode)
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
			if got := out.String(); got != tc.want {
				t.Errorf("output\n%q\nwant\n%q", got, tc.want)
			}
		})
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
