package envconfig_test

import (
	"testing"

	"github.com/caarlos0/env/v11"

	"github.com/esper-platform/obskit/envconfig"
)

// BenchmarkLoad compares envconfig.Load with a bare caarlos0/env parse of the same 100-variable
// struct from the same environment. Budget: Load costs at most 1.2× the bare parse.
func BenchmarkLoad(b *testing.B) {
	environ := bigEnvironment("APP_")
	b.Run("caarlos0-env", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := env.ParseAsWithOptions[bigConfig](env.Options{Environment: environ, Prefix: "APP_"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("envconfig", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := envconfig.Load[bigConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(environ)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDescribe measures the reflection walk behind Describe and error reports.
func BenchmarkDescribe(b *testing.B) {
	environ := bigEnvironment("APP_")
	b.ReportAllocs()
	for b.Loop() {
		if vars := envconfig.Describe[bigConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(environ)); len(vars) != 100 {
			b.Fatalf("%d variables", len(vars))
		}
	}
}
