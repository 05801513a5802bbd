package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/esper-platform/obskit/examples/internal/otlpfile"
	"github.com/esper-platform/obskit/objstore"
)

// summary is everything the closing report shows.
type summary struct {
	result   result
	stats    []objstore.OpStats
	contents otlpfile.Contents
	dir      string
	// traces, logs and metrics say whether the signal was written to a file.
	traces, logs, metrics bool
}

// spanCounts is the number of spans read back, by who made them.
type spanCounts struct {
	total, quickstart, objstore, sdk int
	byObjstoreOp                     map[string]int
}

func countSpans(spans []otlpfile.Span) spanCounts {
	c := spanCounts{total: len(spans), byObjstoreOp: map[string]int{}}
	for _, s := range spans {
		switch s.Scope {
		case scopeName:
			c.quickstart++
		case objstore.ScopeName:
			c.objstore++
			c.byObjstoreOp[s.Name]++
		default:
			c.sdk++
		}
	}
	return c
}

// logCounts is the number of log records read back, and of those that carry a trace id.
func logCounts(recs []otlpfile.LogRecord) (total, withTrace int) {
	for _, r := range recs {
		if r.TraceID != "" {
			withTrace++
		}
	}
	return len(recs), withTrace
}

// overallRate is successes / (successes + failures) over every operation.
func overallRate(stats []objstore.OpStats) (rate float64, ok, counted int64) {
	for _, s := range stats {
		ok += s.Successes
		counted += s.Successes + s.Failures
	}
	if counted == 0 {
		return 0, 0, 0
	}
	return float64(ok) / float64(counted), ok, counted
}

func printSummary(w io.Writer, s summary) {
	r := s.result
	fmt.Fprintln(w, "obskit quickstart: summary")
	fmt.Fprintf(w, "  objects      %d generated, %d stored, %d read back byte-identical, %d listed\n",
		r.objects, r.stored, r.verified, r.listed)
	var up, down int64
	for _, st := range s.stats {
		switch st.Op {
		case objstore.OpPut:
			up += st.Bytes
		case objstore.OpGet, objstore.OpGetRange:
			down += st.Bytes
		}
	}
	fmt.Fprintf(w, "  bytes        %s uploaded, %s downloaded\n", humanize.IBytes(uint64(up)), humanize.IBytes(uint64(down)))
	rate, ok, counted := overallRate(s.stats)
	fmt.Fprintf(w, "  success      %.2f%% (%d of %d operations)\n", 100*rate, ok, counted)
	for _, st := range s.stats {
		fmt.Fprintf(w, "  %-12s n=%d rate=%.2f%% p50=%s p95=%s p99=%s\n", string(st.Op), st.Count,
			100*st.SuccessRate, roundForTable(st.P50), roundForTable(st.P95), roundForTable(st.P99))
	}
	if s.traces {
		c := countSpans(s.contents.Spans)
		fmt.Fprintf(w, "  spans        %d written to %s/%s: %d quickstart, %d objstore (%s), %d AWS SDK\n",
			c.total, s.dir, otlpfile.TracesFile, c.quickstart, c.objstore, opList(c.byObjstoreOp), c.sdk)
	} else {
		fmt.Fprintln(w, "  spans        not written to a file (OTEL_TRACES_EXPORTER has no file)")
	}
	if s.logs {
		total, withTrace := logCounts(s.contents.LogRecords)
		fmt.Fprintf(w, "  log records  %d written to %s/%s, %d with a trace id\n", total, s.dir, otlpfile.LogsFile, withTrace)
	} else {
		fmt.Fprintln(w, "  log records  not written to a file (OTEL_LOGS_EXPORTER has no file)")
	}
	if s.metrics {
		fmt.Fprintf(w, "  metrics      %d written to %s/%s\n", len(s.contents.Metrics), s.dir, otlpfile.MetricsFile)
	}
	fmt.Fprintf(w, "  trace        %s (quickstart.run; grep it in %s)\n", r.traceID, otlpfile.TracesFile)
	fmt.Fprintf(w, "  took         %s\n", r.elapsed.Round(time.Millisecond))
}

// opList formats span counts by name in the order of the objstore operations, e.g.
// "24 put, 24 get, 1 list".
func opList(byName map[string]int) string {
	var parts []string
	for _, op := range []objstore.Op{objstore.OpPut, objstore.OpGet, objstore.OpGetRange, objstore.OpAttributes,
		objstore.OpExists, objstore.OpList, objstore.OpDelete} {
		if n := byName["objstore."+string(op)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, op))
		}
	}
	return strings.Join(parts, ", ")
}

// roundForTable rounds d for the summary's table: to microseconds below a millisecond, to 10µs
// below a second, to milliseconds above.
func roundForTable(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Millisecond)
	}
}
