package main

import (
	"errors"
	"time"
)

// Config is the service's own configuration, read from SERVICE_* variables.
type Config struct {
	Addr            string        `env:"ADDR" envDefault:"127.0.0.1:8080" desc:"address to listen on, host:port (port 0: any free port)"`
	Bucket          string        `env:"BUCKET" envDefault:"service" desc:"bucket name on the embedded S3 server, and on a configured one when OBSKIT_S3_BUCKET is not set"`
	MaxUploadBytes  int64         `env:"MAX_UPLOAD_BYTES" envDefault:"67108864" desc:"largest request body PUT accepts, in bytes; larger gets 413"`
	RequestTimeout  time.Duration `env:"REQUEST_TIMEOUT" envDefault:"60s" desc:"time limit of one request, storage calls included"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s" desc:"time allowed on SIGINT/SIGTERM for requests in flight and the final telemetry flush"`
}

// Prefix is the service's variable prefix.
const Prefix = "SERVICE_"

// Validate checks the ranges the types do not; envconfig.Load calls it.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New(Prefix+"ADDR: want host:port"))
	}
	if c.MaxUploadBytes < 1 {
		errs = append(errs, errors.New(Prefix+"MAX_UPLOAD_BYTES: want at least 1"))
	}
	if c.RequestTimeout <= 0 || c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New(Prefix+"REQUEST_TIMEOUT, "+Prefix+"SHUTDOWN_TIMEOUT: want positive durations"))
	}
	return errors.Join(errs...)
}
