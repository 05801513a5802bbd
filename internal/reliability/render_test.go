package reliability_test

import (
	"encoding/json"
	"fmt"
	"strings"
)

// renderReport writes RELIABILITY.md from r: the text, then r as JSON in a comment.
func renderReport(r report) (string, error) {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	variant := "short variants, as CI runs them"
	if r.Long {
		variant = "long variants (-reliability.long)"
	}
	mark := func(item string) string {
		if r.Passed[item] {
			return "passed"
		}
		return "**FAILED**"
	}
	p("# Reliability\n\n")
	p("Figures measured by the tests of `internal/reliability` against a real OpenTelemetry Collector and a real\n")
	p("S3 server (versitygw), both started on loopback by `internal/testserver`. Generated on %s\n", r.Generated)
	p("(%s; %s) by\n\n", r.Platform, variant)
	p("    go test ./internal/reliability -run TestReliabilityReport -update -timeout 30m [-reliability.long]\n\n")
	p("Do not edit: `TestReliabilityReport` renders this text again from the figures at the end of the file and\n")
	p("fails if they differ. The same tests run in CI (`go test ./...`, short variants) and fail there when a\n")
	p("claim below stops holding.\n\n")
	p("| item | result |\n| --- | --- |\n")
	for _, item := range []string{itemOutage, itemShutdown, itemS3, itemSoak, itemFuzz, itemCanaries, itemBadInput} {
		p("| %s | %s |\n", item, mark(item))
	}

	o := r.Outage
	p("\n## %s\n\n", itemOutage)
	p("`TestCollectorOutage`: %d records/s logged through `telemetry.Setup` (logpipe, OTLP/gRPC) and a 16 KiB upload\n", o.Rate)
	p("every 100 ms (objstore/s3, spans to the Collector); the Collector is stopped for %.0f s after %.0f s, then\n", o.OutageS, o.HealthyS)
	p("restarted and watched for %.0f s. Log queue bound: OTEL_BLRP_MAX_QUEUE_SIZE=%d (%.0f MiB), export timeout 2 s.\n\n", o.RecoveryS, outageQueueRecords, o.QueueBoundMiB)
	p("| figure | value |\n| --- | --- |\n")
	p("| records sent | %d |\n", o.Sent)
	p("| delivered (distinct `seq` in the Collector's file) | %d |\n", o.Delivered)
	p("| dropped, counted by the pipeline | %d (queue full %d, export failed %d) |\n", o.Dropped, o.DroppedQueueFull, o.DroppedExportFail)
	p("| sent − delivered − dropped | %d |\n", o.Sent-o.Delivered-o.Dropped)
	p("| delivered twice | %d |\n", o.Duplicates)
	p("| logging call p50 / p99, healthy | %.1f / %.1f µs |\n", o.P50HealthyUS, o.P99HealthyUS)
	p("| logging call p50 / p99, Collector down | %.1f / %.1f µs (%.2f× healthy p99) |\n", o.P50OutageUS, o.P99OutageUS, ratio(o.P99OutageUS, o.P99HealthyUS))
	p("| slowest logging call | %.1f ms |\n", o.MaxCallMS)
	p("| most records queued | %d |\n", o.MaxQueued)
	p("| live heap after GC, end of healthy / outage phase | %.1f / %.1f MiB |\n", o.HeapHealthyMiB, o.HeapOutageMiB)
	p("| export resumed after the restart | %.1f s |\n", o.ResumedAfterS)
	p("| uploads during the run (failed) | %d (%d) |\n", o.Uploads, o.UploadFailures)

	s := r.Shutdown
	p("\n## %s\n\n", itemShutdown)
	p("`TestShutdownLosesNothing`: %d records logged by one goroutine in %.2f s, then `Shutdown`: it took %.2f s and the\n", s.Logged, s.LogS, s.ShutdownS)
	p("Collector holds %d of them (%d twice). With the Collector stopped, %d records logged and `Shutdown` given\n", s.Delivered, s.Duplicates, s.DeadlineLogged)
	p("%.1f s: it returned after %.2f s with\n\n    %s\n\n", s.DeadlineS, s.ReturnS, s.DeadlineError)
	p("(%d records not exported; `Telemetry.Shutdown` gives the logs a third of the time left).\n", s.DeadlineNotExported)

	p("\n## %s\n\n", itemS3)
	p("`TestS3Faults`, beside `objstore/s3/fault_test.go` (1,000 concurrent Puts through 503 SlowDown, connection resets,\n")
	p("2 s delays and a quick server restart, at 99.9%%+). Each case puts 2 objects of 11–15 MiB (multipart, 5 MiB parts)\n")
	p("and 24 of 1–64 KiB at once, a third of unknown size, through `internal/faultproxy`: **slow** 30%% of requests\n")
	p("held 3 s against a 1 s response-header timeout; **hung** every request held 3 s, 3 attempts; **deadline** every\n")
	p("request held 3 s, the caller's context expires after 1 s; **down-briefly** the server stopped 2 s mid-upload;\n")
	p("**down** stopped 4 s with 3 attempts per request. Every success reads back byte-identical. A Put whose request\n")
	p("was sent and whose answer never came looks at the key before returning: the content it sent is there, it succeeds;\n")
	p("otherwise it fails with `objstore.ErrOutcomeUnknown` (the object is then absent or whole: a request the proxy still\n")
	p("held may land later). Any other failure leaves nothing; one that is stored is a false failure (the test fails).\n\n")
	p("| case | succeeded | failed, nothing stored | outcome unknown (stored later) | false failures | uploads left open | slowest Put | requests / faults |\n")
	p("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, c := range r.S3.Cases {
		p("| %s | %d/%d (%.1f%%) | %d | %d (%d) | %d | %d | %.1f s | %d / %d |\n", c.Name, c.Succeeded, c.Puts, 100*ratio(float64(c.Succeeded), float64(c.Puts)),
			c.FailedWithNothing, c.Unknown, c.UnknownStored, c.FailedStoredWhole, c.OpenUploads, c.MaxReturnS, c.Requests, c.Faults)
	}
	p("\nA multipart Put whose caller's deadline expired returns only after aborting its upload on a fresh context\n")
	p("(bounded by objstore/s3's 30 s abort timeout): hence the slowest Put of the deadline case.\n")

	k := r.Soak
	p("\n## %s\n\n", itemSoak)
	p("`TestSoak`: %.0f s of logging (%.0f records/s) and upload-and-read-back cycles of 4–256 KiB (%.1f/s), with a %.0f s\n", k.DurationS, k.RecordsPerSecond, k.UploadsPerSecond, k.WarmUpS)
	p("warm-up; %d samples of the live heap (after `runtime.GC`) and the goroutine count; growth compares the floor of the\n", k.Samples)
	p("first third of the samples with the floor of the last third.\n\n")
	p("| figure | value |\n| --- | --- |\n")
	p("| records sent / delivered / dropped | %d / %d / %d |\n", k.Records, k.Delivered, k.Dropped)
	p("| upload cycles (failed) | %d (%d) |\n", k.Uploads, k.UploadFailures)
	p("| live heap | %.2f → %.2f MiB (%+.1f%%) |\n", k.HeapStartMiB, k.HeapEndMiB, k.HeapGrowthPct)
	p("| goroutines | %d → %d (%+.1f%%) |\n", k.GoroutinesStart, k.GoroutinesEnd, k.GoroutineGrowthPct)
	p("| goleak after Shutdown and Close | %s |\n", clean(k.GoleakClean))

	p("\n## %s\n\n", itemFuzz)
	p("Every `func Fuzz*` of the root module, run for a fixed time each (CI runs them for `FUZZTIME`, 10 s). Seed\n")
	p("corpora are in each package's `testdata/fuzz/<target>/`.\n\n")
	p("| package | target | executions | new interesting | result |\n| --- | --- | --- | --- | --- |\n")
	var execs int64
	for _, fz := range r.Fuzz {
		execs += fz.Execs
		res := "passed"
		if !fz.Passed {
			res = "**FAILED**"
		}
		p("| `%s` | `%s` | %d in %.0f s | %d | %s |\n", fz.Package, fz.Name, fz.Execs, fz.Seconds, fz.NewInteresting, res)
	}
	p("\n%d executions in all.\n", execs)

	c := r.Canaries
	p("\n## %s\n\n", itemCanaries)
	p("`TestSecretCanaries`: the examples built with `go build` and run as processes with %d canary values (AWS access key,\n", c.Canaries)
	p("secret key and session token; an OTLP header and an OTLP bearer token; the quickstart's `envconfig.Secret`), the SDK's\n")
	p("debug logging on (OTEL_LOG_LEVEL=debug). Searched in %d forms each (as is, base64, URL-safe base64, percent-encoded,\n", c.Forms)
	p("upper case) in stdout and stderr, HTTP answers, every file the program wrote and the Collector's output (log\n")
	p("records, span attributes and events, metric attributes).\n\n")
	p("| run | exit code | bytes searched | canaries found |\n| --- | --- | --- | --- |\n")
	for _, run := range c.Runs {
		p("| %s | %d | %d | %d |\n", run.Name, run.ExitCode, run.Bytes, run.Leaks)
	}
	p("\nobjstore/s3 offers no switch for the SDK's client logging (`aws.ClientLogMode`). With a caller-built client passed\n")
	p("to `s3.NewFromClient`, each mode below was tried with the right and with wrong credentials: obskit's errors, spans\n")
	p("and metrics stayed clean; the SDK's own log output (the caller's logger, not an obskit output) showed:\n\n")
	p("| ClientLogMode | SDK log bytes | the SDK's log showed | canaries in obskit's outputs |\n| --- | --- | --- | --- |\n")
	for _, m := range c.SDKLog {
		showed := "nothing"
		if len(m.SDKShowed) > 0 {
			showed = strings.Join(m.SDKShowed, ", ")
		}
		p("| %s | %d | %s | %d |\n", m.Mode, m.LogBytes, showed, m.Leaks)
	}

	bi := r.BadInput
	p("\n## %s\n\n", itemBadInput)
	p("`TestBadInput`: %d malformed environment values (telemetry and objstore/s3, through `ConfigFromEnv`/`Setup` and\n", bi.EnvCases)
	p("`envconfig.Load`/`s3.New`), %d example processes started with a malformed variable, %d kinds of invalid key on every\n", bi.ExampleCases, bi.KeyCases)
	p("operation, %d failing Puts (unreachable endpoint, wrong secret key, unknown access key, missing bucket, cancelled\n", bi.OperationCases)
	p("and expired contexts, readers that fail, fall short or run long, a cancel mid-upload), reads and telemetry flushes on\n")
	p("a cancelled context.\n\n")
	p("| figure | value |\n| --- | --- |\n")
	p("| cases with a missing, unclear or value-quoting error | %d |\n", bi.Failed)
	p("| panics | %d |\n", bi.Panics)
	p("| requests sent for invalid keys | %d |\n", bi.RequestsForInvalidKeys)
	p("| failed Puts that left an object or an open upload | %d |\n", bi.HalfWritten)
	exists := "none"
	if len(bi.ExistsWithoutError) > 0 {
		exists = strings.Join(bi.ExistsWithoutError, ", ")
	}
	p("| misconfigured buckets on which `Exists` answered false, nil | %s |\n", exists)
	p("\nA HEAD answer has no body, so `Exists` cannot tell a missing object from a missing bucket (nor, on versitygw,\n")
	p("from an unknown access key, which it answers 404 where AWS answers 403).\n")

	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	p("\n%s%s\n-->\n", figuresMarker, js)
	return b.String(), nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func clean(ok bool) string {
	if ok {
		return "clean"
	}
	return "**goroutines left**"
}
