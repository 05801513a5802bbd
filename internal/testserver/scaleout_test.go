package testserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestScrapeMetrics(t *testing.T) {
	const exposition = `# HELP otelcol_exporter_sent_spans_total Number of spans sent.
# TYPE otelcol_exporter_sent_spans_total counter
otelcol_exporter_sent_spans_total{exporter="load_balancing/by_trace",service_name="otelcol-obskit"} 120
otelcol_exporter_sent_spans_total{exporter="otlp_grpc/jaeger",service_name="otelcol-obskit"} 7
otelcol_exporter_sent_spans_total{exporter="a\"b,c}",service_name="x"} 1 1700000000000
otelcol_process_uptime 3.5
`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(exposition))
	}))
	defer srv.Close()
	cases := []struct {
		metric    string
		match     map[string]string
		wantSum   float64
		wantFound bool
	}{
		{"otelcol_exporter_sent_spans_total", map[string]string{"exporter": "load_balancing/by_trace"}, 120, true},
		{"otelcol_exporter_sent_spans_total", nil, 128, true},
		{"otelcol_exporter_sent_spans_total", map[string]string{"exporter": `a"b,c}`}, 1, true},
		{"otelcol_exporter_sent_spans_total", map[string]string{"exporter": "nope"}, 0, false},
		{"otelcol_process_uptime", nil, 3.5, true},
		{"otelcol_exporter_sent_spans", nil, 0, false},
	}
	for _, c := range cases {
		sum, found, err := ScrapeMetrics(context.Background(), srv.URL, c.metric, c.match)
		if err != nil || sum != c.wantSum || found != c.wantFound {
			t.Errorf("ScrapeMetrics(%s, %v) = %v, %v, %v; want %v, %v, nil", c.metric, c.match, sum, found, err, c.wantSum, c.wantFound)
		}
	}
	if _, _, err := ScrapeMetrics(context.Background(), srv.URL+"/missing-host-is-fine", "x", nil); err != nil {
		t.Errorf("any path answers 200 here: %v", err)
	}
	srv404 := httptest.NewServer(http.NotFoundHandler())
	defer srv404.Close()
	if _, _, err := ScrapeMetrics(context.Background(), srv404.URL, "x", nil); err == nil {
		t.Error("a 404 answer gave no error")
	}
}
