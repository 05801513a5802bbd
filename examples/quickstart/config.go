package main

import (
	"errors"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

// Config is the quickstart's own configuration, read from QUICKSTART_* variables.
type Config struct {
	Objects     int              `env:"OBJECTS" envDefault:"24" desc:"number of objects to upload and read back"`
	MaxSize     int              `env:"MAX_SIZE" envDefault:"1048576" desc:"largest object size in bytes (sizes are mixed up to this)"`
	Concurrency int              `env:"CONCURRENCY" envDefault:"8" desc:"uploads and reads running at once"`
	Bucket      string           `env:"BUCKET" envDefault:"quickstart" desc:"bucket name on the embedded S3 server, and on a configured one when OBSKIT_S3_BUCKET is not set"`
	OutDir      string           `env:"OUT_DIR" desc:"directory for the telemetry files (default: OBSKIT_FILE_EXPORTER_DIR, else a new temporary directory)"`
	Timeout     time.Duration    `env:"TIMEOUT" envDefault:"60s" desc:"the whole run's time limit"`
	Password    envconfig.Secret `env:"DEMO_TOKEN" envDefault:"not-a-real-token" desc:"a demo secret, to show that it is never printed"`
}

// Prefix is the quickstart's variable prefix.
const Prefix = "QUICKSTART_"

// ConfigFileVar names an optional YAML or JSON file of quickstart settings (the -config flag
// sets it too). Its keys are Config's variables without the prefix, lower-cased (objects,
// max_size, timeout, …); a QUICKSTART_* variable overrides the file. It is obskit's own
// variable, not OTEL_CONFIG_FILE, which is the OpenTelemetry SDK's configuration file.
const ConfigFileVar = "OBSKIT_CONFIG_FILE"

// configOptions are the options that load Config from environ: the prefix, environ itself, and
// the file that ConfigFileVar names, if any.
func configOptions(environ map[string]string) []envconfig.Option {
	return []envconfig.Option{
		envconfig.WithPrefix(Prefix),
		envconfig.WithEnvironment(environ),
		envconfig.WithFile(environ[ConfigFileVar]),
	}
}

// Validate checks the ranges the types do not; envconfig.Load calls it.
func (c *Config) Validate() error {
	var errs []error
	if c.Objects < 1 || c.Objects > 100_000 {
		errs = append(errs, errors.New(Prefix+"OBJECTS: want 1 to 100000"))
	}
	if c.MaxSize < 1 || c.MaxSize > 1<<30 {
		errs = append(errs, errors.New(Prefix+"MAX_SIZE: want 1 to 1073741824 bytes"))
	}
	if c.Concurrency < 1 {
		errs = append(errs, errors.New(Prefix+"CONCURRENCY: want at least 1"))
	}
	if c.Timeout <= 0 {
		errs = append(errs, errors.New(Prefix+"TIMEOUT: want a positive duration"))
	}
	return errors.Join(errs...)
}
