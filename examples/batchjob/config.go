package main

import (
	"errors"
	"slices"
	"time"
)

// Config is the job's own configuration, read from BATCHJOB_* variables.
type Config struct {
	RunID            string        `env:"RUN_ID" desc:"the run's name, used in object keys (default: run-<UTC time>)"`
	Steps            int           `env:"STEPS" envDefault:"5" desc:"number of benchmark steps to run"`
	StepDuration     time.Duration `env:"STEP_DURATION" envDefault:"300ms" desc:"simulated work per step"`
	ArtifactsPerStep int           `env:"ARTIFACTS_PER_STEP" envDefault:"4" desc:"artifacts each step produces (one JSON result, the rest binary)"`
	ArtifactSize     int           `env:"ARTIFACT_SIZE" envDefault:"262144" desc:"largest binary artifact in bytes (sizes vary up to this)"`
	Concurrency      int           `env:"CONCURRENCY" envDefault:"8" desc:"artifact uploads running at once"`
	Bucket           string        `env:"BUCKET" envDefault:"batchjob" desc:"bucket name on the embedded S3 server, and on a configured one when OBSKIT_S3_BUCKET is not set"`
	Progress         string        `env:"PROGRESS" envDefault:"auto" desc:"progress display: auto (a bar on a terminal, plain lines otherwise), bar, plain or off"`
	Timeout          time.Duration `env:"TIMEOUT" envDefault:"2m" desc:"the whole run's time limit"`
}

// Prefix is the job's variable prefix.
const Prefix = "BATCHJOB_"

var progressModes = []string{"auto", "bar", "plain", "off"}

// Validate checks the ranges the types do not; envconfig.Load calls it.
func (c *Config) Validate() error {
	var errs []error
	if c.Steps < 1 || c.Steps > 1000 {
		errs = append(errs, errors.New(Prefix+"STEPS: want 1 to 1000"))
	}
	if c.ArtifactsPerStep < 1 || c.ArtifactsPerStep > 1000 {
		errs = append(errs, errors.New(Prefix+"ARTIFACTS_PER_STEP: want 1 to 1000"))
	}
	if c.ArtifactSize < 1 || c.ArtifactSize > 1<<30 {
		errs = append(errs, errors.New(Prefix+"ARTIFACT_SIZE: want 1 to 1073741824 bytes"))
	}
	if c.Concurrency < 1 {
		errs = append(errs, errors.New(Prefix+"CONCURRENCY: want at least 1"))
	}
	if c.StepDuration < 0 || c.Timeout <= 0 {
		errs = append(errs, errors.New(Prefix+"STEP_DURATION, "+Prefix+"TIMEOUT: want a duration ≥ 0 and a positive one"))
	}
	if !slices.Contains(progressModes, c.Progress) {
		errs = append(errs, errors.New(Prefix+"PROGRESS: want auto, bar, plain or off"))
	}
	return errors.Join(errs...)
}
