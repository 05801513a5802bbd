// Package envconfig loads typed, validated configuration from environment variables, on
// github.com/caarlos0/env/v11, so that secrets never appear in logs, spans, errors or output.
//
// The entry point is [Load]:
//
//	type Config struct {
//		Addr     string           `env:"ADDR" envDefault:":8080" desc:"address to listen on"`
//		Password envconfig.Secret `env:"DB_PASSWORD,required" desc:"database password"`
//	}
//	cfg, err := envconfig.Load[Config](envconfig.WithPrefix("APP_"))
//
// Fields use caarlos0/env's tags (env, envDefault, envPrefix, envSeparator and the options
// required, notEmpty, file, expand) plus desc, a one-line description shown by [Describe] and in
// generated documentation.
//
// # Secrets
//
// A field of type [Secret] prints as [Redacted] in every form (fmt verbs, JSON, text, slog), so a
// whole configuration can be logged or printed safely; [Secret.Reveal] returns the value. For
// every secret variable FOO, FOO_FILE=/path fills it from a file instead (the Docker and
// Kubernetes secrets convention); a trailing newline is trimmed, files over
// [MaxSecretFileSize] are refused, and setting both FOO and FOO_FILE is an error.
//
// # Errors
//
// Load reports every missing or invalid variable at once, in one [*Error] whose parts are
// [*VarError] values (reach them with errors.As; test their kind with errors.Is against
// [ErrNotSet], [ErrEmpty], [ErrInvalid], [ErrFile], [ErrConflict]). Messages name the variable
// and what was expected, and never quote a value: caarlos0/env's own parse errors, which echo
// the raw value, are replaced. A configuration type can check itself by implementing
// [Validator].
//
// # Configuration
//
// [WithPrefix] prefixes every variable name; [WithEnvironment] reads an injected map instead of
// the process environment, so tests never call os.Setenv. With no options, Load reads the
// process environment. Nothing is read at import time, and the package holds no mutable state.
//
// # Documentation
//
// [Describe] lists a configuration type's variables (name, type, default, required, secret,
// description) and, for a given environment, where each value comes from (environment, file,
// default) with secrets masked. [Markdown] renders that list as the table used in README files;
// [Text] renders it for printing at start-up.
//
// # Emitted telemetry
//
// None: envconfig runs before telemetry is set up.
//
// # Shutdown
//
// Nothing to shut down: Load and Describe hold no resources once they return.
//
// # Performance
//
// Load costs what caarlos0/env's parse costs plus one scan of the variable names for _FILE
// twins; the reflection walk behind Describe runs only when a _FILE variable is present or an
// error is reported (BenchmarkLoad compares the two on a 100-variable struct).
package envconfig
