package envconfig_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

type ServerConfig struct {
	Port     int              `env:"PORT" envDefault:"8080" desc:"TCP port to listen on"`
	Timeout  time.Duration    `env:"TIMEOUT" envDefault:"5s" desc:"request timeout"`
	Tags     []string         `env:"TAGS" desc:"comma-separated tags"`
	Password envconfig.Secret `env:"DB_PASSWORD,required" desc:"database password"`
	Cache    CacheConfig      `envPrefix:"CACHE_"`
}

type CacheConfig struct {
	Size int  `env:"SIZE" envDefault:"128" desc:"entries kept"`
	On   bool `env:"ENABLED" envDefault:"true" desc:"turn the cache on"`
}

func ExampleLoad() {
	cfg, err := envconfig.Load[ServerConfig](
		envconfig.WithPrefix("APP_"),
		envconfig.WithEnvironment(map[string]string{
			"APP_PORT":        "9090",
			"APP_TAGS":        "blue,green",
			"APP_DB_PASSWORD": "hunter2",
			"APP_CACHE_SIZE":  "512",
		}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Port, cfg.Timeout, cfg.Tags, cfg.Cache.Size, cfg.Cache.On)
	fmt.Printf("%+v\n", cfg)
	// Output:
	// 9090 5s [blue green] 512 true
	// {Port:9090 Timeout:5s Tags:[blue green] Password:[REDACTED] Cache:{Size:512 On:true}}
}

func ExampleSecret() {
	type Config struct {
		User  string           `json:"user"`
		Token envconfig.Secret `json:"token"`
	}
	cfg := Config{User: "ci", Token: envconfig.NewSecret("s3cr3t")}

	fmt.Printf("%v | %+v | %s | %q\n", cfg.Token, cfg, cfg.Token, cfg.Token)
	fmt.Printf("%#v\n", cfg.Token)
	b, _ := json.Marshal(cfg)
	fmt.Println(string(b))
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	logger.Info("loaded", "token", cfg.Token)
	fmt.Println(cfg.Token.Reveal())
	// Output:
	// [REDACTED] | {User:ci Token:[REDACTED]} | [REDACTED] | "[REDACTED]"
	// envconfig.Secret("[REDACTED]")
	// {"user":"ci","token":"[REDACTED]"}
	// level=INFO msg=loaded token=[REDACTED]
	// s3cr3t
}

func ExampleLoad_file() {
	dir, _ := os.MkdirTemp("", "secrets")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db_password")
	_ = os.WriteFile(path, []byte("from-a-file\n"), 0o600)

	cfg, err := envconfig.Load[ServerConfig](envconfig.WithEnvironment(map[string]string{
		"DB_PASSWORD_FILE": path,
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %d\n", cfg.Password.Reveal(), cfg.Port)
	// Output:
	// "from-a-file" 8080
}

func ExampleError() {
	_, err := envconfig.Load[ServerConfig](envconfig.WithEnvironment(map[string]string{
		"PORT":       "eighty",
		"TIMEOUT":    "soon",
		"CACHE_SIZE": "-x",
	}))
	fmt.Println(err)

	var ve *envconfig.VarError
	if errors.As(err, &ve) {
		fmt.Println("first:", ve.Var, errors.Is(ve, envconfig.ErrInvalid))
	}
	fmt.Println("missing:", errors.Is(err, envconfig.ErrNotSet))
	// Output:
	// envconfig: 4 problems: PORT: invalid value: want an integer that fits in int; TIMEOUT: invalid value: want a duration such as 500ms, 30s or 5m; DB_PASSWORD: required but not set: set DB_PASSWORD or DB_PASSWORD_FILE; CACHE_SIZE: invalid value: want an integer that fits in int
	// first: PORT true
	// missing: true
}

func ExampleDescribe() {
	vars := envconfig.Describe[ServerConfig](envconfig.WithEnvironment(map[string]string{
		"PORT":        "9090",
		"DB_PASSWORD": "hunter2",
	}))
	fmt.Print(envconfig.Text(vars))
	// Output:
	// VARIABLE       VALUE       SOURCE
	// PORT           9090        env
	// TIMEOUT        5s          default
	// TAGS                       unset
	// DB_PASSWORD    [REDACTED]  env
	// CACHE_SIZE     128         default
	// CACHE_ENABLED  true        default
}

func ExampleMarkdown() {
	fmt.Print(envconfig.Markdown(envconfig.Describe[CacheConfig](envconfig.WithEnvironment(nil))))
	// Output:
	// | Variable | Type | Default | Required | Description |
	// |---|---|---|---|---|
	// | `SIZE` | int | `128` |  | entries kept |
	// | `ENABLED` | bool | `true` |  | turn the cache on |
}

// Join flattens errors gathered in several places (here a joined pair and a repeat of one of
// them) into one *Error that lists each problem once.
func ExampleJoin() {
	port := &envconfig.VarError{Var: "PORT", Kind: envconfig.ErrInvalid, Expected: "want a port number"}
	host := &envconfig.VarError{Var: "HOST", Kind: envconfig.ErrNotSet, Expected: "set HOST"}
	err := envconfig.Join(errors.Join(port, host), nil, port)
	fmt.Println(err)
	fmt.Println(errors.Is(err, envconfig.ErrNotSet), envconfig.Join(nil, nil) == nil)
	// Output:
	// envconfig: 2 problems: PORT: invalid value: want a port number; HOST: required but not set: set HOST
	// true true
}

// Names lists what a configuration type reads, secrets' file twins included, so that a program
// can warn about a variable of its family that nothing reads (a typo).
func ExampleNames() {
	fmt.Println(envconfig.Names[ServerConfig](envconfig.WithPrefix("APP_")))
	// Output:
	// [APP_PORT APP_TIMEOUT APP_TAGS APP_DB_PASSWORD APP_DB_PASSWORD_FILE APP_CACHE_SIZE APP_CACHE_ENABLED]
}

// Environ gives a copy of the environment Load would read, for a program that adds defaults
// before loading.
func ExampleEnviron() {
	given := map[string]string{"APP_DB_PASSWORD": "hunter2"}
	environ := envconfig.Environ(envconfig.WithEnvironment(given))
	if environ["APP_PORT"] == "" {
		environ["APP_PORT"] = "9000"
	}
	cfg, err := envconfig.Load[ServerConfig](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(environ))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Port, len(given))
	// Output:
	// 9000 1
}
