package testserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"testing"
)

const (
	// DefaultPrometheusConfig is the Prometheus config StartPrometheus
	// copies, relative to the repository root.
	DefaultPrometheusConfig = "deploy/prometheus/prometheus.yml"
	// prometheusTargetInConfig is the scrape target written in
	// DefaultPrometheusConfig, replaced by the test's target.
	prometheusTargetInConfig = `"127.0.0.1:8889"`
)

// Prometheus is a Prometheus server started by [StartPrometheus]. Its fields
// do not change after the start; Restart keeps the port and the stored
// series. Methods are safe for concurrent use; those taking a testing.TB must
// be called from the test goroutine.
type Prometheus struct {
	// URL is the web and API address, "http://127.0.0.1:PORT".
	URL string

	*process // provides Stop and Restart
}

// Sample is one series of an instant query's answer.
type Sample struct {
	// Labels include __name__ when the query keeps it.
	Labels map[string]string
	Value  float64
}

// StartPrometheus starts /usr/bin/prometheus (see [Require]) on a free
// loopback port, scraping scrapeTarget ("host:port", path /metrics) every
// second with exemplar storage on, and returns once it is ready. Its config
// is deploy/prometheus/prometheus.yml with the target substituted, written
// to a t.TempDir() that also holds its data. A t.Cleanup stops it; its
// output goes to the test log if the test failed. Call it from the test
// goroutine.
func StartPrometheus(t testing.TB, scrapeTarget string) *Prometheus {
	t.Helper()
	target, _ := strconv.Unquote(prometheusTargetInConfig)
	return StartPrometheusWithTargets(t, DefaultPrometheusConfig, map[string]string{target: scrapeTarget})
}

// Query runs an instant PromQL query and returns one [Sample] per series (a
// scalar answer gives one sample without labels); len of the
// result is the number of series. An error answer, or a range-vector or
// string answer, ends the test.
func (p *Prometheus) Query(t testing.TB, promql string) []Sample {
	t.Helper()
	u := p.URL + "/api/v1/query?" + url.Values{"query": {promql}}.Encode()
	resp, err := httpGet(context.Background(), u)
	if err != nil {
		t.Fatalf("testserver: prometheus query %q: %v", promql, err)
	}
	samples, err := parsePromQuery(resp.Body)
	if err != nil {
		t.Fatalf("testserver: prometheus query %q: %s: %v", promql, resp.Status, err)
	}
	return samples
}

// parsePromQuery reads the answer of /api/v1/query.
func parsePromQuery(body []byte) ([]Sample, error) {
	var answer struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("%w: %.200s", err, body)
	}
	if answer.Status != "success" {
		return nil, fmt.Errorf("status %q: %s", answer.Status, answer.Error)
	}
	switch answer.Data.ResultType {
	case "vector":
		var series []struct {
			Metric map[string]string `json:"metric"`
			Value  promValue         `json:"value"`
		}
		if err := json.Unmarshal(answer.Data.Result, &series); err != nil {
			return nil, err
		}
		out := make([]Sample, 0, len(series))
		for _, s := range series {
			out = append(out, Sample{Labels: s.Metric, Value: float64(s.Value)})
		}
		return out, nil
	case "scalar":
		var v promValue
		if err := json.Unmarshal(answer.Data.Result, &v); err != nil {
			return nil, err
		}
		return []Sample{{Labels: map[string]string{}, Value: float64(v)}}, nil
	}
	return nil, fmt.Errorf("result type %q; Query takes instant vectors and scalars", answer.Data.ResultType)
}

// promValue is a [time, "value"] pair of the Prometheus API.
type promValue float64

func (v *promValue) UnmarshalJSON(b []byte) error {
	var pair [2]any
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	s, ok := pair[1].(string)
	if !ok {
		return fmt.Errorf("sample value %v is not a string", pair[1])
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*v = promValue(f)
	return nil
}
