// Package envconfig loads typed, validated configuration from environment variables, on
// github.com/caarlos0/env/v11, with an optional YAML or JSON file beneath them, so that secrets
// never appear in logs, spans, errors or output.
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
// each field, the variable its tags name, prefixed by [WithPrefix], and the key of the
// configuration file of [WithFile] that names the same variable; nothing else.
//
// Load, [Describe] and [Environ] read the process environment, or the map given by
// [WithEnvironment] (tests inject one and never call os.Setenv). The process environment is
// read when they are called, never at import time, and never modified; the package holds no
// mutable state but a cache of what it learns of each configuration type's fields (as
// encoding/json keeps), filled on first use. A program that derives an environment (adds defaults, applies the query of a
// URL) starts from [Environ], which returns a copy, and passes the result with
// WithEnvironment. [Names] lists the variables a type reads, so that a program can warn about
// a variable of its family that nothing reads.
//
// # Configuration file
//
// [WithFile] adds a YAML or JSON file (by extension) beneath the environment, for the large
// nested configurations that do not fit in variables: struct defaults < file < environment. A
// key path names a variable: the prefix, then the path's segments joined with "_",
// upper-cased. With WithPrefix("OBSKIT_"), both s3.part_size and s3.part.size (and a key
// written "s3.part" holding size) set OBSKIT_S3_PART_SIZE, which the environment overrides;
// the same struct tags serve both sources, and one variable table documents both. Nested
// structs (envPrefix) are nested mappings; a slice is a YAML list or a string split as in the
// environment, a map a mapping of scalars or "k:v" pairs. A field of type map[string]S, S a
// struct, tagged envPrefix and no env, holds per-name sections: with envPrefix:"SERVICES_",
// the mapping services: {trainer-a: {workers: 4}} fills the "trainer-a" entry, whose
// variables (SERVICES_TRAINER_A_WORKERS, section names upper-cased with - and . as _) the
// environment overrides or adds. A secret's _FILE twin works as a key (db.password_file). A
// null value sets nothing; YAML anchors, aliases and merge keys are followed, within a bound
// on the expanded size.
//
// Errors about the file name it, the line and the key path, and say what was expected,
// never the value: "config.yaml:12: training.lr: want a number". A key that names no setting
// is an error ([ErrUnknownKey]) with a suggestion when a setting's name is close, so that a
// typo does not pass silently. They come in the same [*Error] as the environment's.
//
// The YAML library is go.yaml.in/yaml/v3, the YAML organisation's maintained continuation of
// gopkg.in/yaml.v3: its node tree gives the line of every key, which the errors cite, and it is
// the library obskit's telemetry already uses for the OpenTelemetry configuration file, so the
// module carries one YAML parser. JSON files are checked with encoding/json, then read by the
// same parser, JSON being YAML.
//
// # Reload
//
// [Watch] loads a configuration, hands it to a function, and reloads it when the file changes
// (its modification time and size, looked at every [WithInterval], acted upon once the file has
// been quiet for an interval), on SIGHUP or on [Watcher.Reload]. A reloaded configuration is
// validated whole (parsing, required variables, [Validator]) before the function sees it: a bad
// file keeps the current configuration and is reported, never half-applied. Writing the file
// by rename (as Kubernetes does for a ConfigMap volume) is the safe way to edit it; a file
// written in place and caught half-written fails validation in most cases, and is then read
// again once complete.
//
// What a program changes live is what its function applies. In obskit's telemetry the log
// level and the list of redacted attribute keys can change live; exporters, endpoints,
// protocols, the resource, the sampler, propagators and batch sizes are fixed when telemetry
// is set up and need a restart.
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
// description) and, for a given environment, where each value comes from (environment, a _FILE
// twin, default, configuration file with its line, or environment over the file) with secrets
// masked. [Markdown] renders that list as the table used in README files; [Text] renders it for
// printing at start-up; [Log] writes it as one structured log record, so that the
// configuration a process runs with can be read from the logs backend.
//
// # Emitted telemetry
//
// [Load] and [Describe] emit nothing: they run before telemetry is set up. [Watch] records the
// duration of its first load and of every reload in the histogram obskit.config.load.duration
// (seconds; attribute obskit.config.operation = load or reload, and error.type for a refused
// configuration: unknown_key, invalid_value, not_set, empty, file, conflict or validation) on the
// provider of [WithMeterProvider], and logs each reload (Info when applied, Warn when refused,
// with the error) on the logger of [WithLogger]. [Log] writes one Info record.
//
// # Shutdown
//
// [Watcher.Close] (or the cancellation of the context given to [Watch]) stops a watcher;
// Close waits for its goroutine, as long as its context allows. No other function of the
// package holds a resource once it returns.
//
// The cost of Load against caarlos0/env and other configuration libraries is measured by the
// benchmarks of this package and of bench/configbench; the README and bench/README.md have the
// figures.
package envconfig
