package envconfig

import (
	"reflect"
	"strconv"
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
	// SourceConfigFile: the value was read from the configuration file of [WithFile], at the
	// [Variable]'s Key and Line.
	SourceConfigFile
	// SourceEnvOverConfigFile: the configuration file sets the value (at Key and Line) and the
	// environment variable overrides it.
	SourceEnvOverConfigFile
)

// String returns "unset", "default", "env", "file", "config-file" or "env+config-file".
func (s Source) String() string {
	switch s {
	case SourceDefault:
		return "default"
	case SourceEnv:
		return "env"
	case SourceFile:
		return "file"
	case SourceConfigFile:
		return "config-file"
	case SourceEnvOverConfigFile:
		return "env+config-file"
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
	// Key is the key path that sets the value in the configuration file, as written (e.g.
	// "training.lr"); empty when the file does not set it.
	Key string
	// File and Line locate Key: the path given to [WithFile] and the key's line.
	File string
	// Line is Key's line in File.
	Line int
}

// Location says where the value comes from for a person: the variable, "config.yaml:12", or
// "APP_LR over config.yaml:12", the source's name otherwise.
func (v Variable) Location() string {
	switch v.Source {
	case SourceEnv:
		return v.Name
	case SourceFile:
		return v.Name + FileSuffix
	case SourceConfigFile:
		return v.File + ":" + strconv.Itoa(v.Line)
	case SourceEnvOverConfigFile:
		return v.Name + " over " + v.File + ":" + strconv.Itoa(v.Line)
	}
	return v.Source.String()
}

// Describe lists the variables of configuration type T in field order, each with where its value
// comes from in the environment (the process environment, or the one given by [WithEnvironment])
// and the value itself, secrets masked. Describe with the options given to [Load] tells where
// every value of the loaded configuration came from; with WithEnvironment(nil) it gives the
// static description used for documentation (see [Markdown]). With [WithFile], a value the file
// gives has source [SourceConfigFile] (or [SourceEnvOverConfigFile]) and its key and line, and
// the sections of map-of-struct fields are listed after the other variables. Describe never
// fails on bad values or a bad file: it reports what it finds. A T that is not a struct has no
// variables.
func Describe[T any](opts ...Option) []Variable {
	c := newConfig(opts)
	t := reflect.TypeFor[T]()
	ls := gather(t, c)
	out := ls.describe(nil, fields(t, c.prefix), "")
	return ls.describeMaps(out, t, c.prefix, "")
}

// describe appends the variables fs to out, their Field prefixed with fieldPrefix.
func (ls *layers) describe(out []Variable, fs []field, fieldPrefix string) []Variable {
	for _, f := range fs {
		v := Variable{
			Name:        f.name,
			Field:       fieldPrefix + f.path,
			Type:        typeName(f.typ),
			Default:     f.def,
			Required:    f.required,
			Secret:      f.secret,
			Description: f.description,
		}
		var loc location
		fileSets := false
		if ls.file != nil {
			loc, fileSets = ls.file.originOf(f.name)
			if !fileSets && f.secret {
				loc, fileSets = ls.file.originOf(f.name + FileSuffix)
			}
		}
		if raw, ok := ls.environ[f.name]; ok && (raw != "" || !f.hasDef) {
			v.Source, v.Value = SourceEnv, raw
			if fileSets {
				v.Source = SourceConfigFile
				if ls.overridden(f.name) || ls.overridden(f.name+FileSuffix) {
					v.Source = SourceEnvOverConfigFile
				}
			}
			if ls.fromFile[f.name] && !fileSets {
				v.Source = SourceFile
			}
		} else if f.hasDef {
			v.Source, v.Value = SourceDefault, f.def
		}
		if fileSets {
			v.Key, v.File, v.Line = loc.path(), ls.file.path, loc.line
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

// describeMaps appends the variables of the sections of t's map-of-struct fields.
func (ls *layers) describeMaps(out []Variable, t reflect.Type, prefix, fieldPrefix string) []Variable {
	for _, m := range mapFields(t, prefix) {
		for _, sec := range ls.sectionsOf(m) {
			sub := m.prefix + sectionName(sec) + "_"
			fp := fieldPrefix + m.path + "[" + strconv.Quote(sec) + "]."
			out = ls.describe(out, fields(m.elem, sub), fp)
			out = ls.describeMaps(out, m.elem, sub, fp)
		}
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
		src := v.Source.String()
		if v.File != "" && (v.Source == SourceConfigFile || v.Source == SourceEnvOverConfigFile) {
			src += " (" + v.File + ":" + strconv.Itoa(v.Line) + ")"
		}
		_, _ = w.Write([]byte(v.Name + "\t" + v.Value + "\t" + src + "\n"))
	}
	_ = w.Flush()
	return b.String()
}
