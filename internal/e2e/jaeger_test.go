package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// jaegerTrace is one trace as Jaeger's HTTP API (/api/traces) returns it.
type jaegerTrace struct {
	TraceID string       `json:"traceID"`
	Spans   []jaegerSpan `json:"spans"`
}

type jaegerSpan struct {
	TraceID       string `json:"traceID"`
	SpanID        string `json:"spanID"`
	OperationName string `json:"operationName"`
	References    []struct {
		RefType string `json:"refType"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
	Tags []struct {
		Key   string `json:"key"`
		Type  string `json:"type"`
		Value any    `json:"value"`
	} `json:"tags"`
}

// Parent returns the span's parent id, "" for a root span.
func (s jaegerSpan) Parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

// Tag returns the value of the tag key and whether the span has it. Jaeger gives bools as
// JSON booleans, numbers as JSON numbers (float64 here), strings as strings.
func (s jaegerSpan) Tag(key string) (any, bool) {
	for _, tag := range s.Tags {
		if tag.Key == key {
			return tag.Value, true
		}
	}
	return nil, false
}

// traceTree indexes a trace's spans by id and by parent.
type traceTree struct {
	byID     map[string]jaegerSpan
	children map[string][]jaegerSpan
	roots    []jaegerSpan
}

func newTraceTree(tr jaegerTrace) traceTree {
	tree := traceTree{byID: map[string]jaegerSpan{}, children: map[string][]jaegerSpan{}}
	for _, s := range tr.Spans {
		tree.byID[s.SpanID] = s
	}
	for _, s := range tr.Spans {
		p := s.Parent()
		if _, ok := tree.byID[p]; p == "" || !ok {
			tree.roots = append(tree.roots, s)
			continue
		}
		tree.children[p] = append(tree.children[p], s)
	}
	return tree
}

// descendants returns every span beneath id, depth first.
func (tree traceTree) descendants(id string) []jaegerSpan {
	var out []jaegerSpan
	for _, c := range tree.children[id] {
		out = append(out, c)
		out = append(out, tree.descendants(c.SpanID)...)
	}
	return out
}

// jaegerTraces returns the traces Jaeger holds for service (up to 1000, last hour).
func jaegerTraces(t *testing.T, queryURL, service string) []jaegerTrace {
	t.Helper()
	q := url.Values{"service": {service}, "lookback": {"1h"}, "limit": {"1000"}}
	var answer struct {
		Data []jaegerTrace `json:"data"`
	}
	getJSON(t, queryURL+"/api/traces?"+q.Encode(), &answer)
	return answer.Data
}

// getJSON GETs u without keep-alive and decodes a 200 answer into v; anything else ends the
// test.
func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	ctx, cancel := withTimeout(httpTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %.500s", u, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v: %.500s", u, err, body)
	}
}
