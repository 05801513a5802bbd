// Package envconfig loads typed, validated configuration from environment variables, on
// github.com/caarlos0/env/v11, so that secrets never appear in logs, spans, errors or output.
// It is the one place in obskit that reads the environment.
//
// The entry point is [Load]:
//
//	type Config struct {
//		Addr     string           `env:"ADDR" envDefault:":8080" desc:"address to listen on"`
//		Password envconfig.Secret `env:"DB_PASSWORD,required" desc:"database password"`
//	}
//	cfg, err := envconfig.Load[Config](envconfig.WithPrefix("APP_"))
//
// # Configuration
//
// A configuration type is a struct whose fields carry caarlos0/env's tags (env, envDefault,
// envPrefix, envSeparator and the options required, notEmpty, file, expand) plus desc, a
// one-line description shown by [Describe] and in generated documentation. Load reads, for
// each field, the variable its tags name, prefixed by [WithPrefix]; nothing else.
//
// Load, [Describe] and [Environ] read the process environment, or the map given by
// [WithEnvironment] (tests inject one and never call os.Setenv). The process environment is
// read when they are called, never at import time, and never modified; the package holds no
// mutable state. A program that derives an environment (adds defaults, applies the query of a
// URL) starts from [Environ], which returns a copy, and passes the result with
// WithEnvironment. [Names] lists the variables a type reads, so that a program can warn about
// a variable of its family that nothing reads.
//
// # Secrets
//
// A field of type [Secret] prints as [Redacted] in every form (fmt verbs, JSON, text, slog), so
// a whole configuration can be logged or printed safely; [Secret.Reveal] returns the value. For
// every secret variable FOO, FOO_FILE=/path fills it from a file instead (the Docker and
// Kubernetes secrets convention): a trailing newline is trimmed, files over
// [MaxSecretFileSize] are refused, and setting both FOO and FOO_FILE is an error. Errors about
// a file never name its path.
//
// # Errors
//
// Load reports every missing or invalid variable at once, in one [*Error] whose parts are
// [*VarError] values (reach them with errors.As; test their kind with errors.Is against
// [ErrNotSet], [ErrEmpty], [ErrInvalid], [ErrFile], [ErrConflict]). Messages name the variable
// and what was expected, and never quote a value: caarlos0/env's own parse errors, which echo
// the raw value, are replaced. A configuration type can check itself by implementing
// [Validator]; the errors it returns, joined or not, are listed one by one in the same
// [*Error]. [Join] makes that flat list from errors gathered anywhere else, each problem once.
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
// Nothing to shut down: no function of the package holds a resource once it returns.
//
// The cost of Load against caarlos0/env and other configuration libraries is measured by the
// benchmarks of this package and of bench/configbench; the README and bench/README.md have the
// figures.
package envconfig
