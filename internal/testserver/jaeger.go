package testserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// DefaultJaegerConfig is the Jaeger v2 config StartJaeger uses, relative to
// the repository root.
const DefaultJaegerConfig = "deploy/jaeger/config.yaml"

// Jaeger is a Jaeger v2 all-in-one (in-memory storage) started by
// [StartJaeger]. Its fields do not change after the start; Restart keeps the
// ports but loses the stored traces. Methods are safe for concurrent use;
// those taking a testing.TB must be called from the test goroutine.
type Jaeger struct {
	// OTLPGRPCEndpoint is the OTLP/gRPC receiver's address, "127.0.0.1:PORT":
	// the Collector's otlp_grpc exporter or an SDK exporter sends here.
	OTLPGRPCEndpoint string
	// OTLPHTTPEndpoint is the OTLP/HTTP receiver's address, "127.0.0.1:PORT".
	OTLPHTTPEndpoint string
	// QueryURL is the query API and UI, "http://127.0.0.1:PORT".
	QueryURL string

	*process // provides Stop and Restart
}

// StartJaeger starts jaeger (see [Require]) with deploy/jaeger/config.yaml on
// free loopback ports and returns once its receivers accept connections and
// its query API answers. A t.Cleanup stops it; its output goes to the test
// log if the test failed. Call it from the test goroutine.
func StartJaeger(t testing.TB) *Jaeger {
	t.Helper()
	configPath, err := repoFile(DefaultJaegerConfig)
	if err != nil {
		t.Fatalf("testserver: jaeger config: %v", err)
	}
	queryAddr := FreePort(t)
	j := &Jaeger{
		OTLPGRPCEndpoint: FreePort(t),
		OTLPHTTPEndpoint: FreePort(t),
		QueryURL:         "http://" + queryAddr,
	}
	j.process = &process{
		tool: ToolJaeger,
		args: []string{"--config=" + configPath},
		env: []string{
			"JAEGER_OTLP_GRPC_ENDPOINT=" + j.OTLPGRPCEndpoint,
			"JAEGER_OTLP_HTTP_ENDPOINT=" + j.OTLPHTTPEndpoint,
			"JAEGER_QUERY_HTTP_ENDPOINT=" + queryAddr,
			"JAEGER_QUERY_GRPC_ENDPOINT=" + FreePort(t),
		},
		ready: allReady(
			tcpReady(j.OTLPGRPCEndpoint, j.OTLPHTTPEndpoint),
			httpReady(j.QueryURL+"/api/services"),
		),
	}
	startProcess(t, j.process)
	return j
}

// TraceIDs returns the IDs (hex) of the traces Jaeger has stored for the
// service, as its query API /api/traces lists them (up to 1000, last hour).
// A service Jaeger has not seen gives none. Any other failure ends the test.
func (j *Jaeger) TraceIDs(t testing.TB, service string) []string {
	t.Helper()
	q := url.Values{"service": {service}, "lookback": {"1h"}, "limit": {"1000"}}
	u := j.QueryURL + "/api/traces?" + q.Encode()
	resp, err := httpGet(context.Background(), u)
	if err != nil {
		t.Fatalf("testserver: jaeger query: %v", err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("testserver: GET %s: %s: %s", u, resp.Status, resp.Body)
	}
	var answer struct {
		Data []struct {
			TraceID string `json:"traceID"`
		} `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &answer); err != nil {
		t.Fatalf("testserver: GET %s: %v", u, err)
	}
	ids := make([]string, 0, len(answer.Data))
	for _, tr := range answer.Data {
		ids = append(ids, tr.TraceID)
	}
	return ids
}
