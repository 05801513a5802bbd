package configbench

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	caarlos "github.com/caarlos0/env/v11"
	"go.yaml.in/yaml/v3"

	"github.com/esper-platform/obskit/envconfig"
)

// FileConfig is a 1,000-key nested configuration: ten sections of ten services of ten keys,
// tagged for envconfig (env, envPrefix) and for go.yaml.in/yaml/v3 (yaml), so that both decode
// the same file into the same struct.
type FileConfig struct {
	S0 FileSection `envPrefix:"S0_" yaml:"s0"`
	S1 FileSection `envPrefix:"S1_" yaml:"s1"`
	S2 FileSection `envPrefix:"S2_" yaml:"s2"`
	S3 FileSection `envPrefix:"S3_" yaml:"s3"`
	S4 FileSection `envPrefix:"S4_" yaml:"s4"`
	S5 FileSection `envPrefix:"S5_" yaml:"s5"`
	S6 FileSection `envPrefix:"S6_" yaml:"s6"`
	S7 FileSection `envPrefix:"S7_" yaml:"s7"`
	S8 FileSection `envPrefix:"S8_" yaml:"s8"`
	S9 FileSection `envPrefix:"S9_" yaml:"s9"`
}

// FileSection is one section of FileConfig.
type FileSection struct {
	T0 FileService `envPrefix:"T0_" yaml:"t0"`
	T1 FileService `envPrefix:"T1_" yaml:"t1"`
	T2 FileService `envPrefix:"T2_" yaml:"t2"`
	T3 FileService `envPrefix:"T3_" yaml:"t3"`
	T4 FileService `envPrefix:"T4_" yaml:"t4"`
	T5 FileService `envPrefix:"T5_" yaml:"t5"`
	T6 FileService `envPrefix:"T6_" yaml:"t6"`
	T7 FileService `envPrefix:"T7_" yaml:"t7"`
	T8 FileService `envPrefix:"T8_" yaml:"t8"`
	T9 FileService `envPrefix:"T9_" yaml:"t9"`
}

// FileService is ten keys of every kind.
type FileService struct {
	Name    string        `env:"NAME" yaml:"name"`
	Workers int           `env:"WORKERS" yaml:"workers"`
	Enabled bool          `env:"ENABLED" yaml:"enabled"`
	Timeout time.Duration `env:"TIMEOUT" yaml:"timeout"`
	LR      float64       `env:"LR" yaml:"lr"`
	Tags    []string      `env:"TAGS" yaml:"tags"`
	Queue   string        `env:"QUEUE" yaml:"queue"`
	Batch   int64         `env:"BATCH" yaml:"batch"`
	Retries uint          `env:"RETRIES" yaml:"retries"`
	Region  string        `env:"REGION" yaml:"region"`
}

// fileKeys are FileService's keys, with the value the file gives and the one the environment
// overrides it with.
var fileKeys = []struct{ key, file, env string }{
	{"name", "svc", "svc-env"}, {"workers", "4", "8"}, {"enabled", "true", "false"},
	{"timeout", "30s", "1m"}, {"lr", "0.01", "0.02"}, {"tags", "[a, b, c]", "x,y"},
	{"queue", "jobs", "jobs-env"}, {"batch", "512", "1024"}, {"retries", "3", "5"},
	{"region", "eu-west-1", "us-east-1"},
}

// fileYAML is the 1,000-key file that sets every key of FileConfig.
func fileYAML() []byte {
	var b strings.Builder
	for s := range 10 {
		fmt.Fprintf(&b, "s%d:\n", s)
		for t := range 10 {
			fmt.Fprintf(&b, "  t%d:\n", t)
			for _, k := range fileKeys {
				fmt.Fprintf(&b, "    %s: %s\n", k.key, k.file)
			}
		}
	}
	return []byte(b.String())
}

// fileOverrides is 100 environment variables overriding keys of the file, one per service.
func fileOverrides(prefix string) map[string]string {
	env := make(map[string]string, 100)
	for s := range 10 {
		for t := range 10 {
			k := fileKeys[(s+t)%len(fileKeys)]
			env[fmt.Sprintf("%sS%d_T%d_%s", prefix, s, t, strings.ToUpper(k.key))] = k.env
		}
	}
	return env
}

// fileEnvironment sets every key of FileConfig in the environment, for the environment-only
// comparison.
func fileEnvironment(prefix string) map[string]string {
	env := make(map[string]string, 1000)
	for s := range 10 {
		for t := range 10 {
			for _, k := range fileKeys {
				v := k.file
				if k.key == "tags" {
					v = "a,b,c"
				}
				env[fmt.Sprintf("%sS%d_T%d_%s", prefix, s, t, strings.ToUpper(k.key))] = v
			}
		}
	}
	return env
}

func writeFileConfig(tb testing.TB) string {
	path := filepath.Join(tb.TempDir(), "config.yaml")
	if err := os.WriteFile(path, fileYAML(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkFile1000 loads the 1,000-key nested file with 100 environment overrides, against a
// bare go.yaml.in/yaml/v3 decode of the same file (read included) into the same struct; and the
// same struct from the environment alone, against caarlos0/env.
func BenchmarkFile1000(b *testing.B) {
	path := writeFileConfig(b)
	overrides := fileOverrides("APP_")
	b.Run("obskit-envconfig-file+env", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path),
				envconfig.WithEnvironment(overrides)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("yaml-v3-decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			var cfg FileConfig
			if err := yaml.Unmarshal(data, &cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	env := fileEnvironment("APP_")
	b.Run("obskit-envconfig-env-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(env)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("caarlos0-env-env-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := caarlos.ParseAsWithOptions[FileConfig](caarlos.Options{Prefix: "APP_", Environment: env}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFileLoadersAgree checks that the benchmark compares equal work: envconfig reads the file
// as the YAML library does, applies the 100 overrides, and reads the environment alone as
// caarlos0/env does.
func TestFileLoadersAgree(t *testing.T) {
	path := writeFileConfig(t)
	fromFile, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path), envconfig.WithEnvironment(nil))
	if err != nil {
		t.Fatal(err)
	}
	var decoded FileConfig
	if err := yaml.Unmarshal(fileYAML(), &decoded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromFile, decoded) {
		t.Fatalf("envconfig and yaml.v3 disagree on the file:\n%+v\n%+v", fromFile.S9.T9, decoded.S9.T9)
	}
	if fromFile.S3.T4.Timeout != 30*time.Second || len(fromFile.S9.T9.Tags) != 3 {
		t.Fatalf("file not read: %+v", fromFile.S3.T4)
	}
	withEnv, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path), envconfig.WithEnvironment(fileOverrides("APP_")))
	if err != nil {
		t.Fatal(err)
	}
	if withEnv.S0.T0.Name != "svc-env" || withEnv.S1.T2.Timeout != time.Minute || withEnv.S9.T9.Retries != 5 || withEnv.S0.T1.Workers != 8 {
		t.Errorf("overrides not applied: %+v %+v", withEnv.S0.T0, withEnv.S1.T2)
	}
	envOnly, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(fileEnvironment("APP_")))
	if err != nil {
		t.Fatal(err)
	}
	viaCaarlos, err := caarlos.ParseAsWithOptions[FileConfig](caarlos.Options{Prefix: "APP_", Environment: fileEnvironment("APP_")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(envOnly, viaCaarlos) || !reflect.DeepEqual(envOnly, decoded) {
		t.Errorf("environment-only loads disagree")
	}
}

// BenchmarkFile1000Ratio times the loads above interleaved, one of each per iteration (every
// other iteration in reverse order), so that both sides of each ratio run under the same machine
// load, on the CPU clock of the goroutine's
// locked thread (the time other processes take is left out; the background GC workers' share
// too, for both sides). It reports file+env ÷ yaml-v3 and env-only ÷ caarlos0-env (the budgets
// are 2 and 1.2) and the CPU time of one file+env load.
func BenchmarkFile1000Ratio(b *testing.B) {
	path := writeFileConfig(b)
	overrides := fileOverrides("APP_")
	env := fileEnvironment("APP_")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var fileEnv, bare, envOnly, caarlosOnly time.Duration
	timed := func(sum *time.Duration, f func() error) {
		start := threadCPU()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		*sum += threadCPU() - start
	}
	loads := []struct {
		sum *time.Duration
		f   func() error
	}{
		{&fileEnv, func() error {
			_, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path), envconfig.WithEnvironment(overrides))
			return err
		}},
		{&bare, func() error {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			var cfg FileConfig
			return yaml.Unmarshal(data, &cfg)
		}},
		{&envOnly, func() error {
			_, err := envconfig.Load[FileConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(env))
			return err
		}},
		{&caarlosOnly, func() error {
			_, err := caarlos.ParseAsWithOptions[FileConfig](caarlos.Options{Prefix: "APP_", Environment: env})
			return err
		}},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		// Every other iteration in reverse order, so that neither side of a ratio always
		// follows the other's garbage.
		for j := range loads {
			if i%2 == 1 {
				j = len(loads) - 1 - j
			}
			timed(loads[j].sum, loads[j].f)
		}
	}
	b.ReportMetric(float64(fileEnv)/float64(bare), "file+env/yaml")
	b.ReportMetric(float64(envOnly)/float64(caarlosOnly), "env-only/caarlos0")
	b.ReportMetric(fileEnv.Seconds()*1000/float64(b.N), "cpu-ms/file+env")
}
