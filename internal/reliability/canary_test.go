package reliability_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// canaryFigures are what TestSecretCanaries measured.
type canaryFigures struct {
	Runs     []canaryRun
	Canaries int // distinct canary values
	Forms    int // encodings searched per canary
	// SDKLog lists, per aws.ClientLogMode tried with a caller-built client (objstore/s3 does
	// not expose the setting), which canaries the SDK's own log output showed.
	SDKLog []sdkLogCase
}

// canaryRun is one program run or failure path.
type canaryRun struct {
	Name     string
	ExitCode int
	Bytes    int // bytes of output and files searched
	Leaks    int
}

// sdkLogCase is one ClientLogMode tried.
type sdkLogCase struct {
	Mode      string
	LogBytes  int
	SDKShowed []string // canaries found in the SDK's own log output (not an obskit output)
	Leaks     int      // canaries found in obskit's outputs (errors, spans, metrics)
}

// TestSecretCanaries: see measureCanaries.
func TestSecretCanaries(t *testing.T) {
	skipUnderUpdate(t)
	measureCanaries(t)
}

// canary returns a value no program could print by chance.
func canary(kind string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "canary" + kind + hex.EncodeToString(b)
}

// canaryForms returns the forms in which a secret could leak: as is, base64 (OTLP JSON bytes,
// basic auth), and percent-encoded.
func canaryForms(s string) []string {
	return []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)),
		url.QueryEscape(s), strings.ToUpper(s)}
}

// leaks returns "where: canary" for every canary form found in texts or in a file below dirs.
func leaks(t *testing.T, canaries []string, texts map[string]string, dirs ...string) (found []string, searched int) {
	t.Helper()
	all := map[string]string{}
	for k, v := range texts {
		all[k] = v
	}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil {
				all[path] = string(b)
			}
			return nil
		})
	}
	for name, text := range all {
		searched += len(text)
		for _, c := range canaries {
			for _, form := range canaryForms(c) {
				if strings.Contains(text, form) {
					found = append(found, fmt.Sprintf("%s shows %s (as %q)", name, c[:min(len(c), 14)]+"…", form[:min(len(form), 14)]+"…"))
				}
			}
		}
	}
	return found, searched
}

// measureCanaries runs the examples as separate processes (built with go build), with canary
// values as the AWS credentials, OTLP headers (a custom header and an Authorization bearer
// token) and the quickstart's envconfig.Secret (QUICKSTART_DEMO_TOKEN), and the OTel SDK's
// own logging at debug level: quickstart, batchjob and service against versitygw and a real
// Collector, then the failure paths (S3 endpoint unreachable, wrong secret key, unknown access
// key with a session token, OTLP endpoint unreachable, service with wrong credentials). No
// canary may appear, as is, base64-encoded, percent-encoded or upper-cased, in stdout, stderr,
// HTTP answers, the files the programs wrote or the Collector's output (log records, span
// attributes and events, metric attributes). The versitygw credentials of the successful runs
// are random per server, so they are canaries too. Last, with a caller-built S3 client whose
// SDK logging (aws.ClientLogMode) is on — objstore/s3.New offers no such switch — obskit's
// errors, spans and metrics must stay clean; what the SDK itself logs is reported.
func measureCanaries(t *testing.T) canaryFigures {
	testserver.Require(t, testserver.ToolCollector, testserver.ToolVersity)
	col := testserver.StartCollector(t)
	srv := testserver.StartVersity(t)
	bins := buildExamples(t)
	var f canaryFigures

	header, bearer, demo := canary("hdr"), canary("bearer"), canary("demo")
	wrongSecret, wrongKeyID, session := canary("secret"), "AKIA"+strings.ToUpper(canary("akid")), canary("session")
	canaries := []string{header, bearer, demo, wrongSecret, wrongKeyID, session, srv.SecretKey}
	if len(srv.AccessKey) >= 12 {
		canaries = append(canaries, srv.AccessKey)
	} else {
		t.Logf("versitygw's access key is %d characters, too short to be a canary", len(srv.AccessKey))
	}
	f.Canaries, f.Forms = len(canaries), len(canaryForms(""))

	base := func(extra map[string]string) map[string]string {
		env := map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + col.HTTPEndpoint,
			"OTEL_EXPORTER_OTLP_HEADERS":  "x-canary=" + header + ",authorization=Bearer%20" + bearer,
			"OTEL_LOG_LEVEL":              "debug",
			"OBSKIT_LOG_LEVEL":            "DEBUG",
			"AWS_ENDPOINT_URL_S3":         srv.Endpoint,
			"AWS_REGION":                  srv.Region,
			"AWS_ACCESS_KEY_ID":           srv.AccessKey,
			"AWS_SECRET_ACCESS_KEY":       srv.SecretKey,
			"OBSKIT_S3_BUCKET":            srv.Bucket,
			"OBSKIT_S3_PATH_STYLE":        "true",
			"QUICKSTART_DEMO_TOKEN":       demo,
			"QUICKSTART_OBJECTS":          "6",
			"QUICKSTART_MAX_SIZE":         "65536",
			"QUICKSTART_TIMEOUT":          "45s",
			"BATCHJOB_STEPS":              "2",
			"BATCHJOB_STEP_DURATION":      "50ms",
			"BATCHJOB_PROGRESS":           "plain",
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	quickstart, batchjob, service := filepath.Join(bins, "quickstart"), filepath.Join(bins, "batchjob"), filepath.Join(bins, "service")
	closedPort := testserver.FreePort(t)
	fast := map[string]string{"OBSKIT_S3_MAX_ATTEMPTS": "2", "QUICKSTART_TIMEOUT": "20s", "BATCHJOB_TIMEOUT": "20s"}
	with := func(a, b map[string]string) map[string]string {
		for k, v := range b {
			a[k] = v
		}
		return a
	}
	runs := []struct {
		name     string
		bin      string
		env      map[string]string
		wantExit int // -1: any
	}{
		{"quickstart", quickstart, base(nil), 0},
		{"batchjob", batchjob, base(nil), 0},
		{"quickstart_s3_unreachable", quickstart, base(with(map[string]string{"AWS_ENDPOINT_URL_S3": "http://" + closedPort}, fast)), -1},
		{"quickstart_wrong_secret_key", quickstart, base(with(map[string]string{"AWS_SECRET_ACCESS_KEY": wrongSecret}, fast)), -1},
		{"quickstart_unknown_key_with_session_token", quickstart, base(with(map[string]string{
			"AWS_ACCESS_KEY_ID": wrongKeyID, "AWS_SECRET_ACCESS_KEY": wrongSecret, "AWS_SESSION_TOKEN": session}, fast)), -1},
		{"batchjob_wrong_secret_key", batchjob, base(with(map[string]string{"AWS_SECRET_ACCESS_KEY": wrongSecret}, fast)), -1},
		{"quickstart_otlp_unreachable", quickstart, base(map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + closedPort, "OTEL_EXPORTER_OTLP_TIMEOUT": "500"}), -1},
		{"quickstart_otlp_grpc_unreachable", quickstart, base(map[string]string{
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + closedPort, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TIMEOUT": "500"}), -1},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			files := t.TempDir()
			r.env["QUICKSTART_OUT_DIR"] = files // the quickstart's file exporters write here
			p := startProcess(t, r.bin, r.env)
			code := p.wait(t, 90*time.Second)
			out := p.out.String()
			found, searched := leaks(t, canaries, map[string]string{"output": out}, col.OutputDir, files, p.workdir)
			f.Runs = append(f.Runs, canaryRun{Name: r.name, ExitCode: code, Bytes: searched, Leaks: len(found)})
			for _, l := range found {
				t.Errorf("%s", l)
			}
			if panicked(out) {
				t.Errorf("the program panicked:\n%s", out)
			}
			if r.wantExit >= 0 && code != r.wantExit {
				t.Errorf("exit code %d, want %d; output:\n%s", code, r.wantExit, out)
			}
			if t.Failed() || testing.Verbose() {
				t.Logf("exit %d; output (%d bytes), last lines:\n%s", code, len(out), lastLines(out, 8))
			}
		})
	}
	for _, wrong := range []bool{false, true} {
		name := "service"
		env := base(map[string]string{"SERVICE_ADDR": testserver.FreePort(t)})
		if wrong {
			name = "service_wrong_secret_key"
			with(env, map[string]string{"AWS_SECRET_ACCESS_KEY": wrongSecret, "OBSKIT_S3_MAX_ATTEMPTS": "2"})
		}
		t.Run(name, func(t *testing.T) {
			p := startProcess(t, service, env)
			baseURL := "http://" + env["SERVICE_ADDR"]
			deadline := time.Now().Add(30 * time.Second)
			for !healthy(baseURL + "/healthz") {
				if time.Now().After(deadline) {
					t.Fatalf("the service did not come up:\n%s", p.out.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			answers := map[string]string{}
			for i, key := range []string{"canary/a.txt", "canary/b.bin"} {
				code, body := httpDo(t, "PUT", baseURL+"/files/"+key, bytes.Repeat([]byte{'x'}, 1000*(i+1)))
				answers["PUT "+key] = body
				if !wrong && code != 201 {
					t.Errorf("PUT %s: %d %s", key, code, body)
				}
				if wrong && code < 500 {
					t.Errorf("PUT %s with a wrong secret key: %d, want a 5xx", key, code)
				}
				_, body = httpDo(t, "GET", baseURL+"/files/"+key, nil)
				answers["GET "+key] = body
			}
			_, answers["GET /files"] = httpDo(t, "GET", baseURL+"/files?prefix=canary/", nil)
			code := p.terminate(t, 30*time.Second)
			out := p.out.String()
			answers["output"] = out
			found, searched := leaks(t, canaries, answers, col.OutputDir, p.workdir)
			f.Runs = append(f.Runs, canaryRun{Name: name, ExitCode: code, Bytes: searched, Leaks: len(found)})
			for _, l := range found {
				t.Errorf("%s", l)
			}
			if panicked(out) {
				t.Errorf("the service panicked:\n%s", out)
			}
			if code != 0 {
				t.Errorf("the service exited %d after SIGTERM, want 0:\n%s", code, lastLines(out, 8))
			}
		})
	}
	// The Collector got something from the successful runs, so its files were worth searching.
	if len(col.ReadSpans(t)) == 0 || len(col.ReadLogs(t)) == 0 || len(col.ReadMetrics(t)) == 0 {
		t.Errorf("the Collector holds %d spans, %d log records, %d metrics: the search proves little",
			len(col.ReadSpans(t)), len(col.ReadLogs(t)), len(col.ReadMetrics(t)))
	}
	// A positive control: the search finds a value that belongs in the output (the bucket name is
	// the aws.s3.bucket attribute of every objstore span).
	if found, _ := leaks(t, []string{srv.Bucket}, nil, col.OutputDir); len(found) == 0 {
		t.Errorf("the bucket name %q is nowhere in the Collector's output: the search does not see span attributes", srv.Bucket)
	}
	f.SDKLog = sdkLogging(t, srv, canaries, wrongSecret, session)
	return f
}

// healthy reports whether GET u answers 200.
func healthy(u string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := newRequest(ctx, "GET", u, nil)
	if err != nil {
		return false
	}
	resp, err := noKeepAlive.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == 200
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// sdkLogging puts and gets through NewFromClient with a client whose SDK logging is on, once per
// ClientLogMode, with the right credentials and with a wrong secret key and a session token; it
// fails the test if a canary reaches obskit's errors, spans (attributes, events, status) or
// metric attributes, and returns which canaries the SDK's own log showed.
func sdkLogging(t *testing.T, srv *testserver.S3Server, canaries []string, wrongSecret, session string) []sdkLogCase {
	modes := []struct {
		name string
		mode aws.ClientLogMode
	}{
		{"LogRetries", aws.LogRetries},
		{"LogSigning", aws.LogSigning},
		{"LogResponse", aws.LogResponse},
		{"LogResponseWithBody", aws.LogResponseWithBody},
		{"LogRequest", aws.LogRequest},
		{"LogRequestWithBody", aws.LogRequestWithBody},
	}
	var out []sdkLogCase
	for _, m := range modes {
		t.Run("sdk_"+m.name, func(t *testing.T) {
			var sdkLog bytes.Buffer
			spans := tracetest.NewInMemoryExporter()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
			reader := sdkmetric.NewManualReader()
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
			defer tp.Shutdown(context.Background())
			defer mp.Shutdown(context.Background())
			var errs []string
			for _, creds := range [][3]string{{srv.AccessKey, srv.SecretKey, ""}, {srv.AccessKey, wrongSecret, session}} {
				client := awss3.New(awss3.Options{
					Region:           srv.Region,
					BaseEndpoint:     aws.String(srv.Endpoint),
					UsePathStyle:     true,
					Credentials:      credentials.NewStaticCredentialsProvider(creds[0], creds[1], creds[2]),
					ClientLogMode:    m.mode,
					Logger:           logging.NewStandardLogger(&sdkLog),
					RetryMaxAttempts: 2,
				})
				b, err := s3.NewFromClient(client, s3.DefaultConfig(srv.Bucket), s3.WithTracerProvider(tp), s3.WithMeterProvider(mp))
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				key := "sdklog/" + m.name
				if err := b.Put(ctx, key, strings.NewReader("payload"), 7); err != nil {
					errs = append(errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
				}
				if rc, err := b.Get(ctx, key); err != nil {
					errs = append(errs, err.Error())
				} else {
					_, _ = io.Copy(io.Discard, rc)
					rc.Close()
				}
				_ = b.Close()
			}
			if len(errs) == 0 {
				t.Fatal("the wrong secret key caused no error: the failure path was not taken")
			}
			var rm metricdata.ResourceMetrics
			if err := reader.Collect(context.Background(), &rm); err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{"errors": strings.Join(errs, "\n"), "spans": dumpSpans(spans.GetSpans()), "metrics": fmt.Sprintf("%+v", rm)}
			found, _ := leaks(t, canaries, texts)
			for _, l := range found {
				t.Errorf("%s", l)
			}
			c := sdkLogCase{Mode: m.name, LogBytes: sdkLog.Len(), Leaks: len(found)}
			for _, name := range []struct{ v, label string }{{srv.AccessKey, "access key ID"}, {srv.SecretKey, "secret key"}, {wrongSecret, "wrong secret key"}, {session, "session token"}} {
				if strings.Contains(sdkLog.String(), name.v) {
					c.SDKShowed = append(c.SDKShowed, name.label)
				}
			}
			t.Logf("%s: SDK log %d bytes, shows %v; obskit outputs: %d leaks", m.name, c.LogBytes, c.SDKShowed, c.Leaks)
			out = append(out, c)
		})
	}
	return out
}

// dumpSpans renders every span's name, attributes, events and status as text.
func dumpSpans(spans tracetest.SpanStubs) string {
	var b strings.Builder
	for _, s := range spans {
		fmt.Fprintf(&b, "%s %v %v %v %s\n", s.Name, s.Attributes, s.Events, s.Status, s.Resource)
	}
	return b.String()
}
