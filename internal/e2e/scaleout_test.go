package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/esper-platform/obskit/internal/testserver"
)

// The scale-out topology of deploy/scale-out (README "Scaling out"), on loopback.
const (
	scaleOutService  = "scaleout-service"
	scaleOutJob      = "scaleout-batchjob"
	scaleOutReplicas = 3
	// scaleOutDecisionWait is the gateways' tail-sampling decision_wait in the test (10s in
	// the config), so that the test need not wait long for the last decisions.
	scaleOutDecisionWait = 3 * time.Second
	// scaleOutSlowMs is the latency policy's threshold_ms in deploy/scale-out/gateway.yaml:
	// a trace lasting longer is kept.
	scaleOutSlowMs = 500
	// scaleOutShare is the probabilistic policy's sampling_percentage, as a fraction.
	scaleOutShare = 0.25
	// slowKeyPrefix marks object keys whose S3 requests the test's proxy holds for
	// slowKeyDelay, so that the request's trace is slower than the threshold.
	slowKeyPrefix = "slow-"
	slowKeyDelay  = 700 * time.Millisecond
)

// TestScaleOutConfigsValid validates the scale-out Collector configs with the built Collector
// and the compose file's scale-out profile with Debian's docker-compose.
func TestScaleOutConfigsValid(t *testing.T) {
	testserver.Require(t, testserver.ToolCollector, testserver.ToolDockerCompose)
	collector, err := testserver.Tool(testserver.ToolCollector)
	if err != nil {
		t.Fatal(err)
	}
	for _, config := range []string{"deploy/scale-out/agent.yaml", "deploy/scale-out/gateway.yaml"} {
		cmd := exec.Command(collector, "validate", "--config="+repoRoot(t)+"/"+config)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("otelcol-obskit validate --config=%s: %v\n%s", config, err, out)
		}
	}
	compose, err := testserver.Tool(testserver.ToolDockerCompose)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(compose, "-f", composeFile, "--profile", "scale-out", "config", "--services")
	cmd.Dir = repoRoot(t)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker-compose -f %s --profile scale-out config: %v\n%s", composeFile, err, out)
	}
	services := strings.Fields(string(out))
	for _, want := range []string{"agent", "gateway-1", "gateway-2", "prometheus-scale-out", "service-replica", "jaeger"} {
		if !slices.Contains(services, want) {
			t.Errorf("the scale-out profile has no service %s; services: %q", want, services)
		}
	}
}

// scaleOut is the running topology: Jaeger, two gateways, one agent, Prometheus, S3.
type scaleOut struct {
	jaeger     *testserver.Jaeger
	gateways   []*scaleOutGateway
	agent      *testserver.Collector
	agentSelf  string // the agent's own metrics, http://.../metrics
	prometheus *testserver.Prometheus
	s3         *testserver.S3Server
	s3Endpoint string // startScaleOutProxy's, in front of s3
}

type scaleOutGateway struct {
	name string
	*testserver.Collector
	self string // the gateway's own metrics, http://.../metrics
	prom string // its prometheus exporter, host:port
}

func startScaleOut(t *testing.T) *scaleOut {
	t.Helper()
	testserver.Require(t, stackTools...)
	s := &scaleOut{jaeger: testserver.StartJaeger(t)}
	targets := map[string]string{}
	for i := 1; i <= 2; i++ {
		self, prom := testserver.FreePort(t), testserver.FreePort(t)
		_, selfPort, _ := net.SplitHostPort(self)
		g := &scaleOutGateway{name: fmt.Sprintf("gateway-%d", i), self: "http://" + self + "/metrics", prom: prom}
		g.Collector = testserver.StartCollector(t,
			testserver.WithCollectorConfig("deploy/scale-out/gateway.yaml"),
			testserver.WithCollectorEnv("OTELCOL_GATEWAY_NAME", g.name),
			testserver.WithCollectorEnv("OTELCOL_JAEGER_ENDPOINT", s.jaeger.OTLPGRPCEndpoint),
			testserver.WithCollectorEnv("OTELCOL_PROMETHEUS_ENDPOINT", prom),
			// Replaces the port StartCollector sets (the last value of a variable wins), so
			// that the test knows where to read the gateway's own metrics.
			testserver.WithCollectorEnv("OTELCOL_TELEMETRY_PORT", selfPort),
			testserver.WithCollectorEnv("OTELCOL_DECISION_WAIT", scaleOutDecisionWait.String()),
		)
		s.gateways = append(s.gateways, g)
		targets[fmt.Sprintf("127.0.0.1:889%d", i)] = prom
		targets[fmt.Sprintf("127.0.0.1:887%d", i)] = self
	}
	self := testserver.FreePort(t)
	_, selfPort, _ := net.SplitHostPort(self)
	s.agentSelf = "http://" + self + "/metrics"
	targets["127.0.0.1:8870"] = self
	s.agent = testserver.StartCollector(t,
		testserver.WithCollectorConfig("deploy/scale-out/agent.yaml"),
		testserver.WithCollectorEnv("OTELCOL_GATEWAY_1", s.gateways[0].GRPCEndpoint),
		testserver.WithCollectorEnv("OTELCOL_GATEWAY_2", s.gateways[1].GRPCEndpoint),
		testserver.WithCollectorEnv("OTELCOL_TELEMETRY_PORT", selfPort),
	)
	s.prometheus = testserver.StartPrometheusWithTargets(t, "deploy/scale-out/prometheus.yml", targets)
	s.s3 = testserver.StartVersity(t)
	s.s3Endpoint = startScaleOutProxy(t, s.s3.Endpoint)
	return s
}

// env is the environment of an example sending through the agent.
func (s *scaleOut) env(service, instance string) map[string]string {
	return map[string]string{
		"OTEL_SERVICE_NAME":           service,
		"OTEL_RESOURCE_ATTRIBUTES":    "service.instance.id=" + instance,
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + s.agent.HTTPEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
		"OTEL_METRIC_EXPORT_INTERVAL": "500",
		"OTEL_BSP_SCHEDULE_DELAY":     "200",
		"OTEL_BLRP_SCHEDULE_DELAY":    "200",
		"AWS_ENDPOINT_URL_S3":         s.s3Endpoint,
		"AWS_REGION":                  s.s3.Region,
		"AWS_ACCESS_KEY_ID":           s.s3.AccessKey,
		"AWS_SECRET_ACCESS_KEY":       s.s3.SecretKey,
		"OBSKIT_S3_BUCKET":            s.s3.Bucket,
		"OBSKIT_S3_PATH_STYLE":        "true",
		"OBSKIT_S3_MAX_ATTEMPTS":      "3",
		"OBSKIT_S3_MAX_BACKOFF":       "50ms",
		"OBSKIT_LOG_CONSOLE":          "text",
	}
}

// TestScaleOutThroughAgent runs three replicas of the example service and the batch job
// through one agent and two gateways (deploy/scale-out), stops one gateway for a few seconds
// mid-run, and checks that every trace went whole to exactly one gateway, that tail sampling
// kept every error trace, every slow trace and about its share of the rest, that the three
// replicas' metrics stay three series in Prometheus, and that every span the agent accepted
// reached a gateway. The figures go to the test log (README "Scaling out").
func TestScaleOutThroughAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts the scale-out topology and builds the examples")
	}
	s := startScaleOut(t)
	bins := buildPrograms(t, "./examples/service", "./examples/batchjob")

	bases := make([]string, scaleOutReplicas)
	replicas := make([]*program, scaleOutReplicas)
	for i := range scaleOutReplicas {
		addr := testserver.FreePort(t)
		env := s.env(scaleOutService, fmt.Sprintf("replica-%d", i+1))
		env["SERVICE_ADDR"] = addr
		replicas[i] = startProgram(t, fmt.Sprintf("replica-%d", i+1), bins["./examples/service"], env)
		bases[i] = "http://" + addr
	}
	for i, base := range bases {
		testserver.WaitFor(t, func() bool {
			if replicas[i].Exited() {
				t.Fatalf("replica-%d exited while starting:\n%s", i+1, replicas[i].Output())
			}
			return healthy(base + "/healthz")
		}, 30*time.Second)
	}

	// Traffic on every replica, the batch job alongside; gateway-2 is stopped after 10 s and
	// started again 5 s later; traffic stops 7 s after that.
	traffic := startScaleOutTraffic(bases)
	jobEnv := s.env(scaleOutJob, "job-1")
	jobEnv["BATCHJOB_STEPS"] = "3"
	jobEnv["BATCHJOB_STEP_DURATION"] = "250ms"
	jobEnv["BATCHJOB_PROGRESS"] = "off"
	job := startProgram(t, "batchjob", bins["./examples/batchjob"], jobEnv)

	time.Sleep(10 * time.Second)
	gw2 := s.gateways[1]
	held, found, err := testserver.ScrapeMetrics(context.Background(), gw2.self, "otelcol_processor_tail_sampling_sampling_traces_on_memory", nil)
	if err != nil || !found {
		t.Logf("reading %s's otelcol_processor_tail_sampling_sampling_traces_on_memory: found %v, %v", gw2.name, found, err)
	}
	stopAt := time.Now()
	if err := gw2.Stop(); err != nil {
		t.Errorf("stopping %s: %v", gw2.name, err)
	}
	t.Logf("%s stopped; its tail sampler held %v traces in memory (decided or not; it decides the undecided ones on shutdown)", gw2.name, held)
	time.Sleep(5 * time.Second)
	gw2.Restart(t)
	restartAt := time.Now()
	t.Logf("%s started again after %v", gw2.name, restartAt.Sub(stopAt).Round(time.Millisecond))
	time.Sleep(7 * time.Second)
	run := traffic.stop()
	if run.unexpected > 0 {
		t.Errorf("traffic: %d answers were not what the test expected; first: %s", run.unexpected, run.firstUnexpected)
	}
	t.Logf("traffic: %d requests (%d PUTs stored, %d PUTs made to fail, %d slow PUTs)", run.requests, run.puts, run.failed, run.slow)
	for i, r := range replicas {
		if err := r.Terminate(t, 30*time.Second); err != nil {
			t.Errorf("replica-%d after SIGTERM: %v", i+1, err)
		}
	}
	if err := job.Wait(t, 2*time.Minute); err != nil {
		t.Errorf("batchjob: %v\n%s", err, job.Output())
	}

	// Every span the agent accepted must reach a gateway: wait until the gateways have
	// received as many distinct spans as the agent accepted.
	counts := waitForDelivery(t, s)
	// Then the last decisions: decision_wait, plus a second of the sampler's tick, plus the
	// batch and Jaeger's own batch.
	time.Sleep(scaleOutDecisionWait + 2*time.Second)

	received := map[string]*receivedTrace{} // by trace id
	for _, g := range s.gateways {
		for _, sp := range g.ReadSpans(t) {
			tr := received[sp.TraceID]
			if tr == nil {
				tr = &receivedTrace{id: sp.TraceID, spans: map[string]bool{}, gateways: map[string]bool{}}
				received[sp.TraceID] = tr
			}
			tr.add(g.name, sp)
		}
	}
	kept := jaegerScaleOutTraces(t, s.jaeger.QueryURL, scaleOutService, scaleOutJob)

	t.Run("whole-on-one-gateway", func(t *testing.T) { checkOneGatewayPerTrace(t, received, kept) })
	t.Run("tail-sampling", func(t *testing.T) {
		// The stopped gateway decided the traces it held when it stopped, on what it had; a
		// trace whose spans were still coming in (ended within a second before the stop, or
		// during the outage) may have had part of it decided then, the rest after the restart.
		checkTailSampling(t, received, kept, gw2.name, stopAt.Add(-time.Second), restartAt)
	})
	t.Run("restart", func(t *testing.T) {
		checkRestart(t, received, gw2.name, stopAt, restartAt, counts)
	})
	t.Run("replica-metrics", func(t *testing.T) { checkReplicaMetrics(t, s, run) })
}

// receivedTrace is what the gateways received of one trace, read from their files.
type receivedTrace struct {
	id         string
	spans      map[string]bool // span ids
	duplicates int             // spans received more than once
	gateways   map[string]bool
	perGateway map[string]int
	services   map[string]bool
	start, end time.Time
	hasError   bool
}

func (tr *receivedTrace) add(gateway string, sp testserver.Span) {
	if tr.perGateway == nil {
		tr.perGateway, tr.services = map[string]int{}, map[string]bool{}
	}
	if tr.spans[sp.SpanID] {
		tr.duplicates++
		return
	}
	tr.spans[sp.SpanID] = true
	tr.gateways[gateway] = true
	tr.perGateway[gateway]++
	if name, ok := sp.Resource["service.name"].(string); ok {
		tr.services[name] = true
	}
	if tr.start.IsZero() || sp.Start.Before(tr.start) {
		tr.start = sp.Start
	}
	if sp.End.After(tr.end) {
		tr.end = sp.End
	}
	if sp.StatusCode == 2 {
		tr.hasError = true
	}
}

// durationMs is the trace's duration as the latency policy computes it.
func (tr *receivedTrace) durationMs() int64 { return tr.end.Sub(tr.start).Milliseconds() }

// keptTrace is one trace as Jaeger holds it: its span ids and the gateway each span's process
// names (obskit.gateway, stamped by the gateway's resource processor).
type keptTrace struct {
	spans    int
	gateways map[string]int
}

// jaegerScaleOutTraces returns the traces Jaeger holds for the services, by trace id.
func jaegerScaleOutTraces(t *testing.T, queryURL string, services ...string) map[string]keptTrace {
	t.Helper()
	out := map[string]keptTrace{}
	for _, service := range services {
		q := url.Values{"service": {service}, "lookback": {"1h"}, "limit": {"20000"}}
		var answer struct {
			Data []struct {
				TraceID string `json:"traceID"`
				Spans   []struct {
					SpanID    string `json:"spanID"`
					ProcessID string `json:"processID"`
				} `json:"spans"`
				Processes map[string]struct {
					Tags []struct {
						Key   string `json:"key"`
						Value any    `json:"value"`
					} `json:"tags"`
				} `json:"processes"`
			} `json:"data"`
		}
		getJSON(t, queryURL+"/api/traces?"+q.Encode(), &answer)
		for _, tr := range answer.Data {
			k := keptTrace{gateways: map[string]int{}}
			seen := map[string]bool{}
			for _, sp := range tr.Spans {
				if seen[sp.SpanID] {
					continue
				}
				seen[sp.SpanID] = true
				k.spans++
				gateway := "(none)"
				for _, tag := range tr.Processes[sp.ProcessID].Tags {
					if tag.Key == "obskit.gateway" {
						gateway = fmt.Sprint(tag.Value)
					}
				}
				k.gateways[gateway]++
			}
			out[tr.TraceID] = k
		}
	}
	return out
}

// checkOneGatewayPerTrace: every trace received went to exactly one gateway, and every trace
// in Jaeger names exactly one gateway, the one that received it.
func checkOneGatewayPerTrace(t *testing.T, received map[string]*receivedTrace, kept map[string]keptTrace) {
	split, spans, dups := 0, 0, 0
	perGateway := map[string]int{}
	tracesPerGateway := map[string]int{}
	for _, tr := range received {
		spans += len(tr.spans)
		dups += tr.duplicates
		for g, n := range tr.perGateway {
			perGateway[g] += n
			tracesPerGateway[g]++
		}
		if len(tr.gateways) != 1 {
			split++
			if split <= 5 {
				t.Errorf("trace %s reached gateways %v (spans per gateway %v); want one", tr.id, tr.gateways, tr.perGateway)
			}
		}
	}
	t.Logf("gateways received %d traces, %d spans (%d more received twice): %v spans, %v traces per gateway; traces split over gateways: %d",
		len(received), spans, dups, perGateway, tracesPerGateway, split)
	if len(received) < 100 {
		t.Errorf("only %d traces received; the traffic did not run", len(received))
	}
	for _, g := range []string{"gateway-1", "gateway-2"} {
		if tracesPerGateway[g] < len(received)/5 {
			t.Errorf("%s received %d of %d traces; want a fair share", g, tracesPerGateway[g], len(received))
		}
	}
	splitInJaeger := 0
	for id, k := range kept {
		tr := received[id]
		if tr == nil {
			t.Errorf("Jaeger holds trace %s, which no gateway received", id)
			continue
		}
		if len(k.gateways) != 1 || !tr.gateways[onlyKey(k.gateways)] {
			splitInJaeger++
			t.Errorf("Jaeger: trace %s has spans from gateways %v; the gateways received it at %v", id, k.gateways, tr.gateways)
		}
	}
	t.Logf("Jaeger holds %d traces, each with the spans of one gateway; split: %d", len(kept), splitInJaeger)
}

func onlyKey(m map[string]int) string {
	for k := range m {
		return k
	}
	return ""
}

// checkTailSampling: every error trace and every slow trace is in Jaeger with all its spans,
// and about scaleOutShare of the rest; traces of the stopped gateway with spans ending between
// riskFrom and riskTo are counted apart and reported (they may have been decided in two parts).
func checkTailSampling(t *testing.T, received map[string]*receivedTrace, kept map[string]keptTrace, stopped string, riskFrom, riskTo time.Time) {
	var errs, errKept, slow, slowKept, rest, restKept, atRisk, atRiskLost, borderline int
	for id, tr := range received {
		k, inJaeger := kept[id]
		whole := inJaeger && k.spans == len(tr.spans)
		if tr.gateways[stopped] && tr.end.After(riskFrom) && tr.start.Before(riskTo) {
			atRisk++
			if (tr.hasError || tr.durationMs() > scaleOutSlowMs) && !whole {
				atRiskLost++
			}
			continue
		}
		switch d := tr.durationMs(); {
		case tr.hasError:
			errs++
			if whole {
				errKept++
			} else if errs-errKept <= 5 {
				t.Errorf("error trace %s (%d spans, %v) is not whole in Jaeger (%d spans there)", id, len(tr.spans), tr.services, k.spans)
			}
		case d > scaleOutSlowMs+50:
			slow++
			if whole {
				slowKept++
			} else if slow-slowKept <= 5 {
				t.Errorf("slow trace %s (%d ms, %d spans, %v) is not whole in Jaeger (%d spans there)", id, d, len(tr.spans), tr.services, k.spans)
			}
		case d >= scaleOutSlowMs-50:
			borderline++
		default:
			rest++
			if inJaeger {
				restKept++
				if !whole {
					t.Errorf("trace %s is in Jaeger with %d of its %d spans", id, k.spans, len(tr.spans))
				}
			}
		}
	}
	share := float64(restKept) / math.Max(1, float64(rest))
	t.Logf("tail sampling: error traces %d, kept %d; slow traces (> %d ms) %d, kept %d; other traces %d, kept %d (%.1f %%, policy %.0f %%); within 50 ms of the threshold, not judged: %d",
		errs, errKept, scaleOutSlowMs, slow, slowKept, rest, restKept, 100*share, 100*scaleOutShare, borderline)
	t.Logf("traces %s received around its stop and outage (possibly decided in two parts): %d; of them error or slow traces not whole in Jaeger: %d", stopped, atRisk, atRiskLost)
	if errs == 0 || slow == 0 {
		t.Errorf("the traffic made %d error traces and %d slow traces; want some of each", errs, slow)
	}
	if rest < 100 {
		t.Errorf("only %d other traces; too few to judge the share", rest)
	} else if math.Abs(share-scaleOutShare) > 0.12 {
		t.Errorf("kept %.1f %% of the other traces; want about %.0f %%", 100*share, 100*scaleOutShare)
	}
}

// deliveryCounts are the agent's and gateways' counts once delivery settled.
type deliveryCounts struct {
	agentAccepted, agentSent, agentFailed float64
	gatewaySpans                          int // distinct spans in the gateways' files
}

// waitForDelivery waits (at most a minute) until the gateways' files hold as many distinct
// spans as the agent accepted and handed on, and returns the counts; a shortfall fails the
// test with both sides' figures.
func waitForDelivery(t *testing.T, s *scaleOut) deliveryCounts {
	t.Helper()
	var c deliveryCounts
	var lastErr error
	start := time.Now()
	for deadline := start.Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		c, lastErr = s.deliveryCounts(t)
		if lastErr == nil && c.agentAccepted > 0 && c.agentAccepted == c.agentSent+c.agentFailed && float64(c.gatewaySpans) == c.agentAccepted {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("after a minute: agent accepted %v spans, handed %v to the gateways' queues, failed %v; the gateways received %d distinct spans (%v)",
				c.agentAccepted, c.agentSent, c.agentFailed, c.gatewaySpans, lastErr)
			return c
		}
	}
	t.Logf("delivery settled %v after the traffic: agent accepted %v spans, sent %v, failed %v; gateways received %d distinct spans",
		time.Since(start).Round(100*time.Millisecond), c.agentAccepted, c.agentSent, c.agentFailed, c.gatewaySpans)
	return c
}

func (s *scaleOut) deliveryCounts(t *testing.T) (deliveryCounts, error) {
	var c deliveryCounts
	var errs []error
	read := func(metric string, match map[string]string) float64 {
		ctx, cancel := withTimeout(5 * time.Second)
		defer cancel()
		for _, name := range []string{metric + "_total", metric} {
			v, found, err := testserver.ScrapeMetrics(ctx, s.agentSelf, name, match)
			if err != nil {
				errs = append(errs, err)
				return 0
			}
			if found {
				return v
			}
		}
		return 0
	}
	c.agentAccepted = read("otelcol_receiver_accepted_spans", map[string]string{"receiver": "otlp"})
	c.agentSent = read("otelcol_exporter_sent_spans", map[string]string{"exporter": "load_balancing/by_trace"})
	c.agentFailed = read("otelcol_exporter_send_failed_spans", map[string]string{"exporter": "load_balancing/by_trace"})
	seen := map[string]bool{}
	for _, g := range s.gateways {
		for _, sp := range g.ReadSpans(t) {
			seen[sp.TraceID+sp.SpanID] = true
		}
	}
	c.gatewaySpans = len(seen)
	return c, errors.Join(errs...)
}

// checkRestart reports what happened to the stopped gateway's share: spans that ended while
// it was down and reached it after its restart (queued and retried by the agent, not
// re-routed), and the agent's and gateways' counts.
func checkRestart(t *testing.T, received map[string]*receivedTrace, stopped string, stopAt, restartAt time.Time, c deliveryCounts) {
	var outageTraces = map[string]int{}
	for _, tr := range received {
		// Traces wholly within the outage, by their spans' end times.
		if tr.start.After(stopAt.Add(500*time.Millisecond)) && tr.end.Before(restartAt) {
			outageTraces[onlyGateway(tr)]++
		}
	}
	t.Logf("traces that began and ended while %s was down, by the gateway that received them: %v (the agent queued %s's share and delivered it after the restart; nothing was re-routed)",
		stopped, outageTraces, stopped)
	if outageTraces[stopped] == 0 {
		t.Errorf("no trace of the outage reached %s after its restart: %v", stopped, outageTraces)
	}
	lost := c.agentAccepted - float64(c.gatewaySpans)
	t.Logf("spans lost between agent and gateways during the restart: %v (agent accepted %v, send failures %v; gateways received %d)",
		lost, c.agentAccepted, c.agentFailed, c.gatewaySpans)
	if lost != 0 || c.agentFailed != 0 {
		t.Errorf("%v spans lost, %v send failures counted by the agent; want none", lost, c.agentFailed)
	}
}

func onlyGateway(tr *receivedTrace) string {
	if len(tr.gateways) != 1 {
		return "(split)"
	}
	for g := range tr.gateways {
		return g
	}
	return ""
}

// checkReplicaMetrics: the three replicas' objstore counters are three series in Prometheus,
// one per service.instance.id, each counting that replica's own PUTs, and the service's
// metrics are served by one gateway only (routed by service).
func checkReplicaMetrics(t *testing.T, s *scaleOut, run scaleOutRun) {
	promql := fmt.Sprintf(`sum by (service_instance_id) (objstore_operations_total{service_name=%q, objstore_operation="put", objstore_outcome="success"})`, scaleOutService)
	var got []testserver.Sample
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		got = s.prometheus.Query(t, promql)
		if countsAtLeast(got, run.putsPerReplica) || time.Now().After(deadline) {
			break
		}
	}
	t.Logf("%s = %v; PUTs stored per replica: %v", promql, got, run.putsPerReplica)
	if !countsAtLeast(got, run.putsPerReplica) || len(got) != scaleOutReplicas {
		t.Errorf("want %d series, replica-N counting at least %v", scaleOutReplicas, run.putsPerReplica)
	}
	serving := 0
	for _, g := range s.gateways {
		ctx, cancel := withTimeout(5 * time.Second)
		_, found, err := testserver.ScrapeMetrics(ctx, "http://"+g.prom+"/metrics", "objstore_operations_total", map[string]string{"service_name": scaleOutService})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", g.name, err)
		}
		if found {
			serving++
			t.Logf("%s serves %s's metrics", g.name, scaleOutService)
		}
	}
	if serving != 1 {
		t.Errorf("%d gateways serve %s's metrics; want one (metrics are routed by service)", serving, scaleOutService)
	}
}

// countsAtLeast reports whether samples has, for each replica-N, a value at least want[N-1].
func countsAtLeast(samples []testserver.Sample, want []int) bool {
	for i, w := range want {
		found := false
		for _, s := range samples {
			if s.Labels["service_instance_id"] == fmt.Sprintf("replica-%d", i+1) && s.Value >= float64(w) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// scaleOutRun is what the traffic did.
type scaleOutRun struct {
	requests, puts, failed, slow int
	putsPerReplica               []int
	unexpected                   int
	firstUnexpected              string
}

// scaleOutTraffic sends requests to every replica from goroutines of its own until stopped.
type scaleOutTraffic struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	run  scaleOutRun
}

// startScaleOutTraffic starts one client per replica: in a loop, a PUT and a GET of a small
// object, every 7th round a PUT the fault proxy makes fail (an error trace) and every 9th a
// PUT the delay proxy makes slow (a slow trace).
func startScaleOutTraffic(bases []string) *scaleOutTraffic {
	tr := &scaleOutTraffic{done: make(chan struct{})}
	tr.run.putsPerReplica = make([]int, len(bases))
	for r, base := range bases {
		tr.wg.Add(1)
		go func() {
			defer tr.wg.Done()
			body := bytes.Repeat([]byte{'x'}, 2048)
			for i := 0; ; i++ {
				select {
				case <-tr.done:
					return
				default:
				}
				key := fmt.Sprintf("r%d/object-%d", r+1, i)
				if tr.expect(http.MethodPut, base+"/files/"+key, body, is(http.StatusCreated)) {
					tr.mu.Lock()
					tr.run.puts++
					tr.run.putsPerReplica[r]++
					tr.mu.Unlock()
				}
				tr.expect(http.MethodGet, base+"/files/"+key, nil, is(http.StatusOK))
				if i%7 == 3 {
					tr.expect(http.MethodPut, fmt.Sprintf("%s/files/%sr%d-%d", base, failKeyPrefix, r+1, i), body, func(code int) bool { return code >= 500 })
					tr.mu.Lock()
					tr.run.failed++
					tr.mu.Unlock()
				}
				if i%9 == 5 {
					if tr.expect(http.MethodPut, fmt.Sprintf("%s/files/%sr%d-%d", base, slowKeyPrefix, r+1, i), body, is(http.StatusCreated)) {
						tr.mu.Lock()
						tr.run.slow++
						tr.run.puts++
						tr.run.putsPerReplica[r]++
						tr.mu.Unlock()
					}
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	return tr
}

// is returns a status check that wants code.
func is(code int) func(int) bool { return func(got int) bool { return got == code } }

// expect sends a request and reports whether the status passed the check want; anything
// else, a transport error included, is counted as unexpected.
func (tr *scaleOutTraffic) expect(method, u string, body []byte, want func(int) bool) bool {
	ctx, cancel := withTimeout(httpTimeout)
	defer cancel()
	code, err := func() (int, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		resp, err := noKeepAlive.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.run.requests++
	if err == nil && want(code) {
		return true
	}
	tr.run.unexpected++
	if tr.run.firstUnexpected == "" {
		tr.run.firstUnexpected = fmt.Sprintf("%s %s: status %d, error %v", method, u, code, err)
	}
	return false
}

// stop ends the traffic and returns what it did.
func (tr *scaleOutTraffic) stop() scaleOutRun {
	close(tr.done)
	tr.wg.Wait()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	run := tr.run
	run.putsPerReplica = slices.Clone(tr.run.putsPerReplica)
	return run
}

// startScaleOutProxy starts a reverse proxy in front of the S3 server target
// ("http://host:port") and returns its base URL; a t.Cleanup stops it. It answers every
// request for a failKeyPrefix key (path-style /bucket/key) with 500 InternalError, so that the
// operation fails once its retries are used up (an error trace), and holds every request for
// a slowKeyPrefix key for slowKeyDelay (a slow trace). Unlike the e2e fault proxy it answers
// no SlowDown: with three clients at once, an operation could meet it on every attempt. The
// Host header is passed on unchanged, so SigV4 signatures stay valid.
func startScaleOutProxy(t *testing.T, target string) string {
	t.Helper()
	var held, failed atomic.Int64
	return serveS3Proxy(t, target, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			switch {
			case strings.HasPrefix(key, failKeyPrefix):
				failed.Add(1)
				s3Error(w, http.StatusInternalServerError, "InternalError", "injected by the scale-out test's proxy")
				return
			case strings.HasPrefix(key, slowKeyPrefix):
				held.Add(1)
				time.Sleep(slowKeyDelay)
			}
			next.ServeHTTP(w, r)
		})
	}, func() {
		t.Logf("proxy: answered %d requests with 500, held %d for %v", failed.Load(), held.Load(), slowKeyDelay)
	})
}
