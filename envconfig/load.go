package envconfig

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/caarlos0/env/v11"
)

// FileSuffix is appended to a secret variable's name to name its file twin: for a secret
// PASSWORD, PASSWORD_FILE=/run/secrets/password fills it from that file (the Docker and
// Kubernetes secrets convention). A trailing newline in the file is trimmed.
const FileSuffix = "_FILE"

// Validator is implemented by configuration types that check themselves once loaded (ranges,
// combinations of fields). [Load] calls Validate on a pointer to the loaded value and returns its
// error inside an [*Error]. Validate must not quote a [Secret]'s value in its error.
type Validator interface {
	Validate() error
}

// Load reads a T from the environment. T is a struct whose fields carry caarlos0/env tags:
//
//	type Config struct {
//		Port     int           `env:"PORT" envDefault:"8080" desc:"port to listen on"`
//		Timeout  time.Duration `env:"TIMEOUT" envDefault:"5s" desc:"request timeout"`
//		Password Secret        `env:"PASSWORD,required" desc:"database password"`
//		S3       S3Config      `envPrefix:"S3_"`
//	}
//
// Every [Secret] field PASSWORD may instead be given as PASSWORD_FILE, naming a file that holds
// it; setting both is an error. When variables are missing or invalid, or when T's [Validator]
// fails, Load returns the zero T and an [*Error] that names every bad variable, each a
// [*VarError], and never quotes a value. Load reads the process environment unless
// [WithEnvironment] is given; it does not modify it. With [WithFile], the file's values lie
// beneath the environment's: defaults < file < environment.
func Load[T any](opts ...Option) (T, error) {
	return load[T](newConfig(opts))
}

func load[T any](c config) (T, error) {
	var zero T
	t := reflect.TypeFor[T]()
	ls := gather(t, c)
	problems := ls.problems

	var cfg T
	err := env.ParseWithOptions(&cfg, env.Options{Environment: ls.environ, Prefix: c.prefix})
	if err != nil {
		problems = append(problems, ls.locate(translate(err, t, c.prefix, ls.environ))...)
	}
	if ls.hasMaps {
		problems = append(problems, ls.fillMaps(reflect.ValueOf(&cfg).Elem(), cachedSchema(t, c.prefix).mapList)...)
	}
	if len(problems) == 0 {
		if v, ok := any(&cfg).(Validator); ok {
			if err := v.Validate(); err != nil {
				problems = append(problems, err)
			}
		}
	}
	if err := Join(problems...); err != nil {
		return zero, err
	}
	return cfg, nil
}

// layers is what Load parses: the configuration file's variables beneath the environment's,
// secrets' _FILE twins read.
type layers struct {
	environ  map[string]string // what is parsed
	env      map[string]string // the environment alone
	file     *fileLayer        // nil without WithFile
	fromFile map[string]bool   // names filled from _FILE twins
	hasMaps  bool              // t has map-of-struct fields
	problems []error
}

// gather reads the layers of configuration for type t.
func gather(t reflect.Type, c config) *layers {
	ls := &layers{env: environment(c, false)}
	ls.environ = ls.env
	ls.hasMaps = len(cachedSchema(t, c.prefix).mapList) > 0
	if c.file != "" {
		ls.file = readFileLayer(t, c.prefix, c.file, len(ls.env))
		ls.problems = append(ls.problems, ls.file.problems...)
		if len(ls.file.values) > 0 {
			ls.environ = ls.merge()
		}
	}
	environ, fromFile, problems := resolveFiles(cachedSchema(t, c.prefix).secrets, ls.environ)
	ls.environ, ls.fromFile = environ, fromFile
	ls.problems = append(ls.problems, ls.locate(problems)...)
	return ls
}

// merge returns the file's variables overlaid with the environment's. A variable set to ""
// in the environment leaves the file's value, as it leaves a default. A secret set one way in
// the environment (FOO or FOO_FILE) replaces the file's setting of it made the other way.
func (ls *layers) merge() map[string]string {
	fl := ls.file
	// The file's map is this load's own: the environment is laid over it in place, once the
	// secrets it sets are settled.
	merged := fl.values
	for name := range fl.secrets {
		twin := name + FileSuffix
		envName, envTwin := ls.env[name] != "", ls.env[twin] != ""
		switch {
		case envName && !envTwin:
			delete(merged, twin)
		case envTwin && !envName:
			delete(merged, name)
		}
	}
	for k, v := range ls.env {
		if v == "" {
			if _, ok := merged[k]; ok {
				continue
			}
		}
		merged[k] = v
	}
	fl.values = nil // now holds the environment too
	return merged
}

// overridden reports whether the environment sets name, hiding the file's value.
func (ls *layers) overridden(name string) bool { return ls.env[name] != "" }

// locate adds the file, line and key path to the errors about variables whose value the file
// gives.
func (ls *layers) locate(errs []error) []error {
	if ls.file == nil || len(errs) == 0 {
		return errs
	}
	for _, err := range errs {
		ve, ok := err.(*VarError)
		if !ok || ve.File != "" {
			continue
		}
		if loc, ok := ls.file.originOf(ve.Var); ok && !ls.overridden(ve.Var) {
			ve.File, ve.Line, ve.Key = ls.file.path, loc.line, loc.path()
		}
	}
	return errs
}

// fillMaps fills v's map-of-struct fields, maps, from their sections: those of the file, and
// those the environment names.
func (ls *layers) fillMaps(v reflect.Value, maps []mapField) []error {
	var problems []error
	for _, m := range maps {
		target, err := v.FieldByIndexErr(m.index)
		if err != nil {
			continue
		}
		for _, sec := range ls.sectionsOf(m) {
			sub := m.prefix + sectionName(sec) + "_"
			environ, _, twinProblems := resolveFiles(secretFields(fields(m.elem, sub)), ls.environ)
			problems = append(problems, ls.locate(twinProblems)...)
			elem := reflect.New(m.elem)
			if err := env.ParseWithOptions(elem.Interface(), env.Options{Environment: environ, Prefix: sub}); err != nil {
				problems = append(problems, ls.locate(translate(err, m.elem, sub, environ))...)
			}
			problems = append(problems, ls.fillMaps(elem.Elem(), mapFields(m.elem, sub))...)
			if target.IsNil() {
				target.Set(reflect.MakeMap(target.Type()))
			}
			target.SetMapIndex(reflect.ValueOf(sec).Convert(target.Type().Key()), elem.Elem())
		}
	}
	return problems
}

// sectionsOf lists the section keys of map field m: the file's as written, then those only the
// environment names (a variable of m's prefix ending with one of the element type's variable
// names), lower-cased.
func (ls *layers) sectionsOf(m mapField) []string {
	var out []string
	known := map[string]bool{}
	if ls.file != nil {
		for _, sec := range ls.file.sections[m.prefix] {
			out = append(out, sec)
			known[sectionName(sec)] = true
		}
	}
	elemFields := fields(m.elem, "")
	var extra []string
	for k, v := range ls.env {
		if v == "" || !strings.HasPrefix(k, m.prefix) {
			continue
		}
		rest := k[len(m.prefix):]
		for _, f := range elemFields {
			for _, name := range []string{f.name, f.name + FileSuffix} {
				if len(rest) > len(name)+1 && strings.HasSuffix(rest, "_"+name) {
					sec := rest[:len(rest)-len(name)-1]
					if !known[sec] {
						known[sec] = true
						extra = append(extra, sec)
					}
				}
			}
		}
	}
	sort.Strings(extra)
	for _, sec := range extra {
		out = append(out, strings.ToLower(sec))
	}
	return out
}

// resolveFiles fills secret variables from their _FILE twins. It returns the environment to parse
// (a copy when anything was read, so the caller's map is never modified), the names filled from
// files, and the problems found. It looks up the twins of secrets only: a type without secrets
// costs nothing.
func resolveFiles(secrets []*field, environ map[string]string) (map[string]string, map[string]bool, []error) {
	var (
		out      = environ
		fromFile map[string]bool
		problems []error
	)
	for _, f := range secrets {
		path := environ[f.name+FileSuffix]
		if path == "" {
			continue
		}
		if environ[f.name] != "" {
			problems = append(problems, &VarError{Var: f.name, Field: f.path, Kind: ErrConflict,
				Expected: "set either " + f.name + " or " + f.name + FileSuffix + ", not both"})
			continue
		}
		b, err := readSecretFile(path)
		if err != nil {
			problems = append(problems, &VarError{Var: f.name + FileSuffix, Field: f.path, Kind: ErrFile,
				Expected: describeFileError(err)})
			continue
		}
		if fromFile == nil {
			out = make(map[string]string, len(environ))
			for k, v := range environ {
				out[k] = v
			}
			fromFile = map[string]bool{}
		}
		out[f.name] = strings.TrimRight(string(b), "\r\n")
		fromFile[f.name] = true
	}
	return out, fromFile, problems
}

// MaxSecretFileSize bounds what is read from a _FILE twin, so that a mistaken path (a log
// file, /dev/zero) cannot exhaust memory.
const MaxSecretFileSize = 64 << 10

var errTooLarge = errors.New("file larger than 64 KiB")

func readSecretFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSecretFileSize {
		return nil, errTooLarge
	}
	return b, nil
}

// describeFileError says why a file could not be read without naming the file: its path is a
// variable's value.
func describeFileError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "the file it names does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied on the file it names"
	case errors.Is(err, errTooLarge):
		return "the file it names is larger than 64 KiB"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return "the file it names: " + pe.Err.Error()
	}
	return "the file it names cannot be read"
}

// translate turns caarlos0/env's errors, some of which quote the raw value, into VarErrors that
// name the variable and what was expected. ParseError carries a Go field name rather than a
// variable; since caarlos0/env reports errors in field order, each is matched with the next
// variable of that field name and type.
func translate(err error, t reflect.Type, prefix string, environ map[string]string) []error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return []error{errors.New("envconfig: cannot load configuration")}
	}
	vars := fields(t, prefix)
	byName := make(map[string]field, len(vars))
	for _, f := range vars {
		byName[f.name] = f
	}
	next := 0
	out := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		switch e := e.(type) {
		case env.ParseError:
			ve := &VarError{Var: e.Name, Field: e.Name, Kind: ErrInvalid, Expected: "want " + expected(e.Type)}
			if i := matchParseError(e, vars, next, environ); i >= 0 {
				ve.Var, ve.Field = vars[i].name, vars[i].path
				next = i + 1
				ve.Expected += detail(e, environ, vars[i])
			}
			out = append(out, ve)
		case env.VarIsNotSetError:
			hint := "set " + e.Key
			if byName[e.Key].secret {
				hint += " or " + e.Key + FileSuffix
			}
			out = append(out, &VarError{Var: e.Key, Field: byName[e.Key].path, Kind: ErrNotSet, Expected: hint})
		case env.EmptyVarError:
			out = append(out, &VarError{Var: e.Key, Field: byName[e.Key].path, Kind: ErrEmpty, Expected: "give it a value"})
		case env.LoadFileContentError:
			out = append(out, &VarError{Var: e.Key, Field: byName[e.Key].path, Kind: ErrFile, Expected: describeFileError(e.Err)})
		case env.NoParserError, env.NoSupportedTagOptionError, env.NotStructPtrError:
			// Programming errors in the configuration type: they name fields and tags only.
			out = append(out, e)
		default:
			out = append(out, errors.New("envconfig: invalid configuration"))
		}
	}
	return out
}

// matchParseError returns the index of the variable, from next on, that e is about: one of
// e's field name and type whose value (or an item of it) the parser's message quotes, or else
// the first of that name and type (fields of the same name in nested structs are otherwise
// told apart only by order). -1 when none matches.
func matchParseError(e env.ParseError, vars []field, next int, environ map[string]string) int {
	first := -1
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	}
	for i := next; i < len(vars); i++ {
		if vars[i].typ != e.Type || lastSegment(vars[i].path) != e.Name {
			continue
		}
		if first < 0 {
			first = i
		}
		raw, ok := environ[vars[i].name]
		if !ok || raw == "" || msg == "" {
			continue
		}
		if strings.Contains(msg, strconv.Quote(raw)) {
			return i
		}
		if sep := vars[i].sep; sep != "" && strings.Contains(raw, sep) {
			for _, item := range strings.Split(raw, sep) {
				if item != "" && strings.Contains(msg, strconv.Quote(item)) {
					return i
				}
			}
		}
	}
	return first
}

// detail adds the message of a user type's UnmarshalText error, which usually says what is
// accepted, unless it quotes the value.
func detail(e env.ParseError, environ map[string]string, f field) string {
	if !reflect.PointerTo(f.typ).Implements(textUnmarshalerType) || e.Err == nil {
		return ""
	}
	raw, ok := environ[f.name]
	if !ok || raw == "" {
		raw = f.def
	}
	msg := e.Err.Error()
	// The value may be quoted with %q, which escapes it: look for that form too.
	escaped := strconv.Quote(raw)
	if raw == "" || strings.Contains(msg, raw) || strings.Contains(msg, escaped[1:len(escaped)-1]) {
		return ""
	}
	return " (" + msg + ")"
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}
