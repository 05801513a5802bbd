package main

import (
	"context"
	"os"
	"runtime"
	"time"

	caarlos "github.com/caarlos0/env/v11"
	kelsey "github.com/kelseyhightower/envconfig"
	seth "github.com/sethvargo/go-envconfig"

	"github.com/esper-platform/obskit/bench/configbench"
	"github.com/esper-platform/obskit/envconfig"
)

// Names of the configuration loaders compared.
const (
	loaderObskit  = "obskit-envconfig"
	loaderCaarlos = "caarlos0-env"
	loaderSeth    = "sethvargo-go-envconfig"
	loaderKelsey  = "kelseyhightower-envconfig"
)

// configLoaders returns, for one struct size, a load function per loader over configbench's
// generated structs and environments.
func configLoaders[C, S, K any](environ func(prefix string) map[string]string) (map[string]func() error, func()) {
	env := environ("APP_")
	lookuper := seth.PrefixLookuper("APP_", seth.MapLookuper(env))
	// kelseyhightower/envconfig reads only the process environment: set it for the run.
	kenv := environ("KB_")
	for k, v := range kenv {
		_ = os.Setenv(k, v)
	}
	unset := func() {
		for k := range kenv {
			_ = os.Unsetenv(k)
		}
	}
	return map[string]func() error{
		loaderObskit: func() error {
			_, err := envconfig.Load[C](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(env))
			return err
		},
		loaderCaarlos: func() error {
			_, err := caarlos.ParseAsWithOptions[C](caarlos.Options{Prefix: "APP_", Environment: env})
			return err
		},
		loaderSeth: func() error {
			var s S
			return seth.ProcessWith(context.Background(), &seth.Config{Target: &s, Lookuper: lookuper})
		},
		loaderKelsey: func() error {
			var k K
			return kelsey.Process("KB", &k)
		},
	}, unset
}

var loaderOrder = []string{loaderObskit, loaderCaarlos, loaderSeth, loaderKelsey}

// runConfig times loads of configbench's 10-, 100- and 1,000-variable structs with each loader.
func runConfig(ctx context.Context, sc scale, p *progress) ([]ConfigRow, error) {
	type size struct {
		fields  int
		loaders func() (map[string]func() error, func())
	}
	sizes := []size{
		{10, func() (map[string]func() error, func()) {
			return configLoaders[configbench.Caarlos10, configbench.Seth10, configbench.Kelsey10](configbench.Environment10)
		}},
		{100, func() (map[string]func() error, func()) {
			return configLoaders[configbench.Caarlos100, configbench.Seth100, configbench.Kelsey100](configbench.Environment100)
		}},
		{1000, func() (map[string]func() error, func()) {
			return configLoaders[configbench.Caarlos1000, configbench.Seth1000, configbench.Kelsey1000](configbench.Environment1000)
		}},
	}
	var rows []ConfigRow
	unit := 1 / float64(len(sizes)*len(loaderOrder))
	for _, sz := range sizes {
		loaders, unset := sz.loaders()
		loads := max(sc.ConfigLoads*10/sz.fields, 20)
		for _, name := range loaderOrder {
			if err := ctx.Err(); err != nil {
				unset()
				return nil, err
			}
			load := loaders[name]
			if err := load(); err != nil {
				unset()
				return nil, err
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			began := time.Now()
			for range loads {
				_ = load()
			}
			elapsed := time.Since(began)
			runtime.ReadMemStats(&after)
			rows = append(rows, ConfigRow{
				Loader: name, Fields: sz.fields, Loads: loads,
				MeanUs:        float64(elapsed.Microseconds()) / float64(loads),
				AllocsPerLoad: float64(after.Mallocs-before.Mallocs) / float64(loads),
				BytesPerLoad:  float64(after.TotalAlloc-before.TotalAlloc) / float64(loads),
			})
			p.Add(unit)
		}
		unset()
	}
	return rows, nil
}
