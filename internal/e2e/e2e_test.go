package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testserver"
)

// Service names the examples run under, so each one's telemetry can be told apart.
const (
	serviceName    = "e2e-service"
	quickstartName = "e2e-quickstart"
	batchjobName   = "e2e-batchjob"
)

// serviceRun is what the test did to the service, for the checks.
type serviceRun struct {
	stored        map[string][]byte // key -> content, each PUT (201) and GET back (200)
	failedKeys    []string          // PUTs the fault proxy made fail (5xx)
	missingKey    string            // GET answered 404
	requests      int               // /files requests sent
	uploadedBytes int
}

// TestExamplesThroughStack runs quickstart, batchjob and service against the native stack and
// checks what reached Jaeger, Prometheus and the Collector's files, then runs every dashboard
// query. See the package documentation.
func TestExamplesThroughStack(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the stack and builds the examples")
	}
	s := startStack(t)
	bins := buildPrograms(t, "./examples/quickstart", "./examples/batchjob", "./examples/service")

	// quickstart's logs go to a closed port, so that its exporter counts the lost records
	// (otel.sdk.exporter.log.exported with error.type); its traces and metrics reach the stack.
	env := s.env(quickstartName)
	env["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://" + testserver.FreePort(t) + "/v1/logs"
	env["OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"] = "300"
	env["OBSKIT_FILE_EXPORTER_DIR"] = t.TempDir()
	env["QUICKSTART_OBJECTS"] = "12"
	env["QUICKSTART_MAX_SIZE"] = "262144"
	runProgram(t, "quickstart", bins["./examples/quickstart"], env, 2*time.Minute)

	env = s.env(batchjobName)
	env["BATCHJOB_STEPS"] = "4"
	env["BATCHJOB_STEP_DURATION"] = "100ms"
	env["BATCHJOB_PROGRESS"] = "plain"
	runProgram(t, "batchjob", bins["./examples/batchjob"], env, 2*time.Minute)

	run := exerciseService(t, s, bins["./examples/service"])
	t.Logf("fault proxy: %d requests, %d answered SlowDown, %d for fail- keys answered 500",
		s.proxy.requests.Load(), s.proxy.slowDowns.Load(), s.proxy.failures.Load())

	traceIDs := checkServiceTraces(t, s, run)
	t.Run("jaeger-jobs", func(t *testing.T) { checkJobTraces(t, s) })
	t.Run("prometheus", func(t *testing.T) { checkMetrics(t, s, run) })
	t.Run("exemplars", func(t *testing.T) { checkExemplars(t, s, traceIDs) })
	t.Run("logs", func(t *testing.T) { checkServiceLogs(t, s, run, traceIDs) })
	t.Run("dashboards", func(t *testing.T) { checkDashboardQueries(t, s) })
}

// exerciseService starts the service with its SDK configuration from the OpenTelemetry
// configuration file deploy/otelconfig/obskit.yaml (OTEL_CONFIG_FILE; the file refers to the
// stack's OTEL_* variables), stores and reads back objects through it, asks for a
// missing one and stores two that the fault proxy makes fail, waits until a periodic metric
// export has reached Prometheus, then stops it with SIGTERM and expects exit status 0.
func exerciseService(t *testing.T, s *stack, bin string) serviceRun {
	t.Helper()
	addr := testserver.FreePort(t)
	env := s.env(serviceName)
	env["SERVICE_ADDR"] = addr
	env["OTEL_CONFIG_FILE"] = filepath.Join(repoRoot(t), "deploy", "otelconfig", "obskit.yaml")
	// The file is the sole source of SDK configuration: a variable it does not refer to is not
	// read, so the service's traces still reach Jaeger.
	env["OTEL_TRACES_EXPORTER"] = "none"
	svc := startProgram(t, "service", bin, env)
	base := "http://" + addr
	testserver.WaitFor(t, func() bool {
		if svc.Exited() {
			t.Fatalf("service exited while starting: %v\n%s", svc.Wait(t, 0), svc.Output())
		}
		return healthy(base + "/healthz")
	}, 30*time.Second)

	run := serviceRun{stored: map[string][]byte{}, missingKey: "e2e/missing"}
	for i := range 8 {
		key := fmt.Sprintf("e2e/object-%d.bin", i)
		body := bytes.Repeat([]byte{byte('a' + i)}, (i+1)*37_000)
		if code, answer := call(t, http.MethodPut, base+"/files/"+key, body); code != http.StatusCreated {
			t.Fatalf("PUT %s: %d %s", key, code, answer)
		}
		run.stored[key] = body
		run.uploadedBytes += len(body)
		run.requests++
	}
	for key, want := range run.stored {
		code, got := call(t, http.MethodGet, base+"/files/"+key, nil)
		if code != http.StatusOK || !bytes.Equal(got, want) {
			t.Fatalf("GET %s: %d, %d bytes; want 200, %d bytes", key, code, len(got), len(want))
		}
		run.requests++
	}
	if code, answer := call(t, http.MethodGet, base+"/files/"+run.missingKey, nil); code != http.StatusNotFound {
		t.Fatalf("GET %s: %d %s; want 404", run.missingKey, code, answer)
	}
	run.requests++
	for i := range 2 {
		key := fmt.Sprintf("%s%d.bin", failKeyPrefix, i)
		if code, answer := call(t, http.MethodPut, base+"/files/"+key, []byte("doomed")); code < 500 {
			t.Fatalf("PUT %s through the fault proxy: %d %s; want a 5xx", key, code, answer)
		}
		run.failedKeys = append(run.failedKeys, key)
		run.requests++
	}

	// Wait for a periodic export of the log pipeline's counts while the service runs.
	waitForSeries(t, s.prometheus, fmt.Sprintf(`otel_sdk_processor_log_processed_total{service_name=%q, error_type="queue_full"}`, serviceName), 30*time.Second)
	if err := svc.Terminate(t, 30*time.Second); err != nil {
		t.Fatalf("service after SIGTERM: %v (want exit status 0)\n%s", err, svc.Output())
	}
	return run
}

// healthy reports whether GET u answers 200.
func healthy(u string) bool {
	ctx, cancel := withTimeout(2 * time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// waitForSeries waits until the instant query promql returns a series.
func waitForSeries(t *testing.T, p *testserver.Prometheus, promql string, timeout time.Duration) {
	t.Helper()
	testserver.WaitFor(t, func() bool { return len(p.Query(t, promql)) > 0 }, timeout)
}

// checkServiceTraces waits until Jaeger holds the traces of every request the test sent, and
// checks their shape: the HTTP server span at the root, objstore.* spans beneath it with
// objstore.success and objstore.latency_ms, the AWS SDK's spans beneath those. It returns the
// service's trace ids.
func checkServiceTraces(t *testing.T, s *stack, run serviceRun) map[string]bool {
	t.Helper()
	var traces []jaegerTrace
	var summary traceSummary
	deadline := time.Now().Add(30 * time.Second)
	for {
		traces = jaegerTraces(t, s.jaeger.QueryURL, serviceName)
		summary = summarizeTraces(traces)
		if summary.requestTraces >= run.requests || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("jaeger: %d traces of %s, %d with an HTTP server root over /files; %d objstore spans, %d retried",
		len(traces), serviceName, summary.requestTraces, summary.objstoreSpans, summary.retried)
	if summary.requestTraces < run.requests {
		t.Fatalf("jaeger has %d traces rooted at a /files server span; the test sent %d requests", summary.requestTraces, run.requests)
	}
	for _, problem := range summary.problems {
		t.Error(problem)
	}
	for key := range run.stored {
		if !summary.ok["put "+key] || !summary.ok["get "+key] {
			t.Errorf("no successful objstore.put and objstore.get span for %s beneath a server span (put %v, get %v)",
				key, summary.ok["put "+key], summary.ok["get "+key])
		}
	}
	// The service reads an object's attributes (its content type) before its body.
	if o := summary.outcome["attributes "+run.missingKey]; o != "not_found" {
		t.Errorf("objstore.attributes of %s: objstore.outcome %q, want not_found", run.missingKey, o)
	}
	for _, key := range run.failedKeys {
		if o := summary.outcome["put "+key]; o != "failure" {
			t.Errorf("objstore.put of %s: objstore.outcome %q, want failure", key, o)
		}
		// A 500 may come after the write was applied: once its attempts are spent, the Put looks
		// at the key with a HeadObject (answered 500 too, with as many attempts) before failing.
		if a := summary.attempts["put "+key]; a != 2*s3MaxAttempts {
			t.Errorf("objstore.put of %s: objstore.attempts %v, want %d (OBSKIT_S3_MAX_ATTEMPTS for the PutObject and as many for the HeadObject that resolves its outcome)", key, a, 2*s3MaxAttempts)
		}
	}
	if summary.retried == 0 {
		t.Errorf("no successful objstore span with objstore.attempts > 1, though the fault proxy answered %d requests with SlowDown", s.proxy.slowDowns.Load())
	}
	ids := map[string]bool{}
	for _, tr := range traces {
		ids[tr.TraceID] = true
	}
	return ids
}

// traceSummary is what checkServiceTraces found.
type traceSummary struct {
	requestTraces int               // traces rooted at a server span for /files
	objstoreSpans int               //
	retried       int               // successful objstore spans with more than one attempt
	ok            map[string]bool   // "put KEY" -> a successful objstore.put span for KEY
	outcome       map[string]string // "put KEY" -> objstore.outcome of its (last seen) span
	attempts      map[string]float64
	problems      []string
}

func summarizeTraces(traces []jaegerTrace) traceSummary {
	sum := traceSummary{ok: map[string]bool{}, outcome: map[string]string{}, attempts: map[string]float64{}}
	for _, tr := range traces {
		tree := newTraceTree(tr)
		for _, root := range tree.roots {
			kind, _ := root.Tag("span.kind")
			if kind != "server" || !strings.Contains(root.OperationName, "/files") {
				continue
			}
			sum.requestTraces++
			found := 0
			for _, span := range tree.descendants(root.SpanID) {
				if !strings.HasPrefix(span.OperationName, "objstore.") {
					continue
				}
				found++
				sum.objstoreSpans++
				sum.problems = append(sum.problems, checkObjstoreSpan(tree, root, span)...)
				op, _ := span.Tag("objstore.operation")
				key, _ := span.Tag("aws.s3.key")
				id := fmt.Sprintf("%v %v", op, key)
				success, _ := span.Tag("objstore.success")
				outcome, _ := span.Tag("objstore.outcome")
				attempts, _ := span.Tag("objstore.attempts")
				n, _ := attempts.(float64)
				if success == true {
					sum.ok[id] = true
					if n > 1 {
						sum.retried++
					}
				}
				sum.outcome[id] = fmt.Sprint(outcome)
				sum.attempts[id] = n
			}
			if found == 0 {
				sum.problems = append(sum.problems, fmt.Sprintf("trace %s: no objstore.* span beneath the server span %q", tr.TraceID, root.OperationName))
			}
		}
	}
	return sum
}

// checkObjstoreSpan returns what is wrong with one objstore.* span found beneath root.
func checkObjstoreSpan(tree traceTree, root, span jaegerSpan) []string {
	var problems []string
	where := fmt.Sprintf("trace %s, %s beneath %q", span.TraceID, span.OperationName, root.OperationName)
	if v, ok := span.Tag("objstore.success"); !ok {
		problems = append(problems, where+": no objstore.success")
	} else if _, isBool := v.(bool); !isBool {
		problems = append(problems, fmt.Sprintf("%s: objstore.success is %T %v, want a bool", where, v, v))
	}
	if v, ok := span.Tag("objstore.latency_ms"); !ok {
		problems = append(problems, where+": no objstore.latency_ms")
	} else if ms, isNum := v.(float64); !isNum || ms <= 0 {
		problems = append(problems, fmt.Sprintf("%s: objstore.latency_ms is %T %v, want a positive number", where, v, v))
	}
	sdk := 0
	for _, d := range tree.descendants(span.SpanID) {
		if isSDKCall(d) {
			sdk++
		}
	}
	if sdk == 0 {
		problems = append(problems, where+": no AWS SDK call span (rpc.method=S3/…) beneath it")
	}
	return problems
}

// isSDKCall reports whether a Jaeger span is one of the AWS SDK's call spans: rpc.method
// "S3/PutObject" and the like, as the semantic conventions name it.
func isSDKCall(d jaegerSpan) bool {
	m, _ := d.Tag("rpc.method")
	return strings.HasPrefix(fmt.Sprint(m), "S3/")
}

// checkJobTraces checks that the quickstart's and batchjob's traces reached Jaeger with
// objstore.put spans beneath the job's own root span and the AWS SDK's spans beneath those.
func checkJobTraces(t *testing.T, s *stack) {
	for _, service := range []string{quickstartName, batchjobName} {
		traces := jaegerTraces(t, s.jaeger.QueryURL, service)
		puts, withSDK := 0, 0
		for _, tr := range traces {
			tree := newTraceTree(tr)
			for _, root := range tree.roots {
				for _, span := range tree.descendants(root.SpanID) {
					if span.OperationName != "objstore.put" {
						continue
					}
					puts++
					for _, d := range tree.descendants(span.SpanID) {
						if isSDKCall(d) {
							withSDK++
							break
						}
					}
				}
			}
		}
		t.Logf("jaeger: %s: %d traces, %d objstore.put spans beneath a root span, %d with AWS SDK spans beneath", service, len(traces), puts, withSDK)
		if puts == 0 || withSDK != puts {
			t.Errorf("%s: %d objstore.put spans beneath a root span, %d of them with AWS SDK spans; want at least one, all", service, puts, withSDK)
		}
	}
}

// checkMetrics queries Prometheus for the metrics the examples emitted, under the names the
// dashboards use, and checks the counts against what the test did.
func checkMetrics(t *testing.T, s *stack, run serviceRun) {
	svc := fmt.Sprintf(`service_name=%q`, serviceName)
	atLeast := []struct {
		promql string
		min    float64
	}{
		{`sum(objstore_operations_total{` + svc + `, objstore_operation="put", objstore_outcome="success"})`, float64(len(run.stored))},
		{`sum(objstore_operations_total{` + svc + `, objstore_operation="put", objstore_outcome="failure"})`, float64(len(run.failedKeys))},
		{`sum(objstore_operations_total{` + svc + `, objstore_operation="get", objstore_outcome="success"})`, float64(len(run.stored))},
		{`sum(objstore_operations_total{` + svc + `, objstore_operation="attributes", objstore_outcome="not_found"})`, 1},
		{`sum(objstore_operation_duration_seconds_count{` + svc + `, objstore_operation="put"})`, float64(len(run.stored) + len(run.failedKeys))},
		{`sum(objstore_bytes_total{` + svc + `, objstore_direction="upload"})`, float64(run.uploadedBytes)},
		{`sum(objstore_bytes_total{` + svc + `, objstore_direction="download"})`, float64(run.uploadedBytes)},
		// Each failed PUT was retried twice (3 attempts), besides the SlowDown retries.
		{`sum(objstore_retries_total{` + svc + `})`, float64(2 * len(run.failedKeys))},
		{`sum(otel_sdk_exporter_log_exported_total{` + svc + `, error_type=""})`, float64(run.requests)},
		{`sum(otel_sdk_exporter_span_exported_total{` + svc + `, error_type=""})`, float64(run.requests)},
		{`sum(otel_sdk_log_created_total{` + svc + `})`, float64(run.requests)},
		{`sum(otel_sdk_processor_log_processed_total{` + svc + `, error_type=""})`, float64(run.requests)},
		{`sum(otel_sdk_processor_span_processed_total{` + svc + `, error_type=""})`, float64(run.requests)},
		{`sum(go_goroutine_count{` + svc + `})`, 1},
		{`sum(otel_sdk_exporter_log_exported_total{service_name="` + quickstartName + `", error_type!=""})`, 1},
		{`sum(objstore_operations_total{service_name="` + quickstartName + `", objstore_outcome="success"})`, 1},
		{`sum(objstore_operations_total{service_name="` + batchjobName + `", objstore_outcome="success"})`, 1},
	}
	// The service's last export (at shutdown) may reach Prometheus a scrape later.
	waitForSeries(t, s.prometheus, atLeast[len(atLeast)-1].promql, 30*time.Second)
	for _, c := range atLeast {
		var got []testserver.Sample
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			got = s.prometheus.Query(t, c.promql)
			if len(got) == 1 && got[0].Value >= c.min || time.Now().After(deadline) {
				break
			}
		}
		if len(got) != 1 || got[0].Value < c.min {
			t.Errorf("%s = %v; want one series, at least %v", c.promql, got, c.min)
			continue
		}
		t.Logf("%s = %v (want >= %v)", c.promql, got[0].Value, c.min)
	}
	exactly := []struct {
		promql string
		want   float64
	}{
		{`sum(objstore_inflight{` + svc + `})`, 0},
		{`sum(otel_sdk_processor_log_processed_total{` + svc + `, error_type!=""})`, 0},
		{`sum(otel_sdk_processor_span_processed_total{` + svc + `, error_type!=""})`, 0},
	}
	for _, c := range exactly {
		got := s.prometheus.Query(t, c.promql)
		if len(got) != 1 || got[0].Value != c.want {
			t.Errorf("%s = %v, want one series of %v", c.promql, got, c.want)
		}
	}
}

// checkExemplars checks that Prometheus stored exemplars for the objstore duration histogram
// (what the S3 dashboard's latency panels show as links) and that they name traces Jaeger has.
func checkExemplars(t *testing.T, s *stack, traceIDs map[string]bool) {
	q := url.Values{
		"query": {fmt.Sprintf(`objstore_operation_duration_seconds_bucket{service_name=%q}`, serviceName)},
		"start": {strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)},
		"end":   {strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)},
	}
	var answer struct {
		Data []struct {
			Exemplars []struct {
				Labels map[string]string `json:"labels"`
			} `json:"exemplars"`
		} `json:"data"`
	}
	getJSON(t, s.prometheus.URL+"/api/v1/query_exemplars?"+q.Encode(), &answer)
	n, known := 0, 0
	for _, series := range answer.Data {
		for _, e := range series.Exemplars {
			n++
			if traceIDs[e.Labels["trace_id"]] {
				known++
			}
		}
	}
	t.Logf("%d exemplars on objstore_operation_duration_seconds_bucket, %d naming a trace in Jaeger", n, known)
	if n == 0 || known != n {
		t.Errorf("exemplars: %d, of which %d name a trace of %s in Jaeger; want at least one, all in Jaeger", n, known, serviceName)
	}
}

// checkServiceLogs reads the service's log records from the Collector's file output and checks
// that those written while handling requests carry the ids of traces Jaeger has.
func checkServiceLogs(t *testing.T, s *stack, run serviceRun, traceIDs map[string]bool) {
	var all, withTrace, inJaeger int
	for _, r := range s.collector.ReadLogs(t) {
		if r.Resource["service.name"] != serviceName {
			continue
		}
		all++
		if r.TraceID == "" {
			continue
		}
		withTrace++
		if r.SpanID == "" {
			t.Errorf("log record %q has trace id %s but no span id", r.Body, r.TraceID)
		}
		if traceIDs[r.TraceID] {
			inJaeger++
		} else {
			t.Errorf("log record %q: trace id %s is not a trace of %s in Jaeger", r.Body, r.TraceID, serviceName)
		}
	}
	t.Logf("collector logs.jsonl: %d records of %s, %d with a trace id, %d of those traces in Jaeger", all, serviceName, withTrace, inJaeger)
	if withTrace < run.requests {
		t.Errorf("%d log records with a trace id; want at least one per request (%d)", withTrace, run.requests)
	}
}

// checkDashboardQueries runs every Prometheus query of every dashboard panel, with Grafana's
// variables substituted, and fails any that errors or still returns no series after 30s (a
// rate needs two scrapes of a series inside its window, and the examples ran for seconds; the
// Collector's exporter keeps serving their last values). Loki queries cannot run here (no Loki
// outside Docker) and are listed instead.
func checkDashboardQueries(t *testing.T, s *stack) {
	type query struct {
		name, expr string
	}
	var pending []query
	for file, d := range readDashboards(t) {
		for _, q := range queriesOf(file, d) {
			if q.Datasource != "prometheus" {
				t.Logf("not run (%s data source): %s: %s", q.Datasource, q.Name(), q.Expr)
				continue
			}
			expr, unknown := substituteVariables(q.Expr, d.Templating.List)
			if len(unknown) > 0 {
				t.Errorf("%s: undefined variables %v", q.Name(), unknown)
				continue
			}
			pending = append(pending, query{q.Name(), expr})
		}
	}
	if len(pending) == 0 {
		t.Fatal("no Prometheus query in the dashboards")
	}
	total, start := len(pending), time.Now()
	for len(pending) > 0 && time.Since(start) < 30*time.Second {
		var still []query
		for _, q := range pending {
			if len(s.prometheus.Query(t, q.expr)) == 0 {
				still = append(still, q)
			}
		}
		pending = still
		if len(pending) > 0 {
			time.Sleep(500 * time.Millisecond)
		}
	}
	for _, q := range pending {
		t.Errorf("%s: no series after %v: %s", q.name, time.Since(start).Round(time.Second), q.expr)
	}
	var names []string
	getJSON(t, s.prometheus.URL+"/api/v1/label/__name__/values", &struct {
		Data *[]string `json:"data"`
	}{&names})
	t.Logf("metric names in Prometheus: %s", strings.Join(names, " "))
	t.Logf("%d dashboard queries, %d with series (all within %v)", total, total-len(pending), time.Since(start).Round(100*time.Millisecond))
}
