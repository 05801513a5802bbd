package testserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// This file reads the Collector file exporter's output: one OTLP-JSON export
// request per line (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
// Trace and span IDs are hex there, 64-bit integers are strings, enums are
// numbers; values keep the type they were sent with. Records from one
// resource share its attribute map.

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

// readJSONLines parses each complete line of the file, an export request,
// converting every log record, span or metric in it (W is its wire struct)
// with convert. A last line without its newline is being written and is
// left for the next call.
func readJSONLines[W, T any](t testing.TB, path string, convert func(res map[string]any, scope Scope, w W) (T, error)) []T {
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
		items, err := parseRequest(line, convert)
		if err != nil {
			t.Fatalf("testserver: %s line %d: %v", path, n+1, err)
		}
		out = append(out, items...)
	}
	return out
}

// parseRequest converts every item of one export request.
func parseRequest[W, T any](line []byte, convert func(res map[string]any, scope Scope, w W) (T, error)) ([]T, error) {
	var req wireRequest
	if err := json.Unmarshal(line, &req); err != nil {
		return nil, err
	}
	var out []T
	for _, rb := range slices.Concat(req.ResourceLogs, req.ResourceSpans, req.ResourceMetrics) {
		for _, sb := range slices.Concat(rb.ScopeLogs, rb.ScopeSpans, rb.ScopeMetrics) {
			res, scope, err := resourceAndScope(rb.Resource, sb.Scope)
			if err != nil {
				return nil, err
			}
			for _, raw := range slices.Concat(sb.LogRecords, sb.Spans, sb.Metrics) {
				var w W
				if err := json.Unmarshal(raw, &w); err != nil {
					return nil, err
				}
				item, err := convert(res, scope, w)
				if err != nil {
					return nil, err
				}
				out = append(out, item)
			}
		}
	}
	return out, nil
}

// --- wire format ---------------------------------------------------------

// wireRequest is an export request of any signal; the items stay raw until
// the signal's converter reads them.
type wireRequest struct {
	ResourceLogs    []wireResourceBlock `json:"resourceLogs"`
	ResourceSpans   []wireResourceBlock `json:"resourceSpans"`
	ResourceMetrics []wireResourceBlock `json:"resourceMetrics"`
}

type wireResourceBlock struct {
	Resource     wireResource     `json:"resource"`
	ScopeLogs    []wireScopeBlock `json:"scopeLogs"`
	ScopeSpans   []wireScopeBlock `json:"scopeSpans"`
	ScopeMetrics []wireScopeBlock `json:"scopeMetrics"`
}

type wireScopeBlock struct {
	Scope      wireScope         `json:"scope"`
	LogRecords []json.RawMessage `json:"logRecords"`
	Spans      []json.RawMessage `json:"spans"`
	Metrics    []json.RawMessage `json:"metrics"`
}

type wireResource struct {
	Attributes []wireKeyValue `json:"attributes"`
}

type wireScope struct {
	Name       string         `json:"name"`
	Version    string         `json:"version"`
	Attributes []wireKeyValue `json:"attributes"`
}

type wireKeyValue struct {
	Key   string    `json:"key"`
	Value wireValue `json:"value"`
}

type wireValue struct {
	StringValue *string    `json:"stringValue"`
	BoolValue   *bool      `json:"boolValue"`
	IntValue    *jsonInt   `json:"intValue"`
	DoubleValue *jsonFloat `json:"doubleValue"`
	BytesValue  *string    `json:"bytesValue"`
	ArrayValue  *struct {
		Values []wireValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []wireKeyValue `json:"values"`
	} `json:"kvlistValue"`
}

// jsonInt is an integer written as a JSON number or a string ("123"): int64
// fields and, for simplicity, uint64 ones (times until 2262, counts).
type jsonInt int64

func (i *jsonInt) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	if err != nil {
		return fmt.Errorf("integer %s: %w", b, err)
	}
	*i = jsonInt(n)
	return nil
}

// jsonFloat is a double written as a JSON number or as "NaN", "Infinity",
// "-Infinity" (or a quoted number).
type jsonFloat float64

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	switch s {
	case "Infinity":
		s = "+Inf"
	case "-Infinity":
		s = "-Inf"
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("double %s: %w", b, err)
	}
	*f = jsonFloat(v)
	return nil
}

// unixNano converts a timeUnixNano field; 0 gives the zero time.
func unixNano(n jsonInt) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n)).UTC()
}

func (v wireValue) value() (any, error) {
	switch {
	case v.StringValue != nil:
		return *v.StringValue, nil
	case v.BoolValue != nil:
		return *v.BoolValue, nil
	case v.IntValue != nil:
		return int64(*v.IntValue), nil
	case v.DoubleValue != nil:
		return float64(*v.DoubleValue), nil
	case v.BytesValue != nil:
		return base64.StdEncoding.DecodeString(*v.BytesValue)
	case v.ArrayValue != nil:
		out := make([]any, 0, len(v.ArrayValue.Values))
		for _, e := range v.ArrayValue.Values {
			ev, err := e.value()
			if err != nil {
				return nil, err
			}
			out = append(out, ev)
		}
		return out, nil
	case v.KvlistValue != nil:
		return attributes(v.KvlistValue.Values)
	}
	return nil, nil
}

// attributes converts a key-value list; it returns an empty, non-nil map
// for an empty list so that lookups and len work without nil checks.
func attributes(kvs []wireKeyValue) (map[string]any, error) {
	out := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		v, err := kv.Value.value()
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", kv.Key, err)
		}
		out[kv.Key] = v
	}
	return out, nil
}

// resourceAndScope converts the parts every signal shares.
func resourceAndScope(r wireResource, s wireScope) (map[string]any, Scope, error) {
	res, err := attributes(r.Attributes)
	if err != nil {
		return nil, Scope{}, fmt.Errorf("resource: %w", err)
	}
	scopeAttrs, err := attributes(s.Attributes)
	if err != nil {
		return nil, Scope{}, fmt.Errorf("scope: %w", err)
	}
	return res, Scope{Name: s.Name, Version: s.Version, Attributes: scopeAttrs}, nil
}

// --- logs ----------------------------------------------------------------

type wireLogRecord struct {
	TimeUnixNano         jsonInt        `json:"timeUnixNano"`
	ObservedTimeUnixNano jsonInt        `json:"observedTimeUnixNano"`
	SeverityNumber       jsonInt        `json:"severityNumber"`
	SeverityText         string         `json:"severityText"`
	EventName            string         `json:"eventName"`
	Body                 wireValue      `json:"body"`
	Attributes           []wireKeyValue `json:"attributes"`
	TraceID              string         `json:"traceId"`
	SpanID               string         `json:"spanId"`
}

func logRecordOf(res map[string]any, scope Scope, lr wireLogRecord) (LogRecord, error) {
	body, err := lr.Body.value()
	if err != nil {
		return LogRecord{}, fmt.Errorf("body: %w", err)
	}
	attrs, err := attributes(lr.Attributes)
	if err != nil {
		return LogRecord{}, err
	}
	return LogRecord{
		Resource:       res,
		Scope:          scope,
		Time:           unixNano(lr.TimeUnixNano),
		ObservedTime:   unixNano(lr.ObservedTimeUnixNano),
		SeverityNumber: int(lr.SeverityNumber),
		SeverityText:   lr.SeverityText,
		EventName:      lr.EventName,
		Body:           body,
		Attributes:     attrs,
		TraceID:        lr.TraceID,
		SpanID:         lr.SpanID,
	}, nil
}

// --- traces --------------------------------------------------------------

type wireSpan struct {
	TraceID           string         `json:"traceId"`
	SpanID            string         `json:"spanId"`
	ParentSpanID      string         `json:"parentSpanId"`
	Name              string         `json:"name"`
	Kind              jsonInt        `json:"kind"`
	StartTimeUnixNano jsonInt        `json:"startTimeUnixNano"`
	EndTimeUnixNano   jsonInt        `json:"endTimeUnixNano"`
	Attributes        []wireKeyValue `json:"attributes"`
	Events            []struct {
		TimeUnixNano jsonInt        `json:"timeUnixNano"`
		Name         string         `json:"name"`
		Attributes   []wireKeyValue `json:"attributes"`
	} `json:"events"`
	Status struct {
		Code    jsonInt `json:"code"`
		Message string  `json:"message"`
	} `json:"status"`
}

func spanOf(res map[string]any, scope Scope, s wireSpan) (Span, error) {
	attrs, err := attributes(s.Attributes)
	if err != nil {
		return Span{}, err
	}
	events := make([]SpanEvent, 0, len(s.Events))
	for _, e := range s.Events {
		eventAttrs, err := attributes(e.Attributes)
		if err != nil {
			return Span{}, fmt.Errorf("event %q: %w", e.Name, err)
		}
		events = append(events, SpanEvent{Name: e.Name, Time: unixNano(e.TimeUnixNano), Attributes: eventAttrs})
	}
	return Span{
		Resource:      res,
		Scope:         scope,
		TraceID:       s.TraceID,
		SpanID:        s.SpanID,
		ParentSpanID:  s.ParentSpanID,
		Name:          s.Name,
		Kind:          int(s.Kind),
		Start:         unixNano(s.StartTimeUnixNano),
		End:           unixNano(s.EndTimeUnixNano),
		Attributes:    attrs,
		Events:        events,
		StatusCode:    int(s.Status.Code),
		StatusMessage: s.Status.Message,
	}, nil
}

// --- metrics -------------------------------------------------------------

type wireDataPoint struct {
	Attributes     []wireKeyValue `json:"attributes"`
	TimeUnixNano   jsonInt        `json:"timeUnixNano"`
	AsInt          *jsonInt       `json:"asInt"`
	AsDouble       *jsonFloat     `json:"asDouble"`
	Count          jsonInt        `json:"count"`
	Sum            jsonFloat      `json:"sum"`
	BucketCounts   []jsonInt      `json:"bucketCounts"`
	ExplicitBounds []jsonFloat    `json:"explicitBounds"`
	Exemplars      []struct {
		FilteredAttributes []wireKeyValue `json:"filteredAttributes"`
		AsInt              *jsonInt       `json:"asInt"`
		AsDouble           *jsonFloat     `json:"asDouble"`
		TraceID            string         `json:"traceId"`
		SpanID             string         `json:"spanId"`
	} `json:"exemplars"`
}

type wireAggregation struct {
	DataPoints             []wireDataPoint `json:"dataPoints"`
	AggregationTemporality jsonInt         `json:"aggregationTemporality"`
	IsMonotonic            bool            `json:"isMonotonic"`
}

type wireMetric struct {
	Name                 string           `json:"name"`
	Description          string           `json:"description"`
	Unit                 string           `json:"unit"`
	Gauge                *wireAggregation `json:"gauge"`
	Sum                  *wireAggregation `json:"sum"`
	Histogram            *wireAggregation `json:"histogram"`
	ExponentialHistogram *wireAggregation `json:"exponentialHistogram"`
	Summary              *wireAggregation `json:"summary"`
}

// number returns whichever of asInt and asDouble is set.
func number(asInt *jsonInt, asDouble *jsonFloat) float64 {
	switch {
	case asInt != nil:
		return float64(*asInt)
	case asDouble != nil:
		return float64(*asDouble)
	}
	return 0
}

func (p wireDataPoint) point() (DataPoint, error) {
	attrs, err := attributes(p.Attributes)
	if err != nil {
		return DataPoint{}, err
	}
	dp := DataPoint{
		Attributes: attrs,
		Time:       unixNano(p.TimeUnixNano),
		Value:      float64(p.Sum),
		Count:      uint64(p.Count),
	}
	if p.AsInt != nil || p.AsDouble != nil {
		dp.Value = number(p.AsInt, p.AsDouble)
	}
	for _, c := range p.BucketCounts {
		dp.BucketCounts = append(dp.BucketCounts, uint64(c))
	}
	for _, b := range p.ExplicitBounds {
		dp.ExplicitBounds = append(dp.ExplicitBounds, float64(b))
	}
	for _, e := range p.Exemplars {
		exAttrs, err := attributes(e.FilteredAttributes)
		if err != nil {
			return DataPoint{}, fmt.Errorf("exemplar: %w", err)
		}
		dp.Exemplars = append(dp.Exemplars, Exemplar{
			Value:      number(e.AsInt, e.AsDouble),
			TraceID:    e.TraceID,
			SpanID:     e.SpanID,
			Attributes: exAttrs,
		})
	}
	return dp, nil
}

func metricOf(res map[string]any, scope Scope, m wireMetric) (Metric, error) {
	metric := Metric{Resource: res, Scope: scope, Name: m.Name, Description: m.Description, Unit: m.Unit}
	var agg *wireAggregation
	for _, kind := range []struct {
		name string
		agg  *wireAggregation
	}{
		{"gauge", m.Gauge}, {"sum", m.Sum}, {"histogram", m.Histogram},
		{"exponentialHistogram", m.ExponentialHistogram}, {"summary", m.Summary},
	} {
		if kind.agg != nil {
			metric.Type, agg = kind.name, kind.agg
		}
	}
	if agg == nil {
		return metric, nil
	}
	metric.Monotonic = agg.IsMonotonic
	metric.Temporality = int(agg.AggregationTemporality)
	for _, p := range agg.DataPoints {
		dp, err := p.point()
		if err != nil {
			return Metric{}, fmt.Errorf("metric %q: %w", m.Name, err)
		}
		metric.Points = append(metric.Points, dp)
	}
	return metric, nil
}
