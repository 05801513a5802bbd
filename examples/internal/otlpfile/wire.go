package otlpfile

import "strconv"

// The OTLP-JSON shapes read back: only the fields the examples report.

type scope struct {
	Name string `json:"name"`
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

// anyValue is OTLP's AnyValue; arrays and maps are kept as they were decoded.
type anyValue struct {
	StringValue *string        `json:"stringValue"`
	BoolValue   *bool          `json:"boolValue"`
	IntValue    *string        `json:"intValue"` // OTLP-JSON encodes 64-bit integers as strings
	DoubleValue *float64       `json:"doubleValue"`
	ArrayValue  map[string]any `json:"arrayValue"`
	KvlistValue map[string]any `json:"kvlistValue"`
}

// value returns a string, bool, int64, float64 or, for arrays and maps, the decoded JSON.
func (v anyValue) value() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.IntValue != nil:
		n, err := strconv.ParseInt(*v.IntValue, 10, 64)
		if err != nil {
			return *v.IntValue
		}
		return n
	case v.DoubleValue != nil:
		return *v.DoubleValue
	case v.ArrayValue != nil:
		return v.ArrayValue
	case v.KvlistValue != nil:
		return v.KvlistValue
	}
	return nil
}

func attrMap(kvs []keyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value.value()
	}
	return m
}

type traceRequest struct {
	ResourceSpans []struct {
		ScopeSpans []struct {
			Scope scope `json:"scope"`
			Spans []struct {
				TraceID      string     `json:"traceId"`
				SpanID       string     `json:"spanId"`
				ParentSpanID string     `json:"parentSpanId"`
				Name         string     `json:"name"`
				Attributes   []keyValue `json:"attributes"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

type logsRequest struct {
	ResourceLogs []struct {
		ScopeLogs []struct {
			Scope      scope `json:"scope"`
			LogRecords []struct {
				SeverityText string     `json:"severityText"`
				Body         anyValue   `json:"body"`
				Attributes   []keyValue `json:"attributes"`
				TraceID      string     `json:"traceId"`
				SpanID       string     `json:"spanId"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
}

type metricsRequest struct {
	ResourceMetrics []struct {
		ScopeMetrics []struct {
			Metrics []struct {
				Name string `json:"name"`
			} `json:"metrics"`
		} `json:"scopeMetrics"`
	} `json:"resourceMetrics"`
}
