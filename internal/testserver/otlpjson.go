package testserver

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// This file reads the Collector file exporter's output: one OTLP-JSON export
// request per line (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding),
// decoded by the Collector's own pdata JSON unmarshalers and flattened into
// the plain structs below. Trace and span IDs become lower-case hex; values
// keep the type they were sent with. Records from one resource share its
// attribute map.

// Scope is the instrumentation scope of a record.
type Scope struct {
	Name       string
	Version    string
	Attributes map[string]any
}

// LogRecord is one log record as the Collector received it. Attribute and
// body values are string, bool, int64, float64, []byte, []any or
// map[string]any, as sent.
type LogRecord struct {
	// Resource holds the resource attributes.
	Resource       map[string]any
	Scope          Scope
	Time           time.Time // zero if not sent
	ObservedTime   time.Time // zero if not sent
	SeverityNumber int       // 9 is INFO, 13 WARN, 17 ERROR
	SeverityText   string
	EventName      string
	Body           any
	Attributes     map[string]any
	TraceID        string // lower-case hex, "" if none
	SpanID         string // lower-case hex, "" if none
}

// Span is one span as the Collector received it; values as in [LogRecord].
type Span struct {
	// Resource holds the resource attributes.
	Resource      map[string]any
	Scope         Scope
	TraceID       string // lower-case hex
	SpanID        string // lower-case hex
	ParentSpanID  string // lower-case hex, "" for a root span
	Name          string
	Kind          int // 1 internal, 2 server, 3 client, 4 producer, 5 consumer
	Start         time.Time
	End           time.Time
	Attributes    map[string]any
	Events        []SpanEvent
	StatusCode    int // 0 unset, 1 ok, 2 error
	StatusMessage string
}

// SpanEvent is an event recorded on a [Span].
type SpanEvent struct {
	Name       string
	Time       time.Time
	Attributes map[string]any
}

// Metric is one metric of one export request; values as in [LogRecord].
type Metric struct {
	// Resource holds the resource attributes.
	Resource    map[string]any
	Scope       Scope
	Name        string
	Description string
	Unit        string
	// Type is "gauge", "sum", "histogram", "exponentialHistogram" or "summary".
	Type string
	// Monotonic is set for a monotonic sum (a counter).
	Monotonic bool
	// Temporality is 1 for delta, 2 for cumulative, 0 for gauges and summaries.
	Temporality int
	Points      []DataPoint
}

// DataPoint is one point of a [Metric].
type DataPoint struct {
	Attributes map[string]any
	Time       time.Time
	// Value is the value of a gauge or sum point (integer or double), and
	// the sum of a histogram or summary point.
	Value float64
	// Count is the count of a histogram or summary point.
	Count uint64
	// BucketCounts and ExplicitBounds describe an explicit-bucket histogram.
	BucketCounts   []uint64
	ExplicitBounds []float64
	Exemplars      []Exemplar
}

// Exemplar is an exemplar of a [DataPoint].
type Exemplar struct {
	Value   float64
	TraceID string // lower-case hex, "" if none
	SpanID  string // lower-case hex, "" if none
	// Attributes are the exemplar's filtered attributes.
	Attributes map[string]any
}

// readJSONLines decodes each complete line of the file, an export request,
// into its log records, spans or metrics with decode. A last line without its
// newline is being written and is left for the next call. A missing file
// gives none; a line that does not decode ends the test.
func readJSONLines[T any](t testing.TB, path string, decode func(line []byte) ([]T, error)) []T {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	} else {
		data = nil
	}
	var out []T
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		items, err := decode(line)
		if err != nil {
			t.Fatalf("testserver: %s line %d: %v", path, n+1, err)
		}
		out = append(out, items...)
	}
	return out
}

// timeOf converts a pdata timestamp; 0 (not sent) gives the zero time.
func timeOf(ts pcommon.Timestamp) time.Time {
	if ts == 0 {
		return time.Time{}
	}
	return ts.AsTime()
}

// scopeOf converts an instrumentation scope.
func scopeOf(s pcommon.InstrumentationScope) Scope {
	return Scope{Name: s.Name(), Version: s.Version(), Attributes: s.Attributes().AsRaw()}
}

// logRecordOf decodes one logs export request into its log records.
func logRecordOf(line []byte) ([]LogRecord, error) {
	logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
	if err != nil {
		return nil, err
	}
	var out []LogRecord
	for _, rl := range logs.ResourceLogs().All() {
		res := rl.Resource().Attributes().AsRaw()
		for _, sl := range rl.ScopeLogs().All() {
			scope := scopeOf(sl.Scope())
			for _, lr := range sl.LogRecords().All() {
				out = append(out, LogRecord{
					Resource:       res,
					Scope:          scope,
					Time:           timeOf(lr.Timestamp()),
					ObservedTime:   timeOf(lr.ObservedTimestamp()),
					SeverityNumber: int(lr.SeverityNumber()),
					SeverityText:   lr.SeverityText(),
					EventName:      lr.EventName(),
					Body:           lr.Body().AsRaw(),
					Attributes:     lr.Attributes().AsRaw(),
					TraceID:        lr.TraceID().String(),
					SpanID:         lr.SpanID().String(),
				})
			}
		}
	}
	return out, nil
}

// spanOf decodes one traces export request into its spans.
func spanOf(line []byte) ([]Span, error) {
	traces, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
	if err != nil {
		return nil, err
	}
	var out []Span
	for _, rs := range traces.ResourceSpans().All() {
		res := rs.Resource().Attributes().AsRaw()
		for _, ss := range rs.ScopeSpans().All() {
			scope := scopeOf(ss.Scope())
			for _, s := range ss.Spans().All() {
				events := make([]SpanEvent, 0, s.Events().Len())
				for _, e := range s.Events().All() {
					events = append(events, SpanEvent{Name: e.Name(), Time: timeOf(e.Timestamp()), Attributes: e.Attributes().AsRaw()})
				}
				out = append(out, Span{
					Resource:      res,
					Scope:         scope,
					TraceID:       s.TraceID().String(),
					SpanID:        s.SpanID().String(),
					ParentSpanID:  s.ParentSpanID().String(),
					Name:          s.Name(),
					Kind:          int(s.Kind()),
					Start:         timeOf(s.StartTimestamp()),
					End:           timeOf(s.EndTimestamp()),
					Attributes:    s.Attributes().AsRaw(),
					Events:        events,
					StatusCode:    int(s.Status().Code()),
					StatusMessage: s.Status().Message(),
				})
			}
		}
	}
	return out, nil
}

// metricOf decodes one metrics export request into its metrics.
func metricOf(line []byte) ([]Metric, error) {
	metrics, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
	if err != nil {
		return nil, err
	}
	var out []Metric
	for _, rm := range metrics.ResourceMetrics().All() {
		res := rm.Resource().Attributes().AsRaw()
		for _, sm := range rm.ScopeMetrics().All() {
			scope := scopeOf(sm.Scope())
			for _, m := range sm.Metrics().All() {
				out = append(out, convertMetric(res, scope, m))
			}
		}
	}
	return out, nil
}

// convertMetric flattens one metric and its points.
func convertMetric(res map[string]any, scope Scope, m pmetric.Metric) Metric {
	metric := Metric{Resource: res, Scope: scope, Name: m.Name(), Description: m.Description(), Unit: m.Unit()}
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		metric.Type = "gauge"
		for _, p := range m.Gauge().DataPoints().All() {
			metric.Points = append(metric.Points, numberPoint(p))
		}
	case pmetric.MetricTypeSum:
		metric.Type = "sum"
		metric.Monotonic = m.Sum().IsMonotonic()
		metric.Temporality = int(m.Sum().AggregationTemporality())
		for _, p := range m.Sum().DataPoints().All() {
			metric.Points = append(metric.Points, numberPoint(p))
		}
	case pmetric.MetricTypeHistogram:
		metric.Type = "histogram"
		metric.Temporality = int(m.Histogram().AggregationTemporality())
		for _, p := range m.Histogram().DataPoints().All() {
			metric.Points = append(metric.Points, DataPoint{
				Attributes:     p.Attributes().AsRaw(),
				Time:           timeOf(p.Timestamp()),
				Value:          p.Sum(),
				Count:          p.Count(),
				BucketCounts:   nilIfEmpty(p.BucketCounts().AsRaw()),
				ExplicitBounds: nilIfEmpty(p.ExplicitBounds().AsRaw()),
				Exemplars:      exemplars(p.Exemplars()),
			})
		}
	case pmetric.MetricTypeExponentialHistogram:
		metric.Type = "exponentialHistogram"
		metric.Temporality = int(m.ExponentialHistogram().AggregationTemporality())
		for _, p := range m.ExponentialHistogram().DataPoints().All() {
			metric.Points = append(metric.Points, DataPoint{
				Attributes: p.Attributes().AsRaw(),
				Time:       timeOf(p.Timestamp()),
				Value:      p.Sum(),
				Count:      p.Count(),
				Exemplars:  exemplars(p.Exemplars()),
			})
		}
	case pmetric.MetricTypeSummary:
		metric.Type = "summary"
		for _, p := range m.Summary().DataPoints().All() {
			metric.Points = append(metric.Points, DataPoint{
				Attributes: p.Attributes().AsRaw(),
				Time:       timeOf(p.Timestamp()),
				Value:      p.Sum(),
				Count:      p.Count(),
			})
		}
	}
	return metric
}

// numberPoint converts a gauge or sum point.
func numberPoint(p pmetric.NumberDataPoint) DataPoint {
	dp := DataPoint{Attributes: p.Attributes().AsRaw(), Time: timeOf(p.Timestamp()), Exemplars: exemplars(p.Exemplars())}
	switch p.ValueType() {
	case pmetric.NumberDataPointValueTypeInt:
		dp.Value = float64(p.IntValue())
	case pmetric.NumberDataPointValueTypeDouble:
		dp.Value = p.DoubleValue()
	}
	return dp
}

// exemplars converts a point's exemplars; none gives nil.
func exemplars(es pmetric.ExemplarSlice) []Exemplar {
	var out []Exemplar
	for _, e := range es.All() {
		ex := Exemplar{TraceID: e.TraceID().String(), SpanID: e.SpanID().String(), Attributes: e.FilteredAttributes().AsRaw()}
		switch e.ValueType() {
		case pmetric.ExemplarValueTypeInt:
			ex.Value = float64(e.IntValue())
		case pmetric.ExemplarValueTypeDouble:
			ex.Value = e.DoubleValue()
		}
		out = append(out, ex)
	}
	return out
}

// nilIfEmpty returns nil for an empty slice, as for a field that was not sent.
func nilIfEmpty[E any](s []E) []E {
	if len(s) == 0 {
		return nil
	}
	return s
}
