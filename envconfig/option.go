package envconfig

// Option configures [Load] and [Describe]; every Option is also a [WatchOption].
type Option interface {
	apply(config) config
	WatchOption
}

type config struct {
	prefix  string
	environ map[string]string // nil: the process environment
	file    string            // "": no configuration file
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// WithPrefix prepends prefix to every variable name: with WithPrefix("APP_"), a field tagged
// `env:"PORT"` reads APP_PORT (and a secret's file twin APP_PASSWORD_FILE). Default: no prefix.
func WithPrefix(prefix string) Option {
	return optionFunc(func(c config) config { c.prefix = prefix; return c })
}

// WithEnvironment makes Load, Describe and Environ read environ instead of the process
// environment, so tests never touch os.Setenv. The map is not modified. A nil map is an empty
// environment, not the process one: Describe[T](WithEnvironment(nil)) is T's static description,
// its defaults only. Default (no WithEnvironment): the process environment.
func WithEnvironment(environ map[string]string) Option {
	return optionFunc(func(c config) config {
		if environ == nil {
			environ = map[string]string{}
		}
		c.environ = environ
		return c
	})
}
