package testserver

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// Lines as the Collector's file exporter (format json) wrote them.
const (
	logsLine    = `{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeLogs":[{"scope":{"name":"sc","version":"1"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":9,"severityText":"INFO","body":{"stringValue":"hello"},"attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"f","value":{"doubleValue":1.5}},{"key":"b","value":{"boolValue":true}},{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"a"}]}}},{"key":"kv","value":{"kvlistValue":{"values":[{"key":"x","value":{"stringValue":"y"}}]}}},{"key":"by","value":{"bytesValue":"AQI="}}],"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}]}]}`
	tracesLine  = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"sc"},"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"op","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000","attributes":[{"key":"a","value":{"stringValue":"b"}}],"events":[{"timeUnixNano":"1700000000500000000","name":"ev"}],"status":{"message":"bad","code":2}}]}]}]}`
	metricsLine = `{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeMetrics":[{"scope":{"name":"sc"},"metrics":[{"name":"c","unit":"1","sum":{"dataPoints":[{"attributes":[{"key":"k","value":{"stringValue":"v"}}],"timeUnixNano":"1700000000000000000","asInt":"5","exemplars":[{"timeUnixNano":"1700000000000000000","asDouble":1,"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}],"aggregationTemporality":2,"isMonotonic":true}},{"name":"h","histogram":{"dataPoints":[{"timeUnixNano":"1700000000000000000","count":"3","sum":6,"bucketCounts":["1","2"],"explicitBounds":[1]}],"aggregationTemporality":2}},{"name":"g","gauge":{"dataPoints":[{"asDouble":2.5}]}}]}]}]}`
)

var (
	t0       = time.Unix(1700000000, 0).UTC()
	svc      = map[string]any{"service.name": "svc"}
	noAttrs  = map[string]any{}
	traceID  = "0102030405060708090a0b0c0d0e0f10"
	spanID   = "0102030405060708"
	scopeSc1 = Scope{Name: "sc", Version: "1", Attributes: noAttrs}
	scopeSc  = Scope{Name: "sc", Attributes: noAttrs}
)

// writeLines writes content to a file in a new temp folder.
func writeLines(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.jsonl")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadLogs(t *testing.T) {
	// Two complete lines and a third being written: the third is left out.
	path := writeLines(t, logsLine+"\n"+logsLine+"\n"+logsLine[:40])
	got := readJSONLines(t, path, logRecordOf)
	want := LogRecord{
		Resource:       svc,
		Scope:          scopeSc1,
		Time:           t0,
		SeverityNumber: 9,
		SeverityText:   "INFO",
		Body:           "hello",
		Attributes: map[string]any{
			"n": int64(42), "f": 1.5, "b": true, "arr": []any{"a"},
			"kv": map[string]any{"x": "y"}, "by": []byte{1, 2},
		},
		TraceID: traceID,
		SpanID:  spanID,
	}
	if len(got) != 2 {
		t.Fatalf("got %d records, want 2: %+v", len(got), got)
	}
	for _, g := range got {
		if !reflect.DeepEqual(g, want) {
			t.Errorf("got  %#v\nwant %#v", g, want)
		}
	}
}

func TestReadSpans(t *testing.T) {
	got := readJSONLines(t, writeLines(t, tracesLine+"\n"), spanOf)
	want := []Span{{
		Resource:      svc,
		Scope:         scopeSc,
		TraceID:       traceID,
		SpanID:        spanID,
		Name:          "op",
		Kind:          2,
		Start:         t0,
		End:           t0.Add(time.Second),
		Attributes:    map[string]any{"a": "b"},
		Events:        []SpanEvent{{Name: "ev", Time: t0.Add(500 * time.Millisecond), Attributes: noAttrs}},
		StatusCode:    2,
		StatusMessage: "bad",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestReadMetrics(t *testing.T) {
	got := readJSONLines(t, writeLines(t, metricsLine+"\n"), metricOf)
	want := []Metric{
		{
			Resource: svc, Scope: scopeSc, Name: "c", Unit: "1", Type: "sum", Monotonic: true, Temporality: 2,
			Points: []DataPoint{{
				Attributes: map[string]any{"k": "v"}, Time: t0, Value: 5,
				Exemplars: []Exemplar{{Value: 1, TraceID: traceID, SpanID: spanID, Attributes: noAttrs}},
			}},
		},
		{
			Resource: svc, Scope: scopeSc, Name: "h", Type: "histogram", Temporality: 2,
			Points: []DataPoint{{
				Attributes: noAttrs, Time: t0, Value: 6, Count: 3,
				BucketCounts: []uint64{1, 2}, ExplicitBounds: []float64{1},
			}},
		},
		{
			Resource: svc, Scope: scopeSc, Name: "g", Type: "gauge",
			Points: []DataPoint{{Attributes: noAttrs, Value: 2.5}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestReadMissingFile(t *testing.T) {
	if got := readJSONLines(t, filepath.Join(t.TempDir(), "none.jsonl"), logRecordOf); got != nil {
		t.Errorf("got %v, want nil", got)
	}
}

func TestParseBadLine(t *testing.T) {
	logs := func(b []byte) error { _, err := logRecordOf(b); return err }
	spans := func(b []byte) error { _, err := spanOf(b); return err }
	metrics := func(b []byte) error { _, err := metricOf(b); return err }
	for _, tc := range []struct {
		name  string
		parse func([]byte) error
		line  string
	}{
		{"truncated", logs, `{"resourceLogs":[`},
		{"int attribute", logs, `{"resourceLogs":[{"resource":{"attributes":[{"key":"n","value":{"intValue":"x"}}]},"scopeLogs":[{}]}]}`},
		{"bytes body", logs, `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"!"}}]}]}]}`},
		{"time", spans, `{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"yesterday"}]}]}]}`},
		{"double value", metrics, `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asDouble":"x"}]}}]}]}]}`},
	} {
		if err := tc.parse([]byte(tc.line)); err == nil {
			t.Errorf("%s: %s parsed without error", tc.name, tc.line)
		}
	}
}

func TestSpecialDoubles(t *testing.T) {
	for in, check := range map[string]func(float64) bool{
		`"Infinity"`:  func(f float64) bool { return f > 1e308 },
		`"-Infinity"`: func(f float64) bool { return f < -1e308 },
		`"NaN"`:       func(f float64) bool { return f != f },
		`2.5`:         func(f float64) bool { return f == 2.5 },
	} {
		line := `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"asDouble":` + in + `}]}}]}]}]}`
		got, err := metricOf([]byte(line))
		if err != nil || len(got) != 1 || len(got[0].Points) != 1 || !check(got[0].Points[0].Value) {
			t.Errorf("%s: got %+v, %v", in, got, err)
		}
	}
}
