package filebucket

// Option configures [New].
type Option interface {
	apply(config) config
}

type config struct {
	createDir bool
	noSync    bool
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithCreateDir makes New create the directory (and its parents, mode 0750) when it does not
// exist. Default: false, and a missing directory is an error, so a typo in a path does not
// silently start an empty bucket. URL form: file:///dir?create_dir=true. No environment variable.
func WithCreateDir(create bool) Option {
	return optionFunc(func(c config) config { c.createDir = create; return c })
}

// WithSync sets whether Put flushes each object to stable storage (fsync) before making it
// visible. Default: true, so an object that Put reported stored survives a crash. false trades
// that for speed in tests. URL form: file:///dir?sync=false. No environment variable.
func WithSync(sync bool) Option {
	return optionFunc(func(c config) config { c.noSync = !sync; return c })
}
