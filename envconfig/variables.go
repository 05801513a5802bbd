package envconfig

import (
	"encoding"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// field is one environment variable of a configuration type, found by walking its struct tags
// with the same rules as caarlos0/env: `env:"NAME,opts"`, `envDefault`, `envPrefix` on nested
// structs, `envSeparator` on slices; plus obskit's `desc` tag.
type field struct {
	name        string // full variable name, prefix included
	path        string // Go field path, e.g. "S3.Bucket"
	typ         reflect.Type
	def         string
	hasDef      bool
	required    bool
	notEmpty    bool
	fromFile    bool // the `file` tag option: the variable names a file to read
	secret      bool
	description string
	sep         string // envSeparator, for slices and maps
	kvSep       string // envKeyValSeparator, for maps
}

var (
	secretType          = reflect.TypeFor[Secret]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	urlType             = reflect.TypeFor[url.URL]()
	locationType        = reflect.TypeFor[time.Location]()
)

// Names returns the names of the variables that [Load] reads for T with opts, prefix included,
// in field order; a [Secret]'s is followed by its _FILE twin. A program tells with it the
// variables it reads from others of the same family, to warn about a misspelt one. A T that is
// not a struct has none.
func Names[T any](opts ...Option) []string {
	fs := fields(reflect.TypeFor[T](), newConfig(opts).prefix)
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.name)
		if f.secret {
			out = append(out, f.name+FileSuffix)
		}
	}
	return out
}

// fields lists the variables of struct type t in declaration order, which is the order in which
// caarlos0/env visits (and reports errors for) them.
func fields(t reflect.Type, prefix string) []field {
	out := make([]field, 0, countFields(t))
	walk(t, prefix, "", &out)
	return out
}

// countFields is len(fields(t, …)), counted without building them.
func countFields(t reflect.Type) int {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return 0
	}
	n := 0
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		key, _, _ := strings.Cut(sf.Tag.Get("env"), ",")
		switch {
		case key == "-":
		case key != "":
			n++
		case isNested(sf.Type):
			n += countFields(sf.Type)
		}
	}
	return n
}

func walk(t reflect.Type, prefix, path string, out *[]field) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		key, tagOpts, _ := strings.Cut(sf.Tag.Get("env"), ",")
		if key == "-" {
			continue
		}
		fpath := sf.Name
		if path != "" {
			fpath = path + "." + sf.Name
		}
		ft := sf.Type
		if key == "" {
			if isNested(ft) {
				walk(ft, prefix+sf.Tag.Get("envPrefix"), fpath, out)
			}
			continue
		}
		f := field{
			name:        prefix + key,
			path:        fpath,
			typ:         ft,
			description: sf.Tag.Get("desc"),
		}
		f.def, f.hasDef = sf.Tag.Lookup("envDefault")
		f.sep, f.kvSep = ",", ":"
		if s, ok := sf.Tag.Lookup("envSeparator"); ok && s != "" {
			f.sep = s
		}
		if s, ok := sf.Tag.Lookup("envKeyValSeparator"); ok && s != "" {
			f.kvSep = s
		}
		for rest := tagOpts; rest != ""; {
			var o string
			o, rest, _ = strings.Cut(rest, ",")
			switch o {
			case "required":
				f.required = true
			case "notEmpty":
				f.notEmpty = true
			case "file":
				f.fromFile = true
			}
		}
		base := ft
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		f.secret = base == secretType
		*out = append(*out, f)
	}
}

// isNested reports whether a field without its own variable name is a struct whose fields are
// variables of their own (as opposed to a value parsed from one variable, like url.URL).
func isNested(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == secretType || t == urlType || t == locationType {
		return false
	}
	return !reflect.PointerTo(t).Implements(textUnmarshalerType)
}

// typeName is the short type shown by Describe: "string", "int", "duration", "[]string", "secret".
func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case secretType:
		return "secret"
	case reflect.TypeFor[time.Duration]():
		return "duration"
	case urlType:
		return "url"
	case locationType:
		return "location"
	}
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + typeName(t.Elem())
	case reflect.Map:
		return "map[" + typeName(t.Key()) + "]" + typeName(t.Elem())
	}
	if t.PkgPath() != "" && reflect.PointerTo(t).Implements(textUnmarshalerType) {
		// A type that parses itself (a level, a duration in two notations): its own name.
		return strings.ToLower(t.Name())
	}
	if t.PkgPath() != "" && t.Kind() != reflect.Struct {
		// A named type over a basic kind (an enum): show both.
		return t.Name() + " (" + t.Kind().String() + ")"
	}
	return t.Kind().String()
}

// expected says, for an error message, what a valid value of type t looks like.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeFor[time.Duration]():
		return "a duration such as 500ms, 30s or 5m"
	case urlType:
		return "a URL"
	case locationType:
		return "a time zone name such as UTC or Europe/Paris"
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "a valid " + t.Name()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean (true, false, 1 or 0)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer that fits in " + t.Kind().String()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer that fits in " + t.Kind().String()
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a comma-separated list of " + plural(expected(t.Elem()))
	case reflect.Map:
		return "comma-separated key:value pairs"
	}
	return "a valid " + typeName(t)
}

func plural(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "an "), "a ")
	return "items, each " + articled(s)
}

func articled(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + s
	}
	return "a " + s
}
