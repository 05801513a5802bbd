package envconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// MaxConfigFileSize bounds what is read from the file named by [WithFile], so that a mistaken
// path cannot exhaust memory.
const MaxConfigFileSize = 16 << 20

// WithFile makes [Load], [Describe] and [Watch] read a configuration file beneath the
// environment: struct defaults < file < environment. The format follows the extension: .yaml
// or .yml for YAML, .json for JSON. A key path names the variable made of the prefix, then the
// path's segments joined with "_", upper-cased: with WithPrefix("APP_"), both s3.part_size and
// s3.part.size set APP_S3_PART_SIZE, so the same struct tags serve both sources. A key that
// names no setting is an error. The file must exist and be readable. Default (or ""): no file.
func WithFile(path string) Option {
	return optionFunc(func(c config) config { c.file = path; return c })
}

// ErrUnknownKey is the kind of a [*VarError] for a key of the configuration file that names no
// setting (test with errors.Is).
var ErrUnknownKey = errors.New("names no setting")

// fileLayer is what the configuration file gives: the variables it sets, where each was set,
// and the sections of map-typed fields.
type fileLayer struct {
	path     string
	values   map[string]string   // variable name → value, as the environment would give it
	sections map[string][]string // a map field's full prefix → its section keys, as written
	secrets  map[string]bool     // secrets the file sets, by name or by _FILE twin
	problems []error

	// Where each variable is set is found again, from the parsed tree, only when asked for (an
	// error to locate, Describe): a load that succeeds does not pay for it.
	root   *yaml.Node
	schema *schema
	prefix string
	origin map[string]location // variable name → where the file sets it; nil until asked for
	dups   bool                // a variable is set twice: the second pass reports where
}

// originOf returns where the file sets variable name.
func (l *fileLayer) originOf(name string) (location, bool) {
	if l.origin == nil {
		l.locateAll()
	}
	loc, ok := l.origin[name]
	return loc, ok
}

// locateAll walks the parsed tree again, recording where each variable is set, and returns the
// problems of that walk.
func (l *fileLayer) locateAll() []error {
	scratch := &fileLayer{path: l.path}
	if l.root == nil {
		l.origin = map[string]location{}
		return nil
	}
	n := len(l.schema.leaves)
	scratch.values, scratch.origin = make(map[string]string, n), make(map[string]location, n)
	f := flattener{layer: scratch, budget: maxNodes, buf: make([]byte, 0, 64), record: true}
	f.mapping(l.schema, l.root, "", l.prefix, "")
	l.origin = scratch.origin
	return scratch.problems
}

// location is where the file sets a variable.
type location struct {
	parent string // key path of the enclosing mapping, as written; "" at the top
	key    string // the key itself
	line   int
}

// path returns the key path as written, e.g. "training.lr".
func (l location) path() string {
	if l.parent == "" {
		return l.key
	}
	return l.parent + "." + l.key
}

// mapField is a field of type map[string]S (S a struct) tagged envPrefix and no env: each key
// of its mapping in the file (or each section found in the environment) is an S read with the
// prefix extended by the section name.
type mapField struct {
	prefix string // full prefix, ending with "_"
	path   string // Go field path
	index  []int
	elem   reflect.Type
}

// schema indexes a configuration type's variables for matching file keys. It is read-only once
// made, and shared.
type schema struct {
	prefix   string
	leaves   map[string]*field   // variable name (and a secret's _FILE twin) → field
	sections map[string]struct{} // names that are a proper prefix, at a "_", of a variable
	maps     map[string]*mapField
	mapList  []mapField // the map-of-struct fields, in declaration order
	secrets  []*field   // the Secret fields, in declaration order
}

// secretFields returns the Secret fields of fs.
func secretFields(fs []field) []*field {
	var out []*field
	for i := range fs {
		if fs[i].secret {
			out = append(out, &fs[i])
		}
	}
	return out
}

// schemaKey identifies a schema: a configuration type read with a prefix.
type schemaKey struct {
	t      reflect.Type
	prefix string
}

// schemas caches the schema of each configuration type and prefix given to Load, Describe and
// Watch (a program has a handful), as encoding/json caches its view of a type: building one
// walks every field, which would cost a reload of a large file a sixth of its time. Sections of
// map-of-struct fields, whose names come from the file, are not cached.
var schemas sync.Map // schemaKey → *schema

func cachedSchema(t reflect.Type, prefix string) *schema {
	k := schemaKey{t, prefix}
	if s, ok := schemas.Load(k); ok {
		return s.(*schema)
	}
	s, _ := schemas.LoadOrStore(k, newSchema(t, prefix))
	return s.(*schema)
}

func newSchema(t reflect.Type, prefix string) *schema {
	fs := fields(t, prefix)
	s := &schema{
		prefix:   prefix,
		leaves:   make(map[string]*field, len(fs)+4),
		sections: make(map[string]struct{}),
	}
	addSections := func(name string) {
		for i := len(prefix); i < len(name); i++ {
			if name[i] == '_' && i > len(prefix) {
				s.sections[name[:i]] = struct{}{}
			}
		}
	}
	for i := range fs {
		f := &fs[i]
		s.leaves[f.name] = f
		addSections(f.name)
		if f.secret {
			s.leaves[f.name+FileSuffix] = f
		}
	}
	s.secrets = secretFields(fs)
	s.mapList = mapFields(t, prefix)
	for i := range s.mapList {
		m := &s.mapList[i]
		if s.maps == nil {
			s.maps = map[string]*mapField{}
		}
		s.maps[strings.TrimSuffix(m.prefix, "_")] = m
		addSections(m.prefix + "X")
	}
	return s
}

// readFileLayer reads and flattens the configuration file for type t; extra is the number of
// environment variables that will be laid over its values.
func readFileLayer(t reflect.Type, prefix, path string, extra int) *fileLayer {
	l := &fileLayer{path: path}
	b, err := readConfigFile(path)
	if err != nil {
		l.problems = append(l.problems, &VarError{File: path, Kind: ErrFile, Expected: describeConfigFileError(err)})
		return l
	}
	parseFileLayer(l, t, prefix, b, extra)
	return l
}

func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxConfigFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxConfigFileSize {
		return nil, errConfigTooLarge
	}
	return b, nil
}

var errConfigTooLarge = errors.New("larger than 16 MiB")

func describeConfigFileError(err error) string {
	if errors.Is(err, errConfigTooLarge) {
		return "larger than 16 MiB"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return ""
}

// parseFileLayer parses b as the file l.path names and flattens it into l.
func parseFileLayer(l *fileLayer, t reflect.Type, prefix string, b []byte, extra int) {
	format := "YAML"
	switch strings.ToLower(filepath.Ext(l.path)) {
	case ".yaml", ".yml":
	case ".json":
		format = "JSON"
		if !json.Valid(b) {
			l.problems = append(l.problems, jsonSyntaxError(l.path, b))
			return
		}
	default:
		l.problems = append(l.problems, &VarError{File: l.path, Kind: ErrInvalid,
			Expected: "want a file named .yaml, .yml or .json"})
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		l.problems = append(l.problems, yamlSyntaxError(l.path, format, err))
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // an empty file sets nothing
	}
	root := doc.Content[0]
	s := cachedSchema(t, prefix)
	l.values = make(map[string]string, len(s.leaves)+extra)
	f := flattener{layer: l, budget: maxNodes, buf: make([]byte, 0, 64)}
	root = f.resolve(root)
	if root == nil {
		return
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return
	}
	if root.Kind != yaml.MappingNode {
		l.problems = append(l.problems, &VarError{File: l.path, Line: root.Line, Kind: ErrInvalid,
			Expected: "want a mapping of keys at the top of the file"})
		return
	}
	l.root, l.schema, l.prefix = root, s, prefix
	f.mapping(s, root, "", prefix, "")
	if l.dups {
		for _, err := range l.locateAll() {
			if errors.Is(err, ErrConflict) {
				l.problems = append(l.problems, err)
			}
		}
	}
}

// maxNodes bounds the nodes visited while flattening, aliases followed, so that an alias bomb
// (a few lines that expand to billions of nodes) is refused quickly.
const maxNodes = 1 << 20

type flattener struct {
	layer   *fileLayer
	budget  int
	buf     []byte
	record  bool // record where each variable is set, in layer.origin
	stopped bool // too many problems: the rest of the file is not read
}

// resolve follows aliases, charging the budget; nil when it is spent or the file is given up.
func (f *flattener) resolve(n *yaml.Node) *yaml.Node {
	if f.stopped {
		return nil
	}
	for depth := 0; n != nil && n.Kind == yaml.AliasNode; depth++ {
		if depth > 64 {
			return nil
		}
		n = n.Alias
	}
	f.budget--
	if f.budget < 0 {
		if f.budget == -1 {
			f.layer.problems = append(f.layer.problems, &VarError{File: f.layer.path, Kind: ErrInvalid,
				Expected: "too many nodes once aliases are expanded"})
		}
		return nil
	}
	return n
}

// maxFileProblems bounds the problems reported for one file: past it, the file is not read
// further (a key repeated a million times through aliases is reported once, quickly).
const maxFileProblems = 100

func (f *flattener) problem(line int, key string, kind error, expected string) {
	if f.stopped {
		return
	}
	if len(f.layer.problems) >= maxFileProblems {
		f.stopped = true
		f.layer.problems = append(f.layer.problems, &VarError{File: f.layer.path, Kind: ErrInvalid,
			Expected: "more than " + strconv.Itoa(maxFileProblems) + " problems; the rest of the file was not read"})
		return
	}
	f.layer.problems = append(f.layer.problems, &VarError{File: f.layer.path, Line: line, Key: key, Kind: kind, Expected: expected})
}

// mapping flattens the mapping node n found at key path keyPath (as written), whose keys
// extend the variable name name ("" at the top, where the prefix alone applies).
func (f *flattener) mapping(s *schema, n *yaml.Node, keyPath, prefix, name string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := f.resolve(n.Content[i]), f.resolve(n.Content[i+1])
		if kn == nil || vn == nil {
			return
		}
		if kn.Kind != yaml.ScalarNode {
			f.problem(kn.Line, keyPath, ErrInvalid, "want a scalar key")
			continue
		}
		if kn.Value == "<<" && kn.Tag == "!!merge" {
			f.merge(s, vn, keyPath, prefix, name)
			continue
		}
		key := kn.Value
		loc := location{parent: keyPath, key: key, line: kn.Line}
		// The candidate variable name: name_KEY, or prefix+KEY at the top, upper-cased, a dot
		// in the key read as "_" (s3.part: {size} is s3: {part: {size}}). Built in a reused
		// buffer: map lookups with string(buf) do not allocate.
		if name != "" {
			f.buf = append(append(f.buf[:0], name...), '_')
		} else {
			f.buf = append(f.buf[:0], prefix...)
		}
		for i := 0; i < len(key); i++ {
			c := key[i]
			switch {
			case c >= 'a' && c <= 'z':
				c -= 'a' - 'A'
			case c == '.':
				c = '_'
			}
			f.buf = append(f.buf, c)
		}
		leaf, isLeaf := s.leaves[string(f.buf)]
		if isLeaf && vn.Kind == yaml.ScalarNode && vn.Tag == "!!null" {
			continue // key: with no value sets nothing
		}
		_, isSection := s.sections[string(f.buf)]
		if m, ok := s.maps[string(f.buf)]; ok && vn.Kind == yaml.MappingNode {
			f.mapSections(m, vn, loc.path())
			continue
		}
		switch {
		case isLeaf && (vn.Kind != yaml.MappingNode || !isSection || leaf.typ.Kind() == reflect.Map):
			name := leaf.name
			if len(f.buf) != len(name) {
				name += FileSuffix // a secret's _FILE twin
			}
			f.leaf(leaf, name, vn, loc)
		case isSection && vn.Kind == yaml.MappingNode:
			f.mapping(s, vn, loc.path(), prefix, string(f.buf))
		case isSection && vn.Tag == "!!null":
			// An empty section sets nothing.
		case isSection:
			f.problem(vn.Line, loc.path(), ErrInvalid, "want a mapping (a section of settings)")
		default:
			f.problem(kn.Line, loc.path(), ErrUnknownKey, suggest(s, name, prefix, keyPath, key))
		}
	}
}

// merge applies a YAML merge key (<<: *anchor, or a list of them) at the current level.
func (f *flattener) merge(s *schema, vn *yaml.Node, keyPath, prefix, name string) {
	switch vn.Kind {
	case yaml.MappingNode:
		f.mapping(s, vn, keyPath, prefix, name)
	case yaml.SequenceNode:
		for _, item := range vn.Content {
			if item = f.resolve(item); item != nil && item.Kind == yaml.MappingNode {
				f.mapping(s, item, keyPath, prefix, name)
			}
		}
	default:
		f.problem(vn.Line, keyPath, ErrInvalid, "want a mapping to merge")
	}
}

// mapSections flattens the sections of a map-of-struct field: each key is a section whose
// settings are the element type's.
func (f *flattener) mapSections(m *mapField, n *yaml.Node, keyPath string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := f.resolve(n.Content[i]), f.resolve(n.Content[i+1])
		if kn == nil || vn == nil {
			return
		}
		path := keyPath + "." + kn.Value
		if kn.Kind != yaml.ScalarNode || sectionName(kn.Value) == "" {
			f.problem(kn.Line, keyPath, ErrInvalid, "want section names made of letters, digits, '_', '-' or '.'")
			continue
		}
		if vn.Tag == "!!null" {
			vn = &yaml.Node{Kind: yaml.MappingNode, Line: vn.Line}
		}
		if vn.Kind != yaml.MappingNode {
			f.problem(vn.Line, path, ErrInvalid, "want a mapping (a section of settings)")
			continue
		}
		sub := m.prefix + sectionName(kn.Value) + "_"
		if f.layer.sections == nil {
			f.layer.sections = map[string][]string{}
		}
		f.layer.sections[m.prefix] = append(f.layer.sections[m.prefix], kn.Value)
		f.mapping(newSchema(m.elem, sub), vn, path, sub, "")
	}
}

// sectionName is the variable-name form of a section key: upper-cased, '-' and '.' as '_'; ""
// when the key holds anything else.
func sectionName(key string) string {
	if key == "" {
		return ""
	}
	b := make([]byte, len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case c == '-' || c == '.':
			c = '_'
		default:
			return ""
		}
		b[i] = c
	}
	return string(b)
}

// leaf records the value node vn for variable name, checking its shape against the field.
func (f *flattener) leaf(fd *field, name string, vn *yaml.Node, loc location) {
	l := f.layer
	if _, dup := l.values[name]; dup {
		if !f.record {
			l.dups = true // reported, with both places, by the pass that records them
			return
		}
		prev := l.origin[name]
		f.problem(loc.line, loc.path(), ErrConflict, "also set at line "+strconv.Itoa(prev.line)+" (as "+prev.path()+")")
		return
	}
	isTwin := name != fd.name
	base := fd.typ
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	var value string
	switch vn.Kind {
	case yaml.ScalarNode:
		value = vn.Value
	case yaml.SequenceNode:
		if isTwin || base.Kind() != reflect.Slice {
			f.problem(vn.Line, loc.path(), ErrInvalid, "want "+leafExpected(fd, isTwin)+", not a list")
			return
		}
		sep := fd.sep
		items := make([]string, 0, len(vn.Content))
		for _, item := range vn.Content {
			item = f.resolve(item)
			if item == nil {
				return
			}
			if item.Kind != yaml.ScalarNode {
				f.problem(item.Line, loc.path(), ErrInvalid, "want a list of "+plural(expected(base.Elem())))
				return
			}
			if strings.Contains(item.Value, sep) {
				f.problem(item.Line, loc.path(), ErrInvalid, "want list items without "+strconv.Quote(sep)+", the list's separator")
				return
			}
			items = append(items, item.Value)
		}
		value = strings.Join(items, sep)
	case yaml.MappingNode:
		if isTwin || base.Kind() != reflect.Map {
			f.problem(vn.Line, loc.path(), ErrInvalid, "want "+leafExpected(fd, isTwin)+", not a mapping")
			return
		}
		pairs := make([]string, 0, len(vn.Content)/2)
		for i := 0; i+1 < len(vn.Content); i += 2 {
			k, v := f.resolve(vn.Content[i]), f.resolve(vn.Content[i+1])
			if k == nil || v == nil {
				return
			}
			if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
				f.problem(k.Line, loc.path(), ErrInvalid, "want a mapping of scalar keys to scalar values")
				return
			}
			if strings.Contains(k.Value, fd.sep) || strings.Contains(k.Value, fd.kvSep) || strings.Contains(v.Value, fd.sep) {
				f.problem(k.Line, loc.path(), ErrInvalid, "want keys and values without "+strconv.Quote(fd.sep)+" or keys without "+strconv.Quote(fd.kvSep))
				return
			}
			pairs = append(pairs, k.Value+fd.kvSep+v.Value)
		}
		value = strings.Join(pairs, fd.sep)
	default:
		f.problem(vn.Line, loc.path(), ErrInvalid, "want "+leafExpected(fd, isTwin))
		return
	}
	l.values[name] = value
	if f.record {
		l.origin[name] = loc
	}
	if fd.secret {
		if l.secrets == nil {
			l.secrets = map[string]bool{}
		}
		l.secrets[fd.name] = true
	}
}

func leafExpected(fd *field, twin bool) string {
	if twin {
		return "a file path"
	}
	return expected(fd.typ)
}

// suggest says that key names no setting, and which close key was perhaps meant.
func suggest(s *schema, name, prefix, keyPath, key string) string {
	parent := prefix
	if name != "" {
		parent = name + "_"
	}
	want := strings.ReplaceAll(strings.ToUpper(key), ".", "_")
	// Accept up to one edit in a short key, two from 5 characters, three from 9.
	best, bestDist := "", 1
	if len(want) >= 9 {
		bestDist = 3
	} else if len(want) >= 5 {
		bestDist = 2
	}
	consider := func(full string) {
		if !strings.HasPrefix(full, parent) || len(full) == len(parent) {
			return
		}
		rest := full[len(parent):]
		d := editDistance(want, rest, bestDist+1)
		if d < bestDist || (d == bestDist && (best == "" || rest < best)) {
			best, bestDist = rest, d
		}
	}
	for n := range s.leaves {
		consider(n)
	}
	for n := range s.sections {
		consider(n)
	}
	for n := range s.maps {
		consider(n)
	}
	if best == "" {
		return ""
	}
	b := strings.ToLower(best)
	if keyPath != "" {
		b = keyPath + "." + b
	}
	return "did you mean " + b + "?"
}

// editDistance is the Levenshtein distance between a and b, or limit when it is at least limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

var (
	yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	quoted   = regexp.MustCompile("'[^']*'|\"[^\"]*\"|`[^`]*`")
)

// yamlSyntaxError turns the YAML library's error into one that names the file and line and no
// part of the content: quoted text (a token, an anchor name) is removed.
func yamlSyntaxError(path, format string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = quoted.ReplaceAllString(msg, "…")
	return &VarError{File: path, Line: line, Kind: ErrInvalid, Expected: "not valid " + format + ": " + msg}
}

func jsonSyntaxError(path string, b []byte) error {
	var v any
	err := json.Unmarshal(b, &v)
	line, msg := 0, "syntax error"
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line = 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte{'\n'})
		msg = quoted.ReplaceAllString(se.Error(), "…")
	}
	return &VarError{File: path, Line: line, Kind: ErrInvalid, Expected: "not valid JSON: " + msg}
}

// mapFields lists the map-of-struct fields of struct type t, in declaration order.
func mapFields(t reflect.Type, prefix string) []mapField {
	var out []mapField
	walkMaps(t, t, prefix, make([]int, 0, 8), &out)
	return out
}

// walkMaps appends to out the map-of-struct fields of t, found at index (a stack, reused) in
// root, whose variables root's prefix is prefix. It allocates only for what it finds.
func walkMaps(root, t reflect.Type, prefix string, index []int, out *[]mapField) {
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if k := sf.Type.Kind(); k != reflect.Struct && k != reflect.Map {
			continue
		}
		key, _, _ := strings.Cut(sf.Tag.Get("env"), ",")
		if key != "" {
			continue
		}
		switch {
		case sf.Type.Kind() == reflect.Struct && isNested(sf.Type):
			walkMaps(root, sf.Type, prefix, append(index, i), out)
		case isMapOfStruct(sf.Type) && sf.Tag.Get("envPrefix") != "":
			idx := append(append([]int(nil), index...), i)
			path, envPrefix := fieldPath(root, idx)
			*out = append(*out, mapField{prefix: prefix + envPrefix, path: path, index: idx, elem: sf.Type.Elem()})
		}
	}
}

// fieldPath returns the Go field path of index in struct type t, e.g. "Training.Services", and
// the envPrefix tags along it joined ("TRAINING_SERVICES_").
func fieldPath(t reflect.Type, index []int) (path, envPrefix string) {
	var b strings.Builder
	for _, i := range index {
		sf := t.Field(i)
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(sf.Name)
		envPrefix += sf.Tag.Get("envPrefix")
		t = sf.Type
	}
	return b.String(), envPrefix
}

func isMapOfStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Struct && isNested(t.Elem())
}
