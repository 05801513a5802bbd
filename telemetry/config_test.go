package telemetry_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
)

func TestEmptyEnvironmentIsQuickAndQuiet(t *testing.T) {
	var console, diag testkit.SyncBuffer
	start := time.Now()
	tel := setup(t, map[string]string{}, telemetry.WithConsoleWriter(&console), telemetry.WithDiagnostics(&diag))
	tel.Logger().Info("hello", "k", "v")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Setup, a log line and Shutdown took %v with no collector", d)
	}
	if !strings.Contains(console.String(), "level=INFO msg=hello k=v") {
		t.Errorf("console (text by default): %q", console.String())
	}
	if diag.String() != "" {
		t.Errorf("diagnostics: %q, want nothing", diag.String())
	}
	if err := tel.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

func TestBadValuesAreErrorsNamingTheVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		vars []string
	}{
		{"exporter", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, []string{"OTEL_TRACES_EXPORTER"}},
		{"prometheus for logs", map[string]string{"OTEL_LOGS_EXPORTER": "prometheus"}, []string{"OTEL_LOGS_EXPORTER"}},
		{"sampler", map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, []string{"OTEL_TRACES_SAMPLER"}},
		{"sampler arg", map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"}, []string{"OTEL_TRACES_SAMPLER_ARG"}},
		{"propagator", map[string]string{"OTEL_PROPAGATORS": "tracecontext,zipkin"}, []string{"OTEL_PROPAGATORS"}},
		{"protocol", map[string]string{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "http/json"}, []string{"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"}},
		{"headers", map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "authorization"}, []string{"OTEL_EXPORTER_OTLP_HEADERS"}},
		{"timeout", map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "soon"}, []string{"OTEL_EXPORTER_OTLP_TIMEOUT"}},
		{"endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://x"}, []string{"OTEL_EXPORTER_OTLP_ENDPOINT"}},
		{"log level", map[string]string{"OBSKIT_LOG_LEVEL": "loud"}, []string{"OBSKIT_LOG_LEVEL"}},
		{"console", map[string]string{"OBSKIT_LOG_CONSOLE": "xml"}, []string{"OBSKIT_LOG_CONSOLE"}},
		{"file without dir", map[string]string{"OTEL_LOGS_EXPORTER": "file"}, []string{"OBSKIT_FILE_EXPORTER_DIR"}},
		{"two at once", map[string]string{"OTEL_LOG_LEVEL": "chatty", "OTEL_BSP_MAX_QUEUE_SIZE": "0"}, []string{"OTEL_LOG_LEVEL", "OTEL_BSP_MAX_QUEUE_SIZE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(tt.env))
			var cerr *envconfig.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want an *envconfig.Error", err)
			}
			for _, v := range tt.vars {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
			for _, val := range tt.env {
				if len(val) > 4 && strings.Contains(err.Error(), val) {
					t.Errorf("error %q quotes the value %q", err, val)
				}
			}
		})
	}
}

func TestSecretHeaderNeverPrinted(t *testing.T) {
	env := map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20sekrit-token-1"}
	cfg := config(t, env)
	var console testkit.SyncBuffer
	tel := setup(t, env, telemetry.WithConsoleWriter(&console))
	tel.Logger().Info("config", "otlp", cfg.OTLP, "cfg", cfg)
	if strings.Contains(console.String(), "sekrit") {
		t.Errorf("a header value was logged: %s", console.String())
	}
}

func TestUnknownOTelVariablesWarnOnce(t *testing.T) {
	headers := filepath.Join(t.TempDir(), "headers")
	if err := os.WriteFile(headers, []byte("k=v"), 0o600); err != nil {
		t.Fatal(err)
	}
	var diag testkit.SyncBuffer
	setup(t, map[string]string{"OTEL_SERVCE_NAME": "typo", "OTEL_SERVICE_NAME": "svc", "OTEL_GO_X_OBSERVABILITY": "true",
		"OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem", "HOME": "/root", "OTEL_TRACES_SAMPLER_ARGS": "0.1",
		"OTEL_EXPORTER_OTLP_HEADERS_FILE": headers, "OTEL_EXPORTER_OTLP_ENDPOINT_FILE": "/e",
		"OTEL_SPAN_LINK_COUNT_LIMIT": "8", "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",
		"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION": "base2_exponential_bucket_histogram",
		"OTEL_SEMCONV_STABILITY_OPT_IN":                            "http"},
		telemetry.WithDiagnostics(&diag), telemetry.WithConsoleWriter(&testkit.SyncBuffer{}))
	// A secret's _FILE twin is read by envconfig; another variable's is not.
	want := "obskit: OTEL_EXPORTER_OTLP_ENDPOINT_FILE is set but not recognised; it is ignored\n" +
		"obskit: OTEL_SERVCE_NAME is set but not recognised; it is ignored\n" +
		"obskit: OTEL_TRACES_SAMPLER_ARGS is set but not recognised; it is ignored\n"
	if diag.String() != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", diag.String(), want)
	}
}

// The environment is read once, by ConfigFromEnv: Setup warns about the variables of the
// environment the Config was read from, and reads no other.
func TestUnknownVariablesComeFromTheConfigsEnvironment(t *testing.T) {
	t.Setenv("OTEL_PROCESS_TYPO", "x")
	injected := map[string]string{"OTEL_INJECTED_TYPO": "y", "OBSKIT_RUNTIME_METRICS": "false"}
	for _, tt := range []struct {
		name string
		cfg  func() (telemetry.Config, error)
		want string
	}{
		{"process environment", func() (telemetry.Config, error) { return telemetry.ConfigFromEnv() },
			"obskit: OTEL_PROCESS_TYPO is set but not recognised; it is ignored\n"},
		{"injected environment", func() (telemetry.Config, error) {
			return telemetry.ConfigFromEnv(envconfig.WithEnvironment(injected))
		}, "obskit: OTEL_INJECTED_TYPO is set but not recognised; it is ignored\n"},
		{"a Config made by hand", func() (telemetry.Config, error) {
			cfg, err := telemetry.ConfigFromEnv(envconfig.WithEnvironment(injected))
			if err != nil {
				return cfg, err
			}
			var hand telemetry.Config
			hand.Propagators, hand.Sampler, hand.SDKLogLevel, hand.LogConsole = cfg.Propagators, cfg.Sampler, cfg.SDKLogLevel, cfg.LogConsole
			hand.BSPMaxQueueSize, hand.BSPMaxExportBatchSize = cfg.BSPMaxQueueSize, cfg.BSPMaxExportBatchSize
			hand.BLRPMaxQueueSize, hand.BLRPMaxExportBatchSize = cfg.BLRPMaxQueueSize, cfg.BLRPMaxExportBatchSize
			return hand, nil
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.cfg()
			if err != nil {
				t.Fatal(err)
			}
			var diag testkit.SyncBuffer
			tel, err := telemetry.Setup(context.Background(), cfg, telemetry.WithDiagnostics(&diag),
				telemetry.WithConsoleWriter(&testkit.SyncBuffer{}))
			if err != nil {
				t.Fatal(err)
			}
			if err := tel.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			// The process environment of the test run may hold OTEL_* variables of its own.
			got := diag.String()
			if tt.want != "" && !strings.Contains(got, tt.want) || tt.name != "process environment" && got != tt.want {
				t.Errorf("diagnostics: %q, want %q", got, tt.want)
			}
			if tt.name == "process environment" && strings.Contains(got, "OTEL_INJECTED_TYPO") {
				t.Errorf("diagnostics: %q name a variable of another environment", got)
			}
		})
	}
}

// Nil options, and options given nil, leave their settings at the defaults.
func TestNilOptionsAreDefaults(t *testing.T) {
	var diag testkit.SyncBuffer
	env := map[string]string{"OTEL_SERVCE_NAME": "typo", "OBSKIT_LOG_CONSOLE": "off"}
	tel := setup(t, env, nil, telemetry.WithDiagnostics(&diag), telemetry.WithDiagnostics(nil),
		telemetry.WithConsoleWriter(nil), telemetry.WithMetricReader(nil), telemetry.WithSpanExporter(nil),
		telemetry.WithLogExporter(nil))
	tel.Logger().Info("hello")
	if !strings.Contains(diag.String(), "OTEL_SERVCE_NAME") {
		t.Errorf("diagnostics: %q; WithDiagnostics(nil) replaced the writer given before", diag.String())
	}
}

// Validate lists each problem once, flat, though a shared OTLP setting is checked per signal.
func TestValidateListsEachProblemOnce(t *testing.T) {
	cfg := config(t, map[string]string{})
	cfg.OTLP.Shared.Protocol = "http/json"
	cfg.LogConsole = "xml"
	err := cfg.Validate()
	var cerr *envconfig.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Validate = %v, want an *envconfig.Error", err)
	}
	if len(cerr.Errors) != 2 {
		t.Errorf("Validate = %q, want 2 problems (the shared protocol once, the console)", err)
	}
	if n := strings.Count(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL"); n != 1 {
		t.Errorf("Validate = %q names OTEL_EXPORTER_OTLP_PROTOCOL %d times, want once", err, n)
	}
}
