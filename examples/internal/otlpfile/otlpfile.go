package otlpfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// File names the file exporters write in their folder (see exporters.FileName).
const (
	TracesFile  = "traces.jsonl"
	LogsFile    = "logs.jsonl"
	MetricsFile = "metrics.jsonl"
)

// maxLine bounds one line (one export request); the SDK batches at most 512 spans or records.
const maxLine = 64 << 20

// Mark holds the sizes of a folder's files at one moment; Read starts after them.
type Mark map[string]int64

// MarkFiles returns the current sizes of the files in dir; a missing file or folder has size 0.
func MarkFiles(dir string) (Mark, error) {
	m := Mark{}
	for _, name := range []string{TracesFile, LogsFile, MetricsFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			m[name] = 0
		case err != nil:
			return nil, err
		default:
			m[name] = fi.Size()
		}
	}
	return m, nil
}

// Span is one span read back.
type Span struct {
	Scope        string
	Name         string
	TraceID      string // lower-case hex
	SpanID       string // lower-case hex
	ParentSpanID string // lower-case hex, "" for a root span
	Attributes   map[string]any
}

// LogRecord is one log record read back.
type LogRecord struct {
	Scope        string
	SeverityText string
	Body         any
	TraceID      string // lower-case hex, "" when logged outside a span
	SpanID       string // lower-case hex, "" when logged outside a span
	Attributes   map[string]any
}

// Contents is what the files held after a Mark.
type Contents struct {
	Spans      []Span
	LogRecords []LogRecord
	// Metrics are the names of the metrics exported, one entry per metric per export.
	Metrics []string
}

// Read parses what was appended to the files of dir since mark (nil: from the start), with the
// Collector's pdata JSON unmarshalers. A missing file reads as empty.
func Read(dir string, mark Mark) (Contents, error) {
	var c Contents
	err := readLines(filepath.Join(dir, TracesFile), mark[TracesFile], func(line []byte) error {
		traces, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
		if err != nil {
			return err
		}
		for _, rs := range traces.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					c.Spans = append(c.Spans, Span{Scope: ss.Scope().Name(), Name: s.Name(), TraceID: s.TraceID().String(),
						SpanID: s.SpanID().String(), ParentSpanID: s.ParentSpanID().String(), Attributes: s.Attributes().AsRaw()})
				}
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	err = readLines(filepath.Join(dir, LogsFile), mark[LogsFile], func(line []byte) error {
		logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
		if err != nil {
			return err
		}
		for _, rl := range logs.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, r := range sl.LogRecords().All() {
					c.LogRecords = append(c.LogRecords, LogRecord{Scope: sl.Scope().Name(), SeverityText: r.SeverityText(),
						Body: r.Body().AsRaw(), TraceID: r.TraceID().String(), SpanID: r.SpanID().String(),
						Attributes: r.Attributes().AsRaw()})
				}
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	err = readLines(filepath.Join(dir, MetricsFile), mark[MetricsFile], func(line []byte) error {
		metrics, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
		if err != nil {
			return err
		}
		for _, rm := range metrics.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					c.Metrics = append(c.Metrics, m.Name())
				}
			}
		}
		return nil
	})
	return c, err
}

// readLines calls f with each line of path after offset.
func readLines(path string, offset int64, f func([]byte) error) error {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer file.Close()
	if _, err := file.Seek(offset, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := f(sc.Bytes()); err != nil {
			return fmt.Errorf("otlpfile: %s, line %d after the mark: %w", filepath.Base(path), n, err)
		}
	}
	return sc.Err()
}
