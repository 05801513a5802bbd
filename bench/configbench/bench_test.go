package configbench

import (
	"context"
	"os"
	"testing"

	caarlos "github.com/caarlos0/env/v11"
	kelsey "github.com/kelseyhightower/envconfig"
	seth "github.com/sethvargo/go-envconfig"

	"github.com/esper-platform/obskit/envconfig"
)

func benchLoaders[C, S, K any](b *testing.B, environ func(prefix string) map[string]string) {
	env := environ("APP_")
	b.Run("obskit-envconfig", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := envconfig.Load[C](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(env)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("caarlos0-env", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := caarlos.ParseAsWithOptions[C](caarlos.Options{Prefix: "APP_", Environment: env}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sethvargo-go-envconfig", func(b *testing.B) {
		b.ReportAllocs()
		lookuper := seth.PrefixLookuper("APP_", seth.MapLookuper(env))
		for b.Loop() {
			var s S
			if err := seth.ProcessWith(context.Background(), &seth.Config{Target: &s, Lookuper: lookuper}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kelseyhightower-envconfig", func(b *testing.B) {
		// kelseyhightower/envconfig reads only the process environment.
		for k, v := range environ("KB_") {
			b.Setenv(k, v)
		}
		b.ReportAllocs()
		for b.Loop() {
			var k K
			if err := kelsey.Process("KB", &k); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLoad10(b *testing.B)  { benchLoaders[Caarlos10, Seth10, Kelsey10](b, Environment10) }
func BenchmarkLoad100(b *testing.B) { benchLoaders[Caarlos100, Seth100, Kelsey100](b, Environment100) }
func BenchmarkLoad1000(b *testing.B) {
	benchLoaders[Caarlos1000, Seth1000, Kelsey1000](b, Environment1000)
}

// TestLoadersAgree checks that every loader reads the same values, so the benchmark compares
// equal work.
func TestLoadersAgree(t *testing.T) {
	env := Environment100("APP_")
	c, err := envconfig.Load[Caarlos100](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(env))
	if err != nil {
		t.Fatal(err)
	}
	var s Seth100
	if err := seth.ProcessWith(context.Background(), &seth.Config{Target: &s, Lookuper: seth.PrefixLookuper("APP_", seth.MapLookuper(env))}); err != nil {
		t.Fatal(err)
	}
	for k, v := range Environment100("KB_") {
		t.Setenv(k, v)
	}
	var k Kelsey100
	if err := kelsey.Process("KB", &k); err != nil {
		t.Fatal(err)
	}
	if c.S019 != "v" || s.S019 != "v" || k.S019 != "v" || c.D014.String() != "3s" || s.D014 != k.D014 ||
		len(c.L014) != 3 || len(s.L014) != 3 || len(k.L014) != 3 || c.Nested.N009 != "n" || s.Nested.N009 != "n" || k.Nested.N009 != "n" {
		t.Errorf("loaders disagree:\nobskit %+v\nseth %+v\nkelsey %+v", c, s, k)
	}
	if _, ok := os.LookupEnv("KB_S000"); !ok {
		t.Error("process environment not set for kelseyhightower/envconfig")
	}
}
