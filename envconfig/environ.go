package envconfig

import (
	"maps"
	"os"

	"github.com/caarlos0/env/v11"
)

// Environ returns, as a new map the caller may modify, the environment that [Load] and
// [Describe] read when given opts: the map of [WithEnvironment], or else the process
// environment. It is the one place obskit turns the process environment into a map; a program
// that derives an environment (adds defaults, applies overrides) starts from Environ() and hands
// the result to Load with WithEnvironment. [WithPrefix] does not filter it.
func Environ(opts ...Option) map[string]string {
	return environment(newConfig(opts), true)
}

// environment returns c's environment; the process environment when none was injected. An
// injected map is copied only when clone is set.
func environment(c config, clone bool) map[string]string {
	if c.environ == nil {
		return env.ToMap(os.Environ())
	}
	if clone {
		return maps.Clone(c.environ)
	}
	return c.environ
}
