package envconfig_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

// TrainingConfig is a nested configuration with per-service sections.
type TrainingConfig struct {
	Name     string                   `env:"SERVICE_NAME" envDefault:"trainer" desc:"service name"`
	LR       float64                  `env:"TRAINING_LR" envDefault:"0.01" desc:"learning rate"`
	Password envconfig.Secret         `env:"DB_PASSWORD" desc:"database password"`
	Services map[string]ServiceConfig `envPrefix:"TRAINING_SERVICES_"`
}

// ServiceConfig is one section of TrainingConfig.Services.
type ServiceConfig struct {
	Workers int `env:"WORKERS" envDefault:"1" desc:"worker goroutines"`
}

// writeExampleFile writes content to name in a new directory and returns the path and the
// directory.
func writeExampleFile(name, content string) (path, dir string) {
	dir, _ = os.MkdirTemp("", "envconfig")
	path = filepath.Join(dir, name)
	_ = os.WriteFile(path, []byte(content), 0o600)
	return path, dir
}

// A YAML file beneath the environment: the key path training.lr names ESPER_TRAINING_LR, which
// the environment overrides; Describe says where each value came from.
func ExampleWithFile() {
	path, dir := writeExampleFile("config.yaml", `service:
  name: ranker
training:
  lr: 0.5
  services:
    embedder:
      workers: 4
    scorer: {}
db:
  password: from-the-file
`)
	defer os.RemoveAll(dir)
	opts := []envconfig.Option{
		envconfig.WithPrefix("ESPER_"),
		envconfig.WithFile(path),
		envconfig.WithEnvironment(map[string]string{"ESPER_TRAINING_LR": "0.25"}),
	}
	cfg, err := envconfig.Load[TrainingConfig](opts...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", cfg)
	for _, v := range envconfig.Describe[TrainingConfig](opts...) {
		fmt.Println(v.Name, v.Value, v.Source, v.Key, v.Line)
	}
	// Output:
	// {Name:ranker LR:0.25 Password:[REDACTED] Services:map[embedder:{Workers:4} scorer:{Workers:1}]}
	// ESPER_SERVICE_NAME ranker config-file service.name 2
	// ESPER_TRAINING_LR 0.25 env+config-file training.lr 4
	// ESPER_DB_PASSWORD [REDACTED] config-file db.password 10
	// ESPER_TRAINING_SERVICES_EMBEDDER_WORKERS 4 config-file training.services.embedder.workers 7
	// ESPER_TRAINING_SERVICES_SCORER_WORKERS 1 default  0
}

// Errors in the file name the file, the line and the key path, never the value; a key that
// names no setting is an error, with the close one suggested.
func ExampleWithFile_errors() {
	path, dir := writeExampleFile("config.yaml", `training:
  lr: fast
  servics:
    embedder:
      workers: 4
`)
	defer os.RemoveAll(dir)
	_, err := envconfig.Load[TrainingConfig](envconfig.WithFile(path),
		envconfig.WithEnvironment(nil))
	fmt.Println(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	fmt.Println(errors.Is(err, envconfig.ErrUnknownKey), errors.Is(err, envconfig.ErrInvalid))
	// Output:
	// envconfig: 2 problems: config.yaml:3: training.servics: names no setting: did you mean training.services?; config.yaml:2: training.lr: want a number
	// true true
}

// Watch hands each whole, valid configuration to a function; a bad file is refused and the
// current configuration kept.
func ExampleWatch() {
	path, dir := writeExampleFile("config.yaml", "training:\n  services:\n    embedder:\n      workers: 2\n")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	w, err := envconfig.Watch(ctx, func(c TrainingConfig) {
		fmt.Println("apply: embedder workers", c.Services["embedder"].Workers)
	},
		envconfig.WithFile(path), envconfig.WithEnvironment(nil),
		envconfig.WithInterval(time.Hour), // this example reloads by calling Reload
		envconfig.WithLogger(slog.New(slog.DiscardHandler)),
		envconfig.WithErrorHandler(func(err error) {
			fmt.Println("refused:", strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close(ctx)

	_ = os.WriteFile(path, []byte("training:\n  services:\n    embedder:\n      wrkers: 8\n"), 0o600)
	_ = w.Reload(ctx)
	fmt.Println("current: embedder workers", w.Current().Services["embedder"].Workers)

	_ = os.WriteFile(path, []byte("training:\n  services:\n    embedder:\n      workers: 8\n"), 0o600)
	_ = w.Reload(ctx)
	// Output:
	// apply: embedder workers 2
	// refused: envconfig: 1 problem: config.yaml:4: training.services.embedder.wrkers: names no setting: did you mean training.services.embedder.workers?
	// current: embedder workers 2
	// apply: embedder workers 8
}

// Log writes the configuration a process runs with as one record, secrets masked.
func ExampleLog() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	envconfig.Log(context.Background(), logger, envconfig.Describe[TrainingConfig](
		envconfig.WithEnvironment(map[string]string{"TRAINING_LR": "0.2", "DB_PASSWORD": "hunter2"})))
	// Output:
	// level=INFO msg=configuration config.SERVICE_NAME.value=trainer config.SERVICE_NAME.source=default config.TRAINING_LR.value=0.2 config.TRAINING_LR.source=env config.DB_PASSWORD.value=[REDACTED] config.DB_PASSWORD.source=env
}
