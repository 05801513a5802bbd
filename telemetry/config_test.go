package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/telemetry"
)

func TestEmptyEnvironmentIsQuickAndQuiet(t *testing.T) {
	var console, diag syncBuffer
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
		{"propagator", map[string]string{"OTEL_PROPAGATORS": "tracecontext,b3"}, []string{"OTEL_PROPAGATORS"}},
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
	var console syncBuffer
	tel := setup(t, env, telemetry.WithConsoleWriter(&console))
	tel.Logger().Info("config", "otlp", cfg.OTLP, "cfg", cfg)
	if strings.Contains(console.String(), "sekrit") {
		t.Errorf("a header value was logged: %s", console.String())
	}
}

func TestUnknownOTelVariablesWarnOnce(t *testing.T) {
	var diag syncBuffer
	setup(t, map[string]string{"OTEL_SERVCE_NAME": "typo", "OTEL_SERVICE_NAME": "svc", "OTEL_GO_X_OBSERVABILITY": "true",
		"OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem", "HOME": "/root", "OTEL_TRACES_SAMPLER_ARGS": "0.1"},
		telemetry.WithDiagnostics(&diag), telemetry.WithConsoleWriter(&syncBuffer{}))
	want := "obskit: OTEL_SERVCE_NAME is set but not recognised; it is ignored\n" +
		"obskit: OTEL_TRACES_SAMPLER_ARGS is set but not recognised; it is ignored\n"
	if diag.String() != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", diag.String(), want)
	}
}
