package envconfig_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/esper-platform/obskit/envconfig"
)

// fuzzFileConfig has one field of each kind the file layer flattens, a map-of-struct section
// and a secret.
type fuzzFileConfig struct {
	Base     fuzzConfig
	Services map[string]nested `envPrefix:"SVC_"`
}

// fuzzMarker is planted in the seeds' values: no error message may contain it, unless the
// input also uses it as a key (keys are named in errors; values never).
const fuzzMarker = "ZQXJMARK"

// fuzzSlow is how long one Load of a small file may take: a pathological input (aliases
// expanding, problems repeated) must be refused quickly, not parsed for minutes.
const fuzzSlow = 10 * time.Second

// FuzzFile feeds arbitrary configuration files to Load and Describe: they must not panic, and
// no error message may quote a value of the file. The first byte picks YAML or JSON.
func FuzzFile(f *testing.F) {
	m := fuzzMarker
	for _, seed := range []string{
		"yname: x\nport: " + m + "\ntimeout: " + m + "\nratio: " + m + "\non: " + m + "\n",
		"ytags: [a, " + m + "]\nports: [1, " + m + "]\nlabels: {" + m + ": " + m + "}\nlevel: " + m + "\n",
		"yinner:\n  host: " + m + "\n  port: " + m + "\nsvc:\n  a:\n    port: " + m + "\n  b: " + m + "\n",
		"ytoken_file: /nonexistent/" + m + "\npass: " + m + "\npass_file: " + m + "\n",
		"yport: &" + m + " 1\ntimeout: *" + m + "\nwait: *nope" + m + "\n",
		"ydefaults: &d {port: " + m + "}\n<<: *d\nsmall: !!int " + m + "\n",
		"yport: '" + m + "\n",
		"yport: \"" + m + "\\q\"\n",
		"y- " + m + "\n",
		"y" + m + ": [\n",
		"j{\"port\": \"" + m + "\", \"inner\": {\"port\": [\"" + m + "\"]}}",
		"j{\"port\": " + m + "}",
		"j[\"" + m + "\"]",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, input string) {
		if input == "" {
			return
		}
		name := "config.yaml"
		if input[0] == 'j' {
			name = "config.json"
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(input[1:]), 0o600); err != nil {
			t.Fatal(err)
		}
		opts := []envconfig.Option{envconfig.WithFile(path),
			envconfig.WithEnvironment(map[string]string{"PORT": "1", "TIMEOUT": "1s"})}
		start := time.Now()
		_, err := envconfig.Load[fuzzFileConfig](opts...)
		if d := time.Since(start); d > fuzzSlow {
			t.Fatalf("Load took %v on a %d-byte file", d, len(input))
		}
		start = time.Now()
		vars := envconfig.Describe[fuzzFileConfig](opts...)
		if d := time.Since(start); d > fuzzSlow {
			t.Fatalf("Describe took %v on a %d-byte file", d, len(input))
		}
		for _, v := range vars {
			if v.Secret && v.Value != "" && v.Value != envconfig.Redacted {
				t.Fatalf("Describe shows secret %s", v.Name)
			}
		}
		if err == nil || !strings.Contains(err.Error(), fuzzMarker) {
			return
		}
		if !strings.Contains(strings.ToUpper(keysOf(input[1:])), fuzzMarker) {
			t.Fatalf("error message quotes a value: %s", err)
		}
	})
}

// keysOf returns every mapping key of a YAML document, joined; "" when it does not parse.
func keysOf(doc string) string {
	var n yaml.Node
	if yaml.Unmarshal([]byte(doc), &n) != nil {
		return ""
	}
	var b strings.Builder
	seen := 0
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen > 1<<16 {
			return
		}
		seen++
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				b.WriteString(n.Content[i].Value)
				b.WriteByte(' ')
			}
		}
		if n.Kind == yaml.AliasNode {
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&n)
	return b.String()
}
