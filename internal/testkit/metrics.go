package testkit

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Collect collects r's metrics now, failing t if that fails.
func Collect(t testing.TB, r sdkmetric.Reader) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("collect metrics: %v", err)
	}
	return rm
}

// MetricsByName returns rm's metrics by name, across scopes (a later scope's metric of the same
// name wins).
func MetricsByName(rm metricdata.ResourceMetrics) map[string]metricdata.Metrics {
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

// Int64Points returns the data points of every int64 sum or gauge named name in rm, across
// scopes.
func Int64Points(rm metricdata.ResourceMetrics, name string) []metricdata.DataPoint[int64] {
	var out []metricdata.DataPoint[int64]
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				out = append(out, d.DataPoints...)
			case metricdata.Gauge[int64]:
				out = append(out, d.DataPoints...)
			}
		}
	}
	return out
}

// SumInt64 returns the sum of the data points of the int64 sum or gauge named name whose
// attributes include every one of match.
func SumInt64(rm metricdata.ResourceMetrics, name string, match ...attribute.KeyValue) int64 {
	var total int64
	for _, dp := range Int64Points(rm, name) {
		if hasAll(dp.Attributes, match) {
			total += dp.Value
		}
	}
	return total
}

// SumInt64By returns the data points of the int64 sum or gauge named name summed by the value
// of their attribute key; points without it are summed under "".
func SumInt64By(rm metricdata.ResourceMetrics, name string, key attribute.Key) map[string]int64 {
	out := map[string]int64{}
	for _, dp := range Int64Points(rm, name) {
		var k string
		if v, ok := dp.Attributes.Value(key); ok {
			k = v.String()
		}
		out[k] += dp.Value
	}
	return out
}

func hasAll(set attribute.Set, match []attribute.KeyValue) bool {
	for _, kv := range match {
		if v, ok := set.Value(kv.Key); !ok || v.Type() != kv.Value.Type() || v.String() != kv.Value.String() {
			return false
		}
	}
	return true
}
