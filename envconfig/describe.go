package envconfig

import (
	"reflect"
	"strings"
	"text/tabwriter"
)

// Source says where a variable's value came from.
type Source int

// The sources of a value, as reported by [Describe].
const (
	// SourceUnset: neither the environment nor a default gives a value.
	SourceUnset Source = iota
	// SourceDefault: the value is the field's envDefault.
	SourceDefault
	// SourceEnv: the value was read from the environment variable.
	SourceEnv
	// SourceFile: the value was read from the file named by the variable's _FILE twin.
	SourceFile
)

// String returns "unset", "default", "env" or "file".
func (s Source) String() string {
	switch s {
	case SourceDefault:
		return "default"
	case SourceEnv:
		return "env"
	case SourceFile:
		return "file"
	}
	return "unset"
}

// Variable describes one environment variable of a configuration type.
type Variable struct {
	// Name is the full variable name, prefix included.
	Name string
	// Field is the Go field path, e.g. "S3.Bucket".
	Field string
	// Type is a short type name: string, int, bool, duration, []string, secret, ….
	Type string
	// Default is the envDefault value ([Redacted] for a secret with a default).
	Default string
	// Required is true when the variable must be set.
	Required bool
	// Secret is true for [Secret] fields, which also accept a _FILE twin.
	Secret bool
	// Description is the field's `desc` tag.
	Description string
	// Source says where the value comes from in the environment Describe was given.
	Source Source
	// Value is the value that Load would parse ([Redacted] for a set secret, "" when unset).
	Value string
}

// Describe lists the variables of configuration type T in field order, each with where its value
// comes from in the environment (the process environment, or the one given by [WithEnvironment])
// and the value itself, secrets masked. Describe with the options given to [Load] tells where
// every value of the loaded configuration came from; with WithEnvironment(nil) it gives the
// static description used for documentation (see [Markdown]). Describe never fails on bad
// values: it reports them as found. A T that is not a struct has no variables.
func Describe[T any](opts ...Option) []Variable {
	c := newConfig(opts)
	t := reflect.TypeFor[T]()
	environ, fromFile, _ := resolveFiles(t, c.prefix, environment(c, false))
	fs := fields(t, c.prefix)
	out := make([]Variable, 0, len(fs))
	for _, f := range fs {
		v := Variable{
			Name:        f.name,
			Field:       f.path,
			Type:        typeName(f.typ),
			Default:     f.def,
			Required:    f.required,
			Secret:      f.secret,
			Description: f.description,
		}
		if raw, ok := environ[f.name]; ok && (raw != "" || !f.hasDef) {
			v.Source, v.Value = SourceEnv, raw
			if fromFile[f.name] {
				v.Source = SourceFile
			}
		} else if f.hasDef {
			v.Source, v.Value = SourceDefault, f.def
		}
		if f.secret {
			if v.Default != "" {
				v.Default = Redacted
			}
			if v.Value != "" {
				v.Value = Redacted
			}
		}
		out = append(out, v)
	}
	return out
}

// Markdown renders variables as a Markdown table (variable, type, default, required,
// description), the form used for README files. Secrets are noted as also accepting _FILE.
func Markdown(vars []Variable) string {
	var b strings.Builder
	b.WriteString("| Variable | Type | Default | Required | Description |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, v := range vars {
		desc := v.Description
		if v.Secret {
			if desc != "" && !strings.HasSuffix(desc, ".") {
				desc += "."
			}
			desc = strings.TrimSpace(desc + " Secret: never printed; `" + v.Name + FileSuffix + "` names a file holding it.")
		}
		def := ""
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		req := ""
		if v.Required {
			req = "yes"
		}
		b.WriteString("| `" + v.Name + "` | " + v.Type + " | " + mdEscape(def) + " | " + req + " | " + mdEscape(desc) + " |\n")
	}
	return b.String()
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// Text renders variables as an aligned plain-text table (variable, value, source) for printing a
// loaded configuration at start-up. Secrets show [Redacted].
func Text(vars []Variable) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	_, _ = w.Write([]byte("VARIABLE\tVALUE\tSOURCE\n"))
	for _, v := range vars {
		_, _ = w.Write([]byte(v.Name + "\t" + v.Value + "\t" + v.Source.String() + "\n"))
	}
	_ = w.Flush()
	return b.String()
}
