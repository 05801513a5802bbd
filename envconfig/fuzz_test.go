package envconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/esper-platform/obskit/envconfig"
)

type fuzzConfig struct {
	Name    string            `env:"NAME"`
	Port    int               `env:"PORT,required"`
	Small   int8              `env:"SMALL"`
	Count   uint              `env:"COUNT" envDefault:"3"`
	Ratio   float64           `env:"RATIO"`
	On      bool              `env:"ON"`
	Wait    time.Duration     `env:"WAIT" envDefault:"1s"`
	Tags    []string          `env:"TAGS"`
	Ports   []int             `env:"PORTS"`
	Labels  map[string]string `env:"LABELS"`
	Level   level             `env:"LEVEL"`
	Token   envconfig.Secret  `env:"TOKEN"`
	Pass    envconfig.Secret  `env:"PASS,notEmpty"`
	Inner   nested            `envPrefix:"INNER_"`
	Timeout time.Duration     `env:"TIMEOUT,required"`
}

var fuzzNames = []string{"NAME", "PORT", "SMALL", "COUNT", "RATIO", "ON", "WAIT", "TAGS", "PORTS", "LABELS",
	"LEVEL", "TOKEN", "PASS", "INNER_HOST", "INNER_PORT", "TIMEOUT", "TOKEN_FILE", "PASS_FILE", "UNKNOWN"}

// FuzzLoad feeds arbitrary environments to Load: it must not panic, and no error message may
// contain a value from the environment. The input is lines of "INDEX=VALUE", INDEX choosing a
// variable name; _FILE variables point at a file holding the value, or at a missing file.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"1=8080\n15=5s",
		"1=eighty\n15=soon\n2=300\n3=-1",
		"1=80\n15=1s\n9=a:b,c\n8=1,x,3",
		"1=1\n15=1s\n11=tok\n16=secret-in-file",
		"1=1\n15=1s\n12=\n10=medium",
		"4=NaN\n5=maybe\n6=1y\n14=99999999999999999999",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, input string) {
		environ := map[string]string{}
		var values []string
		for i, line := range strings.Split(input, "\n") {
			idx, value, ok := strings.Cut(line, "=")
			if !ok || len(idx) == 0 {
				continue
			}
			name := fuzzNames[int(idx[0])%len(fuzzNames)]
			values = append(values, value)
			if strings.HasSuffix(name, "_FILE") {
				p := filepath.Join(dir, "missing")
				if len(value)%2 == 0 {
					p = filepath.Join(dir, "f"+strings.Repeat("x", i))
					if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				environ[name] = p
				continue
			}
			environ[name] = value
		}
		_, err := envconfig.Load[fuzzConfig](envconfig.WithEnvironment(environ))
		_ = envconfig.Describe[fuzzConfig](envconfig.WithEnvironment(environ))
		if err == nil {
			return
		}
		msg := err.Error()
		for _, v := range values {
			if len(v) < 3 || strings.Contains(fuzzStaticText, v) {
				continue // too short to tell apart from the message's own words
			}
			if strings.Contains(msg, v) {
				t.Fatalf("error message contains the value %q: %s", v, msg)
			}
		}
		if strings.Contains(msg, dir) {
			t.Fatalf("error message contains a file path: %s", msg)
		}
	})
}

// fuzzStaticText is every word an error about fuzzConfig can hold that does not come from a value.
var fuzzStaticText = strings.Join(append(fuzzNames,
	"envconfig: problems: problem: invalid value: want an integer that fits in int8 int uint a non-negative",
	"a number a boolean (true, false, 1 or 0) a duration such as 500ms, 30s or 5m a comma-separated list of items, each",
	"comma-separated key:value pairs a valid level required but not set: set or set but empty: give it a value",
	"file cannot be read: the file it names does not exist set twice: set either or , not both",
	"level must be low or high, got ; ",
), " ")
