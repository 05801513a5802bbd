package main

import (
	"os"
	"slices"

	"github.com/esper-platform/obskit/envconfig"
)

// otlpEndpointVars are the variables whose presence means "send to a real OTLP endpoint".
var otlpEndpointVars = []string{
	"OTEL_EXPORTER_OTLP_ENDPOINT",
	"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
	"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
	"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
}

// exporterVars are the exporter lists the quickstart fills in when they are not set.
var exporterVars = []string{"OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"}

// telemetryEnv returns the environment the quickstart gives telemetry: environ with, where not
// set, the file exporter for every signal (and otlp beside it when an OTLP endpoint is set), the
// file folder, and a service name. The folder is OBSKIT_FILE_EXPORTER_DIR, else outDir, else a
// new temporary directory; it is returned too.
func telemetryEnv(environ map[string]string, outDir string) (env map[string]string, dir string, err error) {
	env = envconfig.Environ(envconfig.WithEnvironment(environ))
	otlp := slices.ContainsFunc(otlpEndpointVars, func(k string) bool { return environ[k] != "" })
	for _, k := range exporterVars {
		if env[k] == "" {
			env[k] = "file"
			if otlp {
				env[k] = "otlp,file"
			}
		}
	}
	if env["OTEL_SERVICE_NAME"] == "" {
		env["OTEL_SERVICE_NAME"] = "obskit-quickstart"
	}
	dir = env["OBSKIT_FILE_EXPORTER_DIR"]
	if dir == "" {
		dir = outDir
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "obskit-quickstart-"); err != nil {
			return nil, "", err
		}
	}
	env["OBSKIT_FILE_EXPORTER_DIR"] = dir
	return env, dir, nil
}
