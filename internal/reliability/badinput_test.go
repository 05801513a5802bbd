package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
	"github.com/esper-platform/obskit/telemetry"
)

// badInputFigures are what TestBadInput counted.
type badInputFigures struct {
	EnvCases, ExampleCases, KeyCases, OperationCases int
	Failed                                           int // cases whose error was missing, unclear or quoted a value
	Panics                                           int
	RequestsForInvalidKeys                           int64 // requests that reached the server for invalid keys
	HalfWritten                                      int   // failed Puts that left an object
	// ExistsWithoutError lists the misconfigured buckets on which Exists answered false, nil.
	ExistsWithoutError []string
}

// TestBadInput: see measureBadInput.
func TestBadInput(t *testing.T) {
	skipUnderUpdate(t)
	measureBadInput(t)
}

// measureBadInput runs the table of bad input: every malformed environment value of telemetry,
// objstore/s3 and the examples (the examples as processes), every kind of invalid key on every
// operation, an unreachable endpoint, wrong credentials, a cancelled context, and readers that
// fail or fall short. Each must give an error that names what is wrong (the variable, the key
// rule, the S3 error code, the cause), without quoting a value; nothing may panic; an invalid
// key must send no request; a failed Put must leave no object and no open multipart upload.
func measureBadInput(t *testing.T) badInputFigures {
	var f badInputFigures
	count := func(t *testing.T) {
		if t.Failed() {
			f.Failed++
		}
	}
	t.Run("environment", func(t *testing.T) {
		for _, tc := range envCases() {
			f.EnvCases++
			t.Run(tc.name, func(t *testing.T) {
				defer count(t)
				err := noPanic(t, &f.Panics, func() error { return tc.load(tc.env) })
				checkNamed(t, err, tc.want, tc.env)
			})
		}
	})
	t.Run("examples", func(t *testing.T) {
		bins := buildExamples(t)
		for _, tc := range exampleCases() {
			f.ExampleCases++
			t.Run(tc.bin+"_"+tc.want, func(t *testing.T) {
				defer count(t)
				p := startProcess(t, filepath.Join(bins, tc.bin), tc.env)
				code := p.wait(t, 30*time.Second)
				out := p.out.String()
				if panicked(out) {
					f.Panics++
					t.Errorf("%s panicked:\n%s", tc.bin, out)
				}
				if code == 0 {
					t.Errorf("%s exited 0 with %s malformed", tc.bin, tc.want)
				}
				if !strings.Contains(out, tc.want) {
					t.Errorf("%s's output does not name %s:\n%s", tc.bin, tc.want, lastLines(out, 6))
				}
				for _, v := range tc.env {
					if len(v) >= 4 && strings.Contains(out, v) {
						t.Errorf("%s's output quotes the value %q", tc.bin, v)
					}
				}
			})
		}
	})
	t.Run("storage", func(t *testing.T) {
		testserver.Require(t, testserver.ToolVersity)
		srv := testserver.StartVersity(t)
		direct := openBucket(t, srv, "", nil, s3.WithInstrumentation(false))
		var client *awss3.Client
		if !direct.As(&client) {
			t.Fatal("As(**s3.Client) = false")
		}
		proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer proxy.Close()
		b := openBucket(t, srv, proxy.URL(), func(c *s3.Config) { c.PartSize = s3.MinPartSize })
		ctx := context.Background()

		for _, k := range invalidKeys() {
			f.KeyCases++
			t.Run("key_"+k.name, func(t *testing.T) {
				defer count(t)
				before := proxy.Counts().Requests
				for op, call := range keyOperations(b) {
					err := noPanic(t, &f.Panics, func() error { return call(ctx, k.key) })
					if !objstore.IsInvalidKey(err) {
						t.Errorf("%s(%s key): %v, want ErrInvalidKey", op, k.name, err)
						continue
					}
					if !strings.Contains(err.Error(), k.rule) {
						t.Errorf("%s(%s key): %q does not say %q", op, k.name, err, k.rule)
					}
				}
				if n := proxy.Counts().Requests - before; n > 0 {
					f.RequestsForInvalidKeys += n
					t.Errorf("%d requests reached the server for the %s key", n, k.name)
				}
			})
		}

		closed := testserver.FreePort(t)
		ops := []struct {
			name   string
			bucket func(t *testing.T) objstore.Bucket
			ctx    func() (context.Context, context.CancelFunc)
			body   func() (io.Reader, int64)
			want   []string // all of these in the error
			is     error
		}{
			{name: "unreachable_endpoint", bucket: bucketAt(srv, "http://"+closed, nil),
				want: []string{"connection refused"}},
			{name: "wrong_secret_key", bucket: bucketAt(srv, "", func(c *s3.Config) { c.SecretAccessKey = envconfig.NewSecret("wrong-secret-key-0000") }),
				want: []string{"403", "SignatureDoesNotMatch"}},
			// versitygw answers 404 XAdminUserNotFound where AWS answers 403 InvalidAccessKeyId.
			{name: "unknown_access_key", bucket: bucketAt(srv, "", func(c *s3.Config) { c.AccessKeyID = envconfig.NewSecret("AKIAUNKNOWN000000000") }),
				want: []string{"access key"}},
			{name: "no_such_bucket", bucket: bucketAt(srv, "", func(c *s3.Config) { c.Bucket = "no-such-bucket-here" }),
				want: []string{"404", "NoSuchBucket"}},
			{name: "cancelled_context", ctx: cancelled, want: []string{"context canceled"}, is: context.Canceled},
			{name: "expired_deadline", ctx: expired, want: []string{"deadline exceeded"}, is: context.DeadlineExceeded},
			{name: "reader_fails", body: failingReader(1 << 20), want: []string{"reading the body", "disk on fire"}},
			{name: "reader_fails_multipart", body: failingReader(12 << 20), want: []string{"disk on fire"}},
			{name: "reader_fails_unknown_size", body: unknownSize(failingReader(7 << 20)), want: []string{"disk on fire"}},
			{name: "reader_short", body: shortReader(1000, 500), want: []string{"integrity"}, is: objstore.ErrIntegrity},
			{name: "reader_short_multipart", body: shortReader(12<<20, 6<<20), want: []string{"integrity"}, is: objstore.ErrIntegrity},
			{name: "reader_long", body: shortReader(1000, 1500), want: []string{"integrity"}, is: objstore.ErrIntegrity},
			{name: "cancelled_mid_multipart", ctx: cancelAfter(800 * time.Millisecond), body: slowReader(20 << 20), want: []string{"context canceled"}, is: context.Canceled},
		}
		for _, op := range ops {
			f.OperationCases++
			t.Run(op.name, func(t *testing.T) {
				defer count(t)
				bk := objstore.Bucket(b)
				if op.bucket != nil {
					bk = op.bucket(t)
				}
				opCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
				if op.ctx != nil {
					cancel()
					opCtx, cancel = op.ctx()
				}
				defer cancel()
				r, size := io.Reader(strings.NewReader("payload")), int64(7)
				if op.body != nil {
					r, size = op.body()
				}
				key := "bad-input/" + op.name
				began := time.Now()
				err := noPanic(t, &f.Panics, func() error { return bk.Put(opCtx, key, r, size) })
				took := time.Since(began)
				if err == nil {
					t.Fatal("Put succeeded")
				}
				t.Logf("after %v: %v", took.Round(time.Millisecond), err)
				var oe *objstore.OpError
				if !errors.As(err, &oe) || oe.Op != objstore.OpPut || oe.Key != key {
					t.Errorf("error %v is not an *objstore.OpError naming put and the key", err)
				}
				for _, w := range op.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if op.is != nil && !errors.Is(err, op.is) {
					t.Errorf("error %v does not wrap %v", err, op.is)
				}
				if objstore.IsNotFound(err) {
					t.Errorf("a failed Put is reported as objstore.ErrNotFound: %v", err)
				}
				if op.bucket != nil {
					// A HEAD answer has no body, so S3 cannot tell Exists why it answered 404:
					// a missing bucket (and, on versitygw, an unknown access key) looks like a
					// missing object. Recorded, not asserted: it is the protocol's limit.
					if ok, err := bk.Exists(opCtx, "bad-input/present-for-exists"); err == nil {
						f.ExistsWithoutError = append(f.ExistsWithoutError, op.name)
						t.Logf("Exists through the %s bucket = %v, nil", op.name, ok)
					}
				}
				if took > 20*time.Second {
					t.Errorf("Put took %v to fail", took.Round(time.Millisecond))
				}
				if ok, err := direct.Exists(context.Background(), key); err != nil || ok {
					f.HalfWritten++
					t.Errorf("after the failed Put, Exists = %v, %v; want false", ok, err)
				}
				up, err := client.ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &srv.Bucket, Prefix: &key})
				if err != nil {
					t.Fatal(err)
				}
				if len(up.Uploads) > 0 {
					f.HalfWritten++
					t.Errorf("%d multipart uploads left open", len(up.Uploads))
				}
			})
		}
		// Reads on a cancelled context fail as cancelled, not as a failure of the store.
		t.Run("cancelled_reads", func(t *testing.T) {
			defer count(t)
			if err := b.Put(ctx, "bad-input/present", strings.NewReader("x"), 1); err != nil {
				t.Fatal(err)
			}
			cctx, cancel := cancelled()
			defer cancel()
			for op, call := range keyOperations(b) {
				if op == "Put" || op == "Delete" {
					continue
				}
				if err := call(cctx, "bad-input/present"); !errors.Is(err, context.Canceled) {
					t.Errorf("%s on a cancelled context: %v, want context.Canceled", op, err)
				}
			}
			for _, err := range b.List(cctx, "bad-input/") {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("List on a cancelled context yields %v, want context.Canceled", err)
				}
				break
			}
		})
	})
	t.Run("telemetry_cancelled", func(t *testing.T) {
		defer count(t)
		tel := startTelemetry(t, map[string]string{"OBSKIT_LOG_CONSOLE": "off", "OTEL_LOGS_EXPORTER": "otlp",
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + testserver.FreePort(t), "OBSKIT_RUNTIME_METRICS": "false"}, nil, withDiagnostics(&testkit.SyncBuffer{}))
		tel.Logger().Info("one record for a Collector that is not there")
		cctx, cancel := cancelled()
		defer cancel()
		began := time.Now()
		if err := tel.ForceFlush(cctx); !errors.Is(err, context.Canceled) {
			t.Errorf("ForceFlush on a cancelled context: %v, want context.Canceled", err)
		}
		err := tel.Shutdown(cctx)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "not exported") {
			t.Errorf("Shutdown on a cancelled context: %v, want context.Canceled and the records not exported", err)
		}
		if d := time.Since(began); d > 2*time.Second {
			t.Errorf("ForceFlush and Shutdown on a cancelled context took %v", d)
		}
	})
	return f
}

// envCase is one malformed environment.
type envCase struct {
	name string
	env  map[string]string
	want string // the variable the error must name
	load func(map[string]string) error
}

// loadTelemetry reads env with ConfigFromEnv and, if that passes, runs Setup (which validates)
// and shuts down what it started.
func loadTelemetry(env map[string]string) error {
	cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(env))
	if err != nil {
		return err
	}
	tel, err := telemetry.Setup(context.Background(), cfg, telemetry.WithDiagnostics(io.Discard))
	if err != nil {
		return err
	}
	_ = tel.Shutdown(context.Background())
	return errors.New("accepted")
}

// loadS3 reads env as an s3.Config and, if that passes, runs s3.New.
func loadS3(env map[string]string) error {
	cfg, err := envconfig.Load[s3.Config](envconfig.WithEnvironment(env))
	if err != nil {
		return err
	}
	b, err := s3.New(context.Background(), cfg)
	if err != nil {
		return err
	}
	_ = b.Close()
	return errors.New("accepted")
}

func envCases() []envCase {
	var cases []envCase
	tel := func(name, value string, extra ...string) {
		env := map[string]string{name: value, "OBSKIT_LOG_CONSOLE": "off"}
		for i := 0; i+1 < len(extra); i += 2 {
			env[extra[i]] = extra[i+1]
		}
		cases = append(cases, envCase{name: name + "=" + safeName(value), env: env, want: name, load: loadTelemetry})
	}
	tel("OTEL_TRACES_EXPORTER", "zipkin")
	tel("OTEL_METRICS_EXPORTER", "statsd")
	tel("OTEL_LOGS_EXPORTER", "syslog")
	tel("OTEL_PROPAGATORS", "b3single")
	tel("OTEL_TRACES_SAMPLER", "sometimes")
	tel("OTEL_TRACES_SAMPLER_ARG", "1.5", "OTEL_TRACES_SAMPLER", "traceidratio")
	tel("OTEL_TRACES_SAMPLER_ARG", "NaN", "OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
	tel("OTEL_TRACES_SAMPLER_ARG", "half", "OTEL_TRACES_SAMPLER", "traceidratio ")
	tel("OTEL_RESOURCE_ATTRIBUTES", "novalue")
	tel("OTEL_RESOURCE_ATTRIBUTES", "k=%zz")
	tel("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector:4318")
	tel("OTEL_EXPORTER_OTLP_ENDPOINT", "collector", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	tel("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift")
	tel("OTEL_EXPORTER_OTLP_HEADERS", "api-key-without-value-s3cr3t")
	tel("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "k=%zzs3cr3t")
	tel("OTEL_EXPORTER_OTLP_TIMEOUT", "soonish")
	tel("OTEL_EXPORTER_OTLP_TIMEOUT", "-5")
	tel("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli")
	tel("OTEL_EXPORTER_OTLP_INSECURE", "maybe")
	tel("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "not a url")
	tel("OTEL_BLRP_MAX_QUEUE_SIZE", "0")
	tel("OTEL_BLRP_MAX_QUEUE_SIZE", "lots")
	tel("OTEL_BLRP_MAX_QUEUE_SIZE", "99999999999")
	tel("OTEL_BLRP_SCHEDULE_DELAY", "-5")
	tel("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-1")
	tel("OTEL_METRIC_EXPORT_INTERVAL", "1y")
	tel("OTEL_LOG_LEVEL", "loud")
	tel("OBSKIT_LOG_LEVEL", "LOUD")
	tel("OBSKIT_LOG_CONSOLE", "html")
	tel("OBSKIT_RUNTIME_METRICS", "perhaps")
	tel("OTEL_SDK_DISABLED", "perhaps")
	tel("OTEL_EXPORTER_PROMETHEUS_PORT", "70000")
	tel("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "-1")
	tel("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "-3")
	cases = append(cases, envCase{name: "file_exporter_without_dir", env: map[string]string{"OTEL_METRICS_EXPORTER": "file", "OBSKIT_LOG_CONSOLE": "off"},
		want: "OBSKIT_FILE_EXPORTER_DIR", load: loadTelemetry})

	s3env := func(name, value string, extra ...string) {
		env := map[string]string{"OBSKIT_S3_BUCKET": "b", name: value}
		if name == "OBSKIT_S3_BUCKET" && value == "" {
			delete(env, name)
		}
		for i := 0; i+1 < len(extra); i += 2 {
			env[extra[i]] = extra[i+1]
		}
		cases = append(cases, envCase{name: name + "=" + safeName(value), env: env, want: name, load: loadS3})
	}
	s3env("OBSKIT_S3_BUCKET", "")
	s3env("OBSKIT_S3_PART_SIZE", "1000")
	s3env("OBSKIT_S3_PART_SIZE", "big")
	s3env("OBSKIT_S3_PART_CONCURRENCY", "0")
	s3env("OBSKIT_S3_MAX_CONNS", "-1")
	s3env("OBSKIT_S3_MAX_ATTEMPTS", "0")
	s3env("OBSKIT_S3_MAX_BACKOFF", "forever")
	s3env("OBSKIT_S3_DIAL_TIMEOUT", "-1s")
	s3env("OBSKIT_S3_RESPONSE_HEADER_TIMEOUT", "-1s")
	s3env("OBSKIT_S3_CHECKSUM", "MD5")
	s3env("OBSKIT_S3_VERIFY_GET", "perhaps")
	s3env("OBSKIT_S3_PATH_STYLE", "perhaps")
	s3env("AWS_ENDPOINT_URL_S3", "ftp://s3.example")
	s3env("AWS_ENDPOINT_URL_S3", "no-scheme-host")
	s3env("AWS_SECRET_ACCESS_KEY", "secret-without-key-id-s3cr3t")
	s3env("AWS_ACCESS_KEY_ID", "AKIAWITHOUTSECRET000")
	s3env("AWS_SECRET_ACCESS_KEY_FILE", "/nonexistent/secret/file", "AWS_ACCESS_KEY_ID", "AKIAFILEKEY000000000")
	return cases
}

// exampleCase is one example run with a malformed variable.
type exampleCase struct {
	bin  string
	env  map[string]string
	want string // the variable the output must name
}

func exampleCases() []exampleCase {
	var cases []exampleCase
	add := func(bin, name, value string) {
		cases = append(cases, exampleCase{bin: bin, env: map[string]string{name: value, "OBSKIT_LOG_CONSOLE": "off"}, want: name})
	}
	add("quickstart", "QUICKSTART_OBJECTS", "-1")
	add("quickstart", "QUICKSTART_TIMEOUT", "soonish")
	add("quickstart", "QUICKSTART_MAX_SIZE", "huge")
	add("quickstart", "OTEL_TRACES_SAMPLER", "sometimes")
	add("quickstart", "OBSKIT_S3_PART_SIZE", "1000")
	add("batchjob", "BATCHJOB_STEPS", "several")
	add("batchjob", "BATCHJOB_PROGRESS", "fancy")
	add("batchjob", "OTEL_EXPORTER_OTLP_PROTOCOL", "thrift")
	add("batchjob", "OBSKIT_S3_CHECKSUM", "MD5")
	add("service", "SERVICE_REQUEST_TIMEOUT", "soonish")
	add("service", "SERVICE_MAX_UPLOAD_BYTES", "many")
	add("service", "OTEL_EXPORTER_OTLP_COMPRESSION", "brotli")
	add("service", "OBSKIT_S3_MAX_ATTEMPTS", "0")
	return cases
}

// invalidKey is one invalid key with the rule its error must state.
type invalidKey struct{ name, key, rule string }

func invalidKeys() []invalidKey {
	return []invalidKey{
		{"empty", "", "empty key"},
		{"too_long", strings.Repeat("k", objstore.MaxKeyLen+1), "longer than 1024 bytes"},
		{"leading_slash", "/etc/passwd", "starts with '/'"},
		{"dot_dot", "a/../b", `"." or ".."`},
		{"dot", "./a", `"." or ".."`},
		{"nul", "a\x00b", "control character"},
		{"newline", "a\nb", "control character"},
		{"c1_control", "a\u0085b", "control character"},
		{"bad_utf8", "a\xffb", "UTF-8"},
	}
}

// keyOperations are the operations that take a key.
func keyOperations(b objstore.Bucket) map[string]func(context.Context, string) error {
	return map[string]func(context.Context, string) error{
		"Put": func(ctx context.Context, k string) error { return b.Put(ctx, k, strings.NewReader("x"), 1) },
		"Get": func(ctx context.Context, k string) error {
			rc, err := b.Get(ctx, k)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"GetRange": func(ctx context.Context, k string) error {
			rc, err := b.GetRange(ctx, k, 0, 1)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"Attributes": func(ctx context.Context, k string) error { _, err := b.Attributes(ctx, k); return err },
		"Exists":     func(ctx context.Context, k string) error { _, err := b.Exists(ctx, k); return err },
		"Delete":     func(ctx context.Context, k string) error { return b.Delete(ctx, k) },
	}
}

// bucketAt returns a function opening a bucket on srv through endpoint with edit applied and 2
// attempts per request.
func bucketAt(srv *testserver.S3Server, endpoint string, edit func(*s3.Config)) func(t *testing.T) objstore.Bucket {
	return func(t *testing.T) objstore.Bucket {
		return openBucket(t, srv, endpoint, func(c *s3.Config) {
			c.MaxAttempts = 2
			if edit != nil {
				edit(c)
			}
		})
	}
}

func cancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

func expired() (context.Context, context.CancelFunc) {
	return context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
}

func cancelAfter(d time.Duration) func() (context.Context, context.CancelFunc) {
	return func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(d, cancel)
		return ctx, cancel
	}
}

// errReader yields n bytes, then fails.
type errReader struct{ n int }

func (r *errReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("disk on fire")
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

// failingReader declares size+1 MiB and fails after size bytes.
func failingReader(size int) func() (io.Reader, int64) {
	return func() (io.Reader, int64) { return &errReader{n: size}, int64(size + 1<<20) }
}

// unknownSize hides the size of body.
func unknownSize(body func() (io.Reader, int64)) func() (io.Reader, int64) {
	return func() (io.Reader, int64) { r, _ := body(); return r, -1 }
}

// shortReader declares declared bytes and holds has.
func shortReader(declared, has int) func() (io.Reader, int64) {
	return func() (io.Reader, int64) { return bytes.NewReader(make([]byte, has)), int64(declared) }
}

// slowReader yields n bytes, 1 MiB every 50 ms, so a multipart upload is in flight for a while.
func slowReader(n int) func() (io.Reader, int64) {
	return func() (io.Reader, int64) { return &paced{n: n}, -1 }
}

type paced struct{ n int }

func (p *paced) Read(b []byte) (int, error) {
	if p.n == 0 {
		return 0, io.EOF
	}
	k := min(len(b), p.n, 1<<20)
	time.Sleep(50 * time.Millisecond)
	clear(b[:k])
	p.n -= k
	return k, nil
}

// noPanic runs fn, turning a panic into a test error counted in panics.
func noPanic(t *testing.T, panics *int, fn func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			*panics++
			t.Errorf("panic: %v", r)
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}

// checkNamed fails the test unless err names want and quotes none of env's values.
func checkNamed(t *testing.T, err error, want string, env map[string]string) {
	t.Helper()
	if err == nil || err.Error() == "accepted" {
		t.Errorf("accepted; want an error naming %s", want)
		return
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
	var ve *envconfig.VarError
	var ee *envconfig.Error
	if !errors.As(err, &ve) && !errors.As(err, &ee) {
		t.Errorf("error %q is neither an *envconfig.Error nor an *envconfig.VarError", err)
	}
	for _, v := range env {
		// Values of 4 characters or fewer are words the messages use ("file", "none").
		if len(v) >= 5 && strings.Contains(err.Error(), v) {
			t.Errorf("error quotes the value %q: %v", v, err)
		}
	}
}

// safeName makes a value usable in a subtest name.
func safeName(v string) string {
	if v == "" {
		return "unset"
	}
	return strings.NewReplacer(" ", "_", "/", "_", "%", "pct").Replace(v)
}
