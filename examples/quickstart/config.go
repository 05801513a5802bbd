package main

import (
	"github.com/esper-platform/obskit/envconfig"
)

// Config is the quickstart's own configuration, read from QUICKSTART_* variables.
type Config struct {
	Objects  int              `env:"OBJECTS" envDefault:"24" desc:"number of objects to upload and read back"`
	MaxSize  int              `env:"MAX_SIZE" envDefault:"1048576" desc:"largest object size in bytes (sizes are mixed up to this)"`
	Bucket   string           `env:"BUCKET" envDefault:"quickstart" desc:"bucket name, created on the embedded S3 server"`
	OutDir   string           `env:"OUT_DIR" desc:"directory for the telemetry files (default: a new temporary directory)"`
	Password envconfig.Secret `env:"DEMO_TOKEN" envDefault:"not-a-real-token" desc:"a demo secret, to show that it is never printed"`
}

// Prefix is the quickstart's variable prefix.
const Prefix = "QUICKSTART_"
