package envconfig_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

type serviceConfig struct {
	Workers int              `env:"WORKERS" envDefault:"1" desc:"worker goroutines"`
	Queue   string           `env:"QUEUE" desc:"queue name"`
	Token   envconfig.Secret `env:"TOKEN" desc:"service token"`
}

type trainingConfig struct {
	LR       float64                  `env:"LR" envDefault:"0.01" desc:"learning rate"`
	Epochs   int                      `env:"EPOCHS,required" desc:"epochs"`
	Services map[string]serviceConfig `envPrefix:"SERVICES_"`
}

type fileConfig struct {
	Name     string            `env:"SERVICE_NAME" envDefault:"svc" desc:"service name"`
	Timeout  time.Duration     `env:"TIMEOUT" envDefault:"5s"`
	Tags     []string          `env:"TAGS"`
	Ports    []int             `env:"PORTS" envSeparator:";"`
	Labels   map[string]string `env:"LABELS"`
	Password envconfig.Secret  `env:"DB_PASSWORD"`
	PartSize int64             `env:"S3_PART_SIZE" envDefault:"5242880"`
	Training trainingConfig    `envPrefix:"TRAINING_"`
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodYAML = `service:
  name: trainer
timeout: 30s
tags: [a, b]
ports: [80, 443]
labels:
  team: ml
  tier: gold
db:
  password: file-secret-value
s3.part:
  size: 1024
training:
  lr: 0.5
  epochs: 3
  services:
    trainer-a:
      workers: 4
      queue: qa
    b:
      token: tok-in-file
`

func TestLoadFileAndEnvironment(t *testing.T) {
	path := writeFile(t, "config.yaml", goodYAML)
	cfg, err := envconfig.Load[fileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path),
		envconfig.WithEnvironment(map[string]string{
			"APP_TRAINING_LR":                         "0.25",
			"APP_TRAINING_SERVICES_TRAINER_A_WORKERS": "8",
			"APP_TRAINING_SERVICES_C_QUEUE":           "qc",
			"APP_TAGS":                                "",
		}))
	if err != nil {
		t.Fatal(err)
	}
	want := fileConfig{
		Name: "trainer", Timeout: 30 * time.Second, Tags: []string{"a", "b"}, Ports: []int{80, 443},
		Labels: map[string]string{"team": "ml", "tier": "gold"}, PartSize: 1024,
		Training: trainingConfig{LR: 0.25, Epochs: 3, Services: map[string]serviceConfig{
			"trainer-a": {Workers: 8, Queue: "qa"},
			"b":         {Workers: 1},
			"c":         {Workers: 1, Queue: "qc"},
		}},
	}
	if cfg.Password.Reveal() != "file-secret-value" || cfg.Training.Services["b"].Token.Reveal() != "tok-in-file" {
		t.Errorf("secrets from the file not read")
	}
	cfg.Password = envconfig.Secret{}
	b := cfg.Training.Services["b"]
	b.Token = envconfig.Secret{}
	cfg.Training.Services["b"] = b
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got  %+v\nwant %+v", cfg, want)
	}
}

func TestLoadJSONFile(t *testing.T) {
	path := writeFile(t, "config.json", `{"service": {"name": "j"}, "training": {"epochs": 2, "services": {"x": {"workers": 3}}}}`)
	cfg, err := envconfig.Load[fileConfig](envconfig.WithFile(path), envconfig.WithEnvironment(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name != "j" || cfg.Training.Epochs != 2 || cfg.Training.Services["x"].Workers != 3 || cfg.Timeout != 5*time.Second {
		t.Errorf("got %+v", cfg)
	}
}

func TestLoadFileErrors(t *testing.T) {
	const marker = "MARKERVALUE"
	tests := []struct {
		name, file, content string
		environ             map[string]string
		want                []string
		kinds               []error
	}{
		{
			name: "bad values and unknown keys", file: "config.yaml",
			content: "timeout: " + marker + "\ntraining:\n  lr: " + marker + "\n  epoks: 3\n  services:\n    a:\n      workerz: 1\n",
			want: []string{
				"config.yaml:1: timeout: want a duration such as 500ms, 30s or 5m",
				"config.yaml:3: training.lr: want a number",
				"config.yaml:4: training.epoks: names no setting: did you mean training.epochs?",
				"config.yaml:7: training.services.a.workerz: names no setting: did you mean training.services.a.workers?",
				"APP_TRAINING_EPOCHS: required but not set",
			},
			kinds: []error{envconfig.ErrInvalid, envconfig.ErrUnknownKey, envconfig.ErrNotSet},
		},
		{
			name: "environment overrides a bad file value", file: "config.yaml",
			content: "training:\n  lr: " + marker + "\n  epochs: 1\n",
			environ: map[string]string{"APP_TRAINING_EPOCHS": marker},
			want:    []string{"config.yaml:2: training.lr: want a number", "APP_TRAINING_EPOCHS: invalid value: want an integer that fits in int"},
		},
		{
			name: "shapes", file: "c.yml",
			content: "tags: {a: " + marker + "}\nservice: " + marker + "\ntraining:\n  epochs: [1]\n",
			want: []string{
				"c.yml:1: tags: want a comma-separated list of items, each a valid string, not a mapping",
				"c.yml:2: service: want a mapping (a section of settings)",
				"c.yml:4: training.epochs: want an integer that fits in int, not a list",
			},
		},
		{
			name: "set twice", file: "config.yaml",
			content: "s3_part_size: 1\ns3:\n  part:\n    size: 2\ntraining: {epochs: 1}\n",
			want:    []string{"config.yaml:4: s3.part.size: set twice: also set at line 1 (as s3_part_size)"},
			kinds:   []error{envconfig.ErrConflict},
		},
		{
			name: "yaml syntax", file: "config.yaml",
			content: "a: 1\n  b: '" + marker + "\n",
			want:    []string{"config.yaml:2: not valid YAML"},
		},
		{
			name: "json syntax", file: "config.json",
			content: "{\"training\":\n {\"epochs\": " + marker + "}}",
			want:    []string{"config.json:2: not valid JSON: invalid character"},
		},
		{
			name: "extension", file: "config.toml", content: "a = 1",
			want: []string{"config.toml: want a file named .yaml, .yml or .json"},
		},
		{
			name: "alias bomb", file: "config.yaml",
			content: "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\ntags: *g\n",
			want:    []string{"config.yaml:1: a: names no setting"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			environ := tt.environ
			if environ == nil {
				environ = map[string]string{}
			}
			_, err := envconfig.Load[fileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path), envconfig.WithEnvironment(environ))
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), filepath.Dir(path)+string(filepath.Separator), "")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, marker) {
				t.Errorf("error quotes a value: %s", msg)
			}
			for _, k := range tt.kinds {
				if !errors.Is(err, k) {
					t.Errorf("errors.Is(err, %v) = false", k)
				}
			}
			var e *envconfig.Error
			if !errors.As(err, &e) {
				t.Errorf("not an *envconfig.Error: %T", err)
			}
		})
	}
}

func TestLoadFileSecretTwins(t *testing.T) {
	secret := writeFile(t, "pw", "from-secret-file\n")
	path := writeFile(t, "config.yaml", "db:\n  password_file: "+secret+"\ntraining: {epochs: 1}\n")
	cfg, err := envconfig.Load[fileConfig](envconfig.WithFile(path), envconfig.WithEnvironment(nil))
	if err != nil || cfg.Password.Reveal() != "from-secret-file" {
		t.Fatalf("twin from the file: %v", err)
	}
	// The environment's value replaces the file's twin rather than conflicting with it.
	cfg, err = envconfig.Load[fileConfig](envconfig.WithFile(path), envconfig.WithEnvironment(map[string]string{"DB_PASSWORD": "env"}))
	if err != nil || cfg.Password.Reveal() != "env" {
		t.Fatalf("environment over the file's twin: %v", err)
	}
	// And the environment's twin replaces the file's value.
	path2 := writeFile(t, "config.yaml", "db:\n  password: in-file\ntraining: {epochs: 1}\n")
	cfg, err = envconfig.Load[fileConfig](envconfig.WithFile(path2), envconfig.WithEnvironment(map[string]string{"DB_PASSWORD_FILE": secret}))
	if err != nil || cfg.Password.Reveal() != "from-secret-file" {
		t.Fatalf("environment's twin over the file: %v", err)
	}
	// A missing secret file named in the config file is located there, its path not quoted.
	path3 := writeFile(t, "config.yaml", "db:\n  password_file: /nonexistent/MARKER\ntraining: {epochs: 1}\n")
	_, err = envconfig.Load[fileConfig](envconfig.WithFile(path3), envconfig.WithEnvironment(nil))
	if err == nil || !strings.Contains(err.Error(), ":2: db.password_file: file cannot be read") || strings.Contains(err.Error(), "MARKER") {
		t.Fatalf("missing twin file: %v", err)
	}
	// Both set in the file is a conflict.
	path4 := writeFile(t, "config.yaml", "db:\n  password: x\n  password_file: "+secret+"\ntraining: {epochs: 1}\n")
	_, err = envconfig.Load[fileConfig](envconfig.WithFile(path4), envconfig.WithEnvironment(nil))
	if !errors.Is(err, envconfig.ErrConflict) {
		t.Fatalf("both in the file: %v", err)
	}
}

func TestDescribeFileSources(t *testing.T) {
	path := writeFile(t, "config.yaml", goodYAML)
	vars := envconfig.Describe[fileConfig](envconfig.WithPrefix("APP_"), envconfig.WithFile(path),
		envconfig.WithEnvironment(map[string]string{"APP_TRAINING_LR": "0.25", "APP_TAGS": "x"}))
	got := map[string]envconfig.Variable{}
	for _, v := range vars {
		got[v.Name] = v
	}
	for name, want := range map[string]string{
		"APP_SERVICE_NAME": "config-file trainer config.yaml:2 service.name",
		"APP_TRAINING_LR":  "env+config-file 0.25 APP_TRAINING_LR over config.yaml:14 training.lr",
		"APP_TAGS":         "env+config-file x APP_TAGS over config.yaml:4 tags",
		"APP_DB_PASSWORD":  "config-file [REDACTED] config.yaml:10 db.password",
		"APP_S3_PART_SIZE": "config-file 1024 config.yaml:12 s3.part.size",
		"APP_TRAINING_SERVICES_TRAINER_A_WORKERS": "config-file 4 config.yaml:18 training.services.trainer-a.workers",
		"APP_TRAINING_SERVICES_B_WORKERS":         "default 1 default ",
		"APP_TRAINING_SERVICES_B_TOKEN":           "config-file [REDACTED] config.yaml:21 training.services.b.token",
		"APP_TIMEOUT":                             "config-file 30s config.yaml:3 timeout",
	} {
		v := got[name]
		loc := strings.ReplaceAll(v.Location(), filepath.Dir(path)+string(filepath.Separator), "")
		if s := v.Source.String() + " " + v.Value + " " + loc + " " + v.Key; s != want {
			t.Errorf("%s: got %q, want %q", name, s, want)
		}
	}
	if f := got["APP_TRAINING_SERVICES_TRAINER_A_QUEUE"].Field; f != `Training.Services["trainer-a"].Queue` {
		t.Errorf("field path %q", f)
	}
	text := envconfig.Text(vars)
	if strings.Contains(text, "file-secret-value") || strings.Contains(text, "tok-in-file") {
		t.Errorf("Text shows a secret:\n%s", text)
	}
}

// A bad value of a nested field is told apart from a valid field of the same Go name.
func TestLoadFileSameFieldName(t *testing.T) {
	type inner struct {
		Port int `env:"PORT"`
	}
	type cfg struct {
		Port  int   `env:"PORT"`
		Inner inner `envPrefix:"INNER_"`
	}
	path := writeFile(t, "config.yaml", "port: 1\ninner:\n  port: eighty\n")
	_, err := envconfig.Load[cfg](envconfig.WithFile(path), envconfig.WithEnvironment(nil))
	var ve *envconfig.VarError
	if !errors.As(err, &ve) || ve.Var != "INNER_PORT" || ve.Line != 3 || ve.Key != "inner.port" {
		t.Fatalf("got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.yaml")
	_, err := envconfig.Load[fileConfig](envconfig.WithFile(path), envconfig.WithEnvironment(map[string]string{"TRAINING_EPOCHS": "1"}))
	if !errors.Is(err, envconfig.ErrFile) || err.Error() != "envconfig: 1 problem: "+path+": file cannot be read: no such file or directory" {
		t.Fatalf("got %v", err)
	}
}

// A key that names no setting, repeated thousands of times through a merge key, is reported a
// bounded number of times, and the rest of the file is given up.
func TestLoadFileProblemsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &a {nope: 1, nix: 2}\n<<: [")
	for i := range 5000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*a")
	}
	b.WriteString("]\n")
	path := writeFile(t, "config.yaml", b.String())
	start := time.Now()
	_, err := envconfig.Load[fileConfig](envconfig.WithFile(path), envconfig.WithEnvironment(map[string]string{"TRAINING_EPOCHS": "1"}))
	var e *envconfig.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "more than 100 problems; the rest of the file was not read") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
