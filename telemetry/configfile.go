package telemetry

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/exporters"
	"go.opentelemetry.io/contrib/otelconf"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	yaml "go.yaml.in/yaml/v3"
)

// This file reads OTEL_CONFIG_FILE, the OpenTelemetry configuration file (schema 1.x,
// https://github.com/open-telemetry/opentelemetry-configuration), into a Config.
//
// The file is the sole source of SDK configuration: no OTEL_* variable is read, except
// through the file's own substitution references (${VAR}, ${env:VAR}, ${VAR:-default}; $$ is
// a literal $), which are resolved in scalar values only, before their types are read, and
// never inject YAML structure. obskit's own OBSKIT_* variables (log level, console output,
// redaction, blocking, runtime metrics, service version, deployment environment) still come
// from the environment: the schema has no place for them, and they configure obskit rather
// than the SDK. The file's output_stream of an otlp_file/development exporter names the
// folder of the file exporters and so replaces OBSKIT_FILE_EXPORTER_DIR.
//
// The model is otelconf's (go.opentelemetry.io/contrib/otelconf), decoded from the
// substituted YAML tree, so its types and validation are the schema's. Before decoding,
// every key of the file is checked against that model: a key obskit does not know, a value
// of the wrong type and every construct obskit cannot honour is an error naming its key
// path, and all of them are reported at once. No error quotes a value from the file.
//
// What maps where (omitted values keep obskit's defaults, which are the specification's
// except where Config documents otherwise, such as the log queue):
//
//	disabled                                 Disabled
//	log_level (debug, info, warn, error)     SDKLogLevel
//	resource.attributes (string)             ResourceAttributes (service.name: ServiceName)
//	resource.attributes (other types)        fileSettings.resourceAttrs
//	resource.attributes_list                 ResourceAttributes
//	resource.schema_url                      obskit's own (semconv's), the only one accepted
//	propagator.composite, composite_list     Propagators (omitted: none, as the schema says)
//	attribute_limits, *.limits               LogRecordAttribute*Limit, fileSettings.spanLimits
//	tracer_provider.processors[].batch       BSP*, TracesExporter, OTLP.Traces
//	tracer_provider.sampler                  Sampler, SamplerArg
//	meter_provider.readers[].periodic        MetricExport*, MetricsExporter, OTLP.Metrics
//	meter_provider.readers[].pull            MetricsExporter prometheus, PrometheusHost, PrometheusPort
//	logger_provider.processors[].batch       BLRP*, LogsExporter, OTLP.Logs
//	exporter otlp_http, otlp_grpc            otlp (endpoint, headers, headers_list, compression, timeout)
//	exporter otlp_*.tls                      fileSettings.tls
//	exporter console                         console
//	exporter otlp_file/development           file (file:///<dir>/<signal>.jsonl: FileExporterDir)
//
// A provider the file omits exports nothing (the schema's noop provider; spans are still
// recorded, so logs carry trace ids). obskit's resource detection (host, process, container,
// service.instance.id) applies as it does without a file.

// maxConfigFileSize bounds what configFromFile reads: a configuration file is a few KiB.
const maxConfigFileSize = 1 << 20

// maxConfigNodes bounds the YAML nodes visited, aliases followed, so that a file of nested
// aliases cannot make the check run for ever.
const maxConfigNodes = 100_000

// configFromFile reads the configuration file at path, with environ as the environment of its
// substitution references and of the OBSKIT_* variables. Its errors name the file and, for
// each problem, the key path; they never quote a value.
func configFromFile(path string, environ map[string]string) (Config, error) {
	cfg, settings, err := loadConfigFile(path, environ)
	if err != nil {
		return Config{}, err
	}
	// What Setup cannot apply yet is refused rather than dropped.
	if problems := settings.unapplied(); len(problems) > 0 {
		return Config{}, &configFileError{File: path, Problems: problems}
	}
	cfg.file = &settings
	return cfg, nil
}

// loadConfigFile reads the file at path into a Config and the settings Config cannot hold.
func loadConfigFile(path string, environ map[string]string) (Config, fileSettings, error) {
	data, err := readConfigFile(path)
	if err != nil {
		return Config{}, fileSettings{}, fmt.Errorf("telemetry: OTEL_CONFIG_FILE %s: %w", path, err)
	}
	return parseConfigFile(path, data, environ)
}

func readConfigFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigFileSize {
		return nil, errors.New("larger than 1 MiB")
	}
	return data, nil
}

// parseConfigFile reads a configuration file's content; name is the file's path, for errors.
func parseConfigFile(name string, data []byte, environ map[string]string) (Config, fileSettings, error) {
	fail := func(problems []error) (Config, fileSettings, error) {
		return Config{}, fileSettings{}, &configFileError{File: name, Problems: problems}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return fail([]error{errors.New("not valid YAML: " + scrubValues(err.Error()))})
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fail([]error{errors.New("not valid YAML: want one document")})
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return fail([]error{&keyError{Path: "file_format", Problem: "required (want a mapping with file_format: \"1.0\")"}})
	}

	var p problems
	substituteTree(root, "", environ, &p)
	w := &checker{problems: &p, ext: map[string]any{}}
	w.check(root, reflect.TypeFor[otelconf.OpenTelemetryConfiguration](), "")
	if w.tooLarge {
		return fail(p.errs)
	}
	var model otelconf.OpenTelemetryConfiguration
	if err := root.Decode(&model); err != nil {
		// The check above decodes every part of the model where it is, so that its errors
		// have a key path; this one is a safety net.
		if len(p.errs) == 0 {
			p.add("", modelError(err))
		}
		return fail(p.errs)
	}

	base, err := envconfig.Load[Config](envconfig.WithEnvironment(obskitVariables(environ)))
	if err != nil {
		return Config{}, fileSettings{}, err // an OBSKIT_* variable, named in err
	}
	m := newFileMapper(base, &p, w.ext)
	m.apply(&model)
	if len(p.errs) > 0 {
		return fail(p.errs)
	}
	if err := m.cfg.Validate(); err != nil {
		return Config{}, fileSettings{}, fmt.Errorf("telemetry: OTEL_CONFIG_FILE %s: %w", name, err)
	}
	return m.cfg, m.settings, nil
}

// obskitVariables returns the OBSKIT_* variables of environ: the only ones read besides the
// file.
func obskitVariables(environ map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range environ {
		if strings.HasPrefix(k, "OBSKIT_") {
			out[k] = v
		}
	}
	return out
}

// configFileError lists the problems of a configuration file, each a *keyError naming its key
// path, or one error that kept the file from being read at all.
type configFileError struct {
	File     string
	Problems []error
}

func (e *configFileError) Error() string {
	var b strings.Builder
	b.WriteString("telemetry: OTEL_CONFIG_FILE ")
	b.WriteString(e.File)
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.As.
func (e *configFileError) Unwrap() []error { return e.Problems }

// keyError is one problem of a configuration file: the key path (tracer_provider.processors[0].simple)
// and what is wrong there. It never holds a value from the file.
type keyError struct {
	Path    string
	Problem string
}

func (e *keyError) Error() string {
	if e.Path == "" {
		return e.Problem
	}
	return e.Path + ": " + e.Problem
}

// problems collects keyErrors; a problem under a path already reported is left out, so that
// one mistake is reported once.
type problems struct{ errs []error }

func (p *problems) add(path, problem string) {
	for _, e := range p.errs {
		if k, ok := e.(*keyError); ok && k.Path != "" && (within(path, k.Path) || within(k.Path, path)) {
			return
		}
	}
	p.errs = append(p.errs, &keyError{Path: path, Problem: problem})
}

// within reports whether path is base or under it.
func within(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}

var quotedValue = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|`[^`]*`")

// scrubValues replaces the quoted parts of a parser's message, which may be values, by "…";
// a quoted punctuation token of the YAML syntax (',' or ']') is kept.
func scrubValues(msg string) string {
	return quotedValue.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= 4 && strings.Trim(q[1:len(q)-1], ",:[]{}-?|>#&*!%@") == "" {
			return q
		}
		return `"…"`
	})
}

// modelError is the message of an error of otelconf's model, on one line, without the
// lines that only name a Go type and without quoted values.
func modelError(err error) string {
	var parts []string
	for line := range strings.SplitSeq(err.Error(), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "unmarshal error in ") {
			parts = append(parts, scrubValues(line))
		}
	}
	if len(parts) == 0 {
		return "not valid for the schema"
	}
	return strings.Join(parts, "; ")
}

func joinPath(path, key string) string {
	if !plainKey(key) {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// plainKey reports whether key prints unquoted in a key path.
func plainKey(key string) bool {
	if key == "" || len(key) > 80 {
		return false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '/') {
			return false
		}
	}
	return true
}

// --- Environment variable substitution ---

// substituteTree resolves the substitution references of every scalar value under n (never a
// mapping key). A plain scalar that changed has its type resolved again, so ${PORT} can be an
// integer; a quoted one stays a string.
func substituteTree(n *yaml.Node, path string, environ map[string]string, p *problems) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			substituteTree(c, path, environ, p)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			substituteTree(n.Content[i+1], joinPath(path, n.Content[i].Value), environ, p)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			substituteTree(c, indexPath(path, i), environ, p)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "$") {
			return
		}
		v, err := substitute(n.Value, environ)
		if err != nil {
			p.add(path, err.Error())
			n.Value, n.Tag, n.Style = "", "!!null", 0
			return
		}
		if v == n.Value {
			return
		}
		n.Value = v
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0 {
			n.Tag = "" // resolved again on decoding: true, 1, 1.5, 0x10, or null when empty
		}
	}
}

var errSubstitution = errors.New("invalid substitution reference (want ${NAME}, ${env:NAME} or ${NAME:-default})")

// substitute resolves the references of one scalar as the configuration data model says:
// escape sequences ($$) are found left to right, and the text between them is matched
// against ${[env:]NAME[:-DEFAULT]}. A substituted value is not substituted again.
func substitute(s string, environ map[string]string) (string, error) {
	var b strings.Builder
	for {
		seg, rest, escaped := strings.Cut(s, "$$")
		if err := substituteSegment(&b, seg, environ); err != nil {
			return "", err
		}
		if !escaped {
			return b.String(), nil
		}
		b.WriteByte('$')
		s = rest
	}
}

func substituteSegment(b *strings.Builder, s string, environ map[string]string) error {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return nil
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			b.WriteString(s)
			return nil
		}
		b.WriteString(s[:i])
		ref := s[i+2 : i+2+end]
		s = s[i+2+end+1:]
		if ref == "" {
			b.WriteString("${}")
			continue
		}
		name, def, hasDefault := strings.Cut(strings.TrimPrefix(ref, "env:"), ":-")
		if !validEnvName(name) || strings.ContainsAny(def, "\n\r") {
			return errSubstitution
		}
		v := environ[name]
		if v == "" && hasDefault {
			v = def
		}
		b.WriteString(v)
	}
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// --- Checking the tree against the model ---

// Extensions are the schema's keys that otelconf's model leaves out (it drops what is in
// development) and that obskit honours; checker decodes them into these types.
type (
	fileExporterConfig struct {
		OutputStream *string `yaml:"output_stream,omitempty"`
	}
	fileMetricExporterConfig struct {
		OutputStream                *string                                       `yaml:"output_stream,omitempty"`
		TemporalityPreference       *otelconf.ExporterTemporalityPreference       `yaml:"temporality_preference,omitempty"`
		DefaultHistogramAggregation *otelconf.ExporterDefaultHistogramAggregation `yaml:"default_histogram_aggregation,omitempty"`
	}
	prometheusExporterConfig struct {
		Host                       *string                  `yaml:"host,omitempty"`
		Port                       *int                     `yaml:"port,omitempty"`
		WithoutScopeInfo           *bool                    `yaml:"without_scope_info,omitempty"`
		WithoutUnits               *bool                    `yaml:"without_units,omitempty"`
		WithoutTypeSuffix          *bool                    `yaml:"without_type_suffix,omitempty"`
		WithResourceConstantLabels *otelconf.IncludeExclude `yaml:"with_resource_constant_labels,omitempty"`
		TranslationStrategy        *string                  `yaml:"translation_strategy,omitempty"`
	}
	emptyObject map[string]any
)

const (
	otlpFileKey   = "otlp_file/development"
	prometheusKey = "prometheus/development"
)

var extensions = map[reflect.Type]map[string]reflect.Type{
	reflect.TypeFor[otelconf.SpanExporter]():       {otlpFileKey: reflect.TypeFor[fileExporterConfig]()},
	reflect.TypeFor[otelconf.LogRecordExporter]():  {otlpFileKey: reflect.TypeFor[fileExporterConfig]()},
	reflect.TypeFor[otelconf.PushMetricExporter](): {otlpFileKey: reflect.TypeFor[fileMetricExporterConfig]()},
	reflect.TypeFor[otelconf.PullMetricExporter](): {prometheusKey: reflect.TypeFor[prometheusExporterConfig]()},
	reflect.TypeFor[otelconf.TextMapPropagator]():  {"xray": reflect.TypeFor[emptyObject]()},
}

// otlpExporterTypes are the model's types whose decoding requires an endpoint key, which the
// schema does not: checker adds endpoint: null where it is missing.
var otlpExporterTypes = []reflect.Type{
	reflect.TypeFor[otelconf.OTLPHttpExporter](), reflect.TypeFor[otelconf.OTLPGrpcExporter](),
	reflect.TypeFor[otelconf.OTLPHttpMetricExporter](), reflect.TypeFor[otelconf.OTLPGrpcMetricExporter](),
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// checker walks the YAML tree along the model's Go types. It reports unknown keys, values of
// the wrong type and failed validations with their key paths, removes what it reported (so the
// rest can still be decoded and checked), and decodes the extensions into ext by key path.
type checker struct {
	problems *problems
	ext      map[string]any
	nodes    int
	tooLarge bool
}

// check reports whether n may stay in the tree.
func (c *checker) check(n *yaml.Node, t reflect.Type, path string) bool {
	if c.tooLarge {
		return false
	}
	if c.nodes++; c.nodes > maxConfigNodes {
		c.tooLarge = true
		c.problems.errs = append(c.problems.errs, errors.New("too many YAML nodes (aliases included)"))
		return false
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return true // null is the same as omitted
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType) {
		if n.Decode(reflect.New(t).Interface()) != nil {
			c.problems.add(path, "not one of the schema's values")
			return false
		}
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		return c.checkStruct(n, t, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.problems.add(path, "want a list")
			return false
		}
		for i, item := range n.Content {
			if !c.check(item, t.Elem(), indexPath(path, i)) {
				n.Content[i] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
			}
		}
		return true
	case reflect.Map:
		if t == reflect.TypeFor[otelconf.Distribution]() {
			c.problems.add(path, "not supported (obskit is not a distribution with settings of its own)")
			return false
		}
		// An object the schema leaves empty (console, always_on, tracecontext, …).
		if n.Kind != yaml.MappingNode {
			c.problems.add(path, "want a mapping")
			return false
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.problems.add(joinPath(path, n.Content[i].Value), "unknown key")
		}
		n.Content = nil
		return true
	case reflect.Interface:
		return true // an attribute value: its type is checked by the mapper
	}
	if n.Kind != yaml.ScalarNode {
		c.problems.add(path, "want "+scalarKind(t))
		return false
	}
	if n.Decode(reflect.New(t).Interface()) != nil {
		c.problems.add(path, "want "+scalarKind(t))
		return false
	}
	return true
}

func scalarKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	}
	return "a string"
}

func (c *checker) checkStruct(n *yaml.Node, t reflect.Type, path string) bool {
	if n.Kind != yaml.MappingNode {
		c.problems.add(path, "want a mapping")
		return false
	}
	type field struct {
		t        reflect.Type
		required bool
	}
	fields := map[string]field{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = field{t: f.Type, required: !strings.Contains(opts, "omitempty")}
	}
	before := len(c.problems.errs)
	seen := map[string]bool{}
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := joinPath(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			c.problems.add(path, "want a string key")
			continue
		}
		if seen[k.Value] {
			c.problems.add(p, "set twice")
			continue
		}
		seen[k.Value] = true
		if f, ok := fields[k.Value]; ok {
			if !c.check(v, f.t, p) {
				v = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
			}
			kept = append(kept, k, v)
			continue
		}
		if et, ok := extensions[t][k.Value]; ok {
			if c.check(v, et, p) {
				ev := reflect.New(et)
				if v.Decode(ev.Interface()) == nil {
					c.ext[p] = ev.Interface()
				}
			}
			continue // left out of the tree: the model has no place for it
		}
		if strings.HasSuffix(k.Value, "/development") {
			c.problems.add(p, "not supported (in development in the schema; obskit does not implement it)")
		} else {
			c.problems.add(p, "unknown key")
		}
	}
	n.Content = kept
	for name, f := range fields {
		if f.required && !seen[name] {
			c.problems.add(joinPath(path, name), "required")
		}
	}
	if slices.Contains(otlpExporterTypes, t) && !seen["endpoint"] {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "endpoint"}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"})
	}
	// What was reported is out of the tree; the rest must decode, and validate, as the model.
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			if len(c.problems.errs) == before { // else a consequence of what was reported
				c.problems.add(path, modelError(err))
			}
			return false
		}
	}
	return true
}

// --- Mapping the model onto Config ---

// fileSettings holds what a configuration file can state that Config has no field for. Setup
// applies it (see configFromFile, which refuses a file that states any of it until then).
type fileSettings struct {
	// resourceAttrs are the resource.attributes of types other than string, in file order;
	// they override ResourceAttributes.
	resourceAttrs     []attribute.KeyValue
	resourceAttrsPath string
	// spanLimits are the span limits, the SDK's defaults overridden by attribute_limits and
	// tracer_provider.limits; spanLimitsPaths says which of the two the file states.
	spanLimits      sdktrace.SpanLimits
	spanLimitsPaths []string
	// tls are the TLS files of each signal's OTLP exporter.
	tls map[exporters.Signal]tlsFiles
}

// tlsFiles are an OTLP exporter's tls settings: the PEM files of the certificate authorities
// that verify the server, and of the client's certificate and key for mutual TLS.
type tlsFiles struct {
	path                      string
	caFile, certFile, keyFile string
}

// unapplied returns one problem per setting of s that Setup does not apply yet: the OTLP
// exporters' TLS files (Setup applies the resource attributes and the span limits).
func (s *fileSettings) unapplied() []error {
	var out []error
	add := func(path string) {
		out = append(out, &keyError{Path: path, Problem: "not supported yet (obskit's Setup does not apply it from a configuration file)"})
	}
	for _, sig := range []exporters.Signal{exporters.Traces, exporters.Metrics, exporters.Logs} {
		if f, ok := s.tls[sig]; ok {
			add(f.path)
		}
	}
	return out
}

// defaultSpanLimits are the specification's span limits, which the SDK would otherwise read
// from OTEL_SPAN_* variables.
var defaultSpanLimits = sdktrace.SpanLimits{
	AttributeValueLengthLimit:   -1,
	AttributeCountLimit:         128,
	EventCountLimit:             128,
	LinkCountLimit:              128,
	AttributePerEventCountLimit: 128,
	AttributePerLinkCountLimit:  128,
}

type fileMapper struct {
	cfg      Config
	base     Config // the defaults, for batch settings the file omits
	settings fileSettings
	p        *problems
	ext      map[string]any

	otlpPath map[exporters.Signal]string // where each signal's OTLP exporter was configured
	bspPath  string
	blrpPath string
	readPath string // the first periodic reader
	pullPath string
	dirPath  string // the first otlp_file/development exporter
}

func newFileMapper(base Config, p *problems, ext map[string]any) *fileMapper {
	return &fileMapper{cfg: base, base: base, p: p, ext: ext, otlpPath: map[exporters.Signal]string{},
		settings: fileSettings{spanLimits: defaultSpanLimits, tls: map[exporters.Signal]tlsFiles{}}}
}

func (m *fileMapper) apply(f *otelconf.OpenTelemetryConfiguration) {
	major, _, _ := strings.Cut(f.FileFormat, ".")
	if major != "1" {
		m.p.add("file_format", `not supported (obskit reads schema 1.x: file_format: "1.0")`)
	}
	if f.Disabled != nil {
		m.cfg.Disabled = *f.Disabled
	}
	if f.LogLevel != nil {
		switch lvl := string(*f.LogLevel); lvl {
		case "debug", "info", "warn", "error":
			m.cfg.SDKLogLevel = lvl
		default:
			m.p.add("log_level", "not supported (want debug, info, warn or error)")
		}
	}
	m.resource(f.Resource)
	m.propagators(f.Propagator)
	m.limits(f)
	m.traces(f.TracerProvider)
	m.metrics(f.MeterProvider)
	m.logs(f.LoggerProvider)
}

func (m *fileMapper) resource(r *otelconf.Resource) {
	if r == nil {
		return
	}
	if r.SchemaUrl != nil && *r.SchemaUrl != "" && *r.SchemaUrl != semconv.SchemaURL {
		// The detectors' attributes follow obskit's semantic conventions; a resource of
		// another schema would merge with them into a conflict.
		m.p.add("resource.schema_url", "not supported (obskit's resource follows "+semconv.SchemaURL+")")
	}
	strs := map[string]string{}
	var order []string
	typed := map[string]bool{}
	for i, a := range r.Attributes {
		path := indexPath("resource.attributes", i)
		kv, ok := attributeValue(a)
		if !ok {
			m.p.add(path+".value", "does not match .type (string when omitted)")
			continue
		}
		if a.Name == "" {
			m.p.add(path+".name", "required")
			continue
		}
		if kv.Value.Type() == attribute.STRING {
			if _, dup := strs[a.Name]; !dup {
				order = append(order, a.Name)
			}
			strs[a.Name] = kv.Value.AsString()
			continue
		}
		typed[a.Name] = true
		m.settings.resourceAttrs = append(m.settings.resourceAttrs, kv)
		if m.settings.resourceAttrsPath == "" {
			m.settings.resourceAttrsPath = path
		}
	}
	var list []attribute.KeyValue
	if r.AttributesList != nil {
		l, err := parseResourceAttributes(*r.AttributesList)
		if err != nil {
			m.p.add("resource.attributes_list", "want key=value pairs separated by commas, percent-encoded")
		}
		list = l
	}
	// .attributes win over .attributes_list; service.name is OTEL_SERVICE_NAME's field, which
	// wins over every other source, as .attributes do here.
	var pairs []string
	for _, kv := range list {
		k := string(kv.Key)
		if _, ok := strs[k]; !ok && !typed[k] {
			pairs = append(pairs, escapePair(k)+"="+escapePair(kv.Value.AsString()))
		}
	}
	for _, k := range order {
		if k == "service.name" {
			m.cfg.ServiceName = strs[k]
			continue
		}
		pairs = append(pairs, escapePair(k)+"="+escapePair(strs[k]))
	}
	m.cfg.ResourceAttributes = strings.Join(pairs, ",")
}

// attributeValue converts a resource attribute of the file to its type.
func attributeValue(a otelconf.AttributeNameValue) (attribute.KeyValue, bool) {
	k := attribute.Key(a.Name)
	typ := otelconf.AttributeTypeString
	if a.Type != nil {
		typ = *a.Type
	}
	switch typ {
	case otelconf.AttributeTypeString:
		if s, ok := a.Value.(string); ok {
			return k.String(s), true
		}
	case otelconf.AttributeTypeBool:
		if b, ok := a.Value.(bool); ok {
			return k.Bool(b), true
		}
	case otelconf.AttributeTypeInt:
		if i, ok := toInt(a.Value); ok {
			return k.Int64(i), true
		}
	case otelconf.AttributeTypeDouble:
		if f, ok := toFloat(a.Value); ok {
			return k.Float64(f), true
		}
	case otelconf.AttributeTypeStringArray:
		if v, ok := arrayOf(a.Value, func(x any) (string, bool) { s, ok := x.(string); return s, ok }); ok {
			return k.StringSlice(v), true
		}
	case otelconf.AttributeTypeBoolArray:
		if v, ok := arrayOf(a.Value, func(x any) (bool, bool) { b, ok := x.(bool); return b, ok }); ok {
			return k.BoolSlice(v), true
		}
	case otelconf.AttributeTypeIntArray:
		if v, ok := arrayOf(a.Value, toInt); ok {
			return k.Int64Slice(v), true
		}
	case otelconf.AttributeTypeDoubleArray:
		if v, ok := arrayOf(a.Value, toFloat); ok {
			return k.Float64Slice(v), true
		}
	}
	return attribute.KeyValue{}, false
}

func toInt(x any) (int64, bool) {
	switch v := x.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	}
	return 0, false
}

func toFloat(x any) (float64, bool) {
	switch v := x.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func arrayOf[T any](x any, conv func(any) (T, bool)) ([]T, bool) {
	items, ok := x.([]any)
	if !ok {
		return nil, false
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		v, ok := conv(it)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// escapePair percent-encodes what OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS
// give a meaning to (commas, equals signs, percent signs) and what their parsers trim
// (spaces), so that a value read from the file is read back as it is.
func escapePair(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c == ',' || c == '=' || c <= ' ' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (m *fileMapper) propagators(p *otelconf.Propagator) {
	// The schema: an omitted propagator is a noop one.
	var names []string
	addName := func(n string) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if p != nil {
		for i, c := range p.Composite {
			path := indexPath("propagator.composite", i)
			var set []string
			for _, e := range []struct {
				name string
				on   bool
			}{
				{"tracecontext", c.Tracecontext != nil}, {"baggage", c.Baggage != nil}, {"b3", c.B3 != nil},
				{"b3multi", c.B3Multi != nil}, {"jaeger", c.Jaeger != nil}, {"ottrace", c.Ottrace != nil},
				{"xray", m.ext[joinPath(path, "xray")] != nil},
			} {
				if e.on {
					set = append(set, e.name)
				}
			}
			if len(set) != 1 {
				m.p.add(path, "want exactly one propagator")
				continue
			}
			addName(set[0])
		}
		if p.CompositeList != nil {
			for n := range strings.SplitSeq(*p.CompositeList, ",") {
				n = strings.ToLower(strings.TrimSpace(n))
				switch n {
				case "":
				case "tracecontext", "baggage", "b3", "b3multi", "jaeger", "xray", "ottrace", "none":
					addName(n)
				default:
					m.p.add("propagator.composite_list", "unknown propagator (want a comma-separated list of "+propagatorNames+")")
				}
			}
		}
	}
	if len(names) == 0 {
		names = []string{"none"}
	}
	m.cfg.Propagators = names
}

// limits applies attribute_limits, and the providers' limits, which override them.
func (m *fileMapper) limits(f *otelconf.OpenTelemetryConfiguration) {
	nonNegative := func(path string, v *int) *int {
		if v != nil && *v < 0 {
			m.p.add(path, "want a non-negative integer")
			return nil
		}
		return v
	}
	var count, length *int
	if l := f.AttributeLimits; l != nil {
		count = nonNegative("attribute_limits.attribute_count_limit", l.AttributeCountLimit)
		length = nonNegative("attribute_limits.attribute_value_length_limit", l.AttributeValueLengthLimit)
	}
	logCount, logLength := count, length
	if lp := f.LoggerProvider; lp != nil && lp.Limits != nil {
		logCount = firstNonNil(nonNegative("logger_provider.limits.attribute_count_limit", lp.Limits.AttributeCountLimit), count)
		logLength = firstNonNil(nonNegative("logger_provider.limits.attribute_value_length_limit", lp.Limits.AttributeValueLengthLimit), length)
	}
	if logCount != nil {
		m.cfg.LogRecordAttributeCountLimit = *logCount
	}
	if logLength != nil {
		v := *logLength
		m.cfg.LogRecordAttributeValueLengthLimit = &v
	}

	sl := &m.settings.spanLimits
	if count != nil || length != nil {
		m.settings.spanLimitsPaths = append(m.settings.spanLimitsPaths, "attribute_limits")
	}
	if count != nil {
		sl.AttributeCountLimit = *count
	}
	if length != nil {
		sl.AttributeValueLengthLimit = *length
	}
	tp := f.TracerProvider
	if tp == nil || tp.Limits == nil {
		return
	}
	l := tp.Limits
	m.settings.spanLimitsPaths = append(m.settings.spanLimitsPaths, "tracer_provider.limits")
	for _, s := range []struct {
		v   *int
		dst *int
	}{
		{l.AttributeCountLimit, &sl.AttributeCountLimit}, {l.AttributeValueLengthLimit, &sl.AttributeValueLengthLimit},
		{l.EventCountLimit, &sl.EventCountLimit}, {l.LinkCountLimit, &sl.LinkCountLimit},
		{l.EventAttributeCountLimit, &sl.AttributePerEventCountLimit}, {l.LinkAttributeCountLimit, &sl.AttributePerLinkCountLimit},
	} {
		if s.v != nil {
			*s.dst = *s.v
		}
	}
}

func firstNonNil[T any](vs ...*T) *T {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func (m *fileMapper) traces(tp *otelconf.TracerProvider) {
	m.cfg.TracesExporter = []string{exporters.None}
	if tp == nil {
		return
	}
	var names []string
	for i, proc := range tp.Processors {
		path := indexPath("tracer_provider.processors", i)
		switch {
		case proc.Simple != nil:
			m.p.add(path+".simple", "not supported (obskit batches spans; use batch)")
		case proc.Batch != nil:
			b := proc.Batch
			bp := path + ".batch"
			delay := m.millis(bp+".schedule_delay", b.ScheduleDelay, m.base.BSPScheduleDelay)
			timeout := m.millis(bp+".export_timeout", b.ExportTimeout, m.base.BSPExportTimeout)
			queue := intOr(b.MaxQueueSize, m.base.BSPMaxQueueSize)
			batch := intOr(b.MaxExportBatchSize, m.base.BSPMaxExportBatchSize)
			if m.bspPath == "" {
				m.bspPath = bp
				m.cfg.BSPScheduleDelay, m.cfg.BSPExportTimeout, m.cfg.BSPMaxQueueSize, m.cfg.BSPMaxExportBatchSize = delay, timeout, queue, batch
			} else if delay != m.cfg.BSPScheduleDelay || timeout != m.cfg.BSPExportTimeout || queue != m.cfg.BSPMaxQueueSize || batch != m.cfg.BSPMaxExportBatchSize {
				m.p.add(bp, "not supported (obskit has one span batcher: its settings must be those of "+m.bspPath+")")
			}
			names = m.exporter(exporters.Traces, bp+".exporter", spanOrLogExporter(b.Exporter.OTLPHttp, b.Exporter.OTLPGrpc, b.Exporter.Console != nil), names)
		default:
			m.p.add(path, "want one processor: batch")
		}
	}
	if len(names) > 0 {
		m.cfg.TracesExporter = names
	}
	m.sampler(tp.Sampler)
}

func intOr(v *int, def int) int {
	if v != nil {
		return *v
	}
	return def
}

// millis converts a duration in milliseconds; 0, which the schema reads as no limit (or no
// delay), is refused, since obskit bounds every wait.
func (m *fileMapper) millis(path string, v *int, def exporters.Duration) exporters.Duration {
	if v == nil {
		return def
	}
	if *v <= 0 {
		m.p.add(path, "not supported: want a positive number of milliseconds (obskit bounds every wait; 0 means none)")
		return def
	}
	if int64(*v) > math.MaxInt64/int64(time.Millisecond) {
		m.p.add(path, "want at most "+strconv.FormatInt(math.MaxInt64/int64(time.Millisecond), 10)+" milliseconds")
		return def
	}
	return exporters.Duration(time.Duration(*v) * time.Millisecond)
}

// exporterConfig is one exporter of the file, whatever its signal.
type exporterConfig struct {
	otlp    *otlpConfig
	console bool
}

// otlpConfig are the fields shared by the OTLP exporters of every signal.
type otlpConfig struct {
	key         string // otlp_http or otlp_grpc
	endpoint    *string
	headers     []otelconf.NameStringValuePair
	headersList *string
	compression *string
	timeout     *int
	encoding    *otelconf.OTLPHttpEncoding
	caFile      *string
	certFile    *string
	keyFile     *string
	insecure    *bool
}

func exporterOf(h, g *otlpConfig, console bool) exporterConfig {
	e := exporterConfig{console: console, otlp: h}
	if g != nil {
		e.otlp = g
	}
	if h != nil && g != nil {
		e.otlp = &otlpConfig{} // two: refused by exporter
	}
	return e
}

func httpConfig(endpoint, headersList, compression *string, headers []otelconf.NameStringValuePair, timeout *int,
	encoding *otelconf.OTLPHttpEncoding, tls *otelconf.HttpTls) *otlpConfig {
	c := &otlpConfig{key: "otlp_http", endpoint: endpoint, headers: headers, headersList: headersList,
		compression: compression, timeout: timeout, encoding: encoding}
	if tls != nil {
		c.caFile, c.certFile, c.keyFile = tls.CaFile, tls.CertFile, tls.KeyFile
	}
	return c
}

func grpcConfig(endpoint, headersList, compression *string, headers []otelconf.NameStringValuePair, timeout *int,
	tls *otelconf.GrpcTls) *otlpConfig {
	c := &otlpConfig{key: "otlp_grpc", endpoint: endpoint, headers: headers, headersList: headersList,
		compression: compression, timeout: timeout}
	if tls != nil {
		c.caFile, c.certFile, c.keyFile, c.insecure = tls.CaFile, tls.CertFile, tls.KeyFile, tls.Insecure
	}
	return c
}

// spanOrLogExporter returns the OTLP settings of a span or log exporter.
func spanOrLogExporter(h *otelconf.OTLPHttpExporter, g *otelconf.OTLPGrpcExporter, console bool) exporterConfig {
	var hc, gc *otlpConfig
	if h != nil {
		hc = httpConfig(h.Endpoint, h.HeadersList, h.Compression, h.Headers, h.Timeout, h.Encoding, h.Tls)
	}
	if g != nil {
		gc = grpcConfig(g.Endpoint, g.HeadersList, g.Compression, g.Headers, g.Timeout, g.Tls)
	}
	return exporterOf(hc, gc, console)
}

// exporter adds the exporter at path to names, the exporters of sig.
func (m *fileMapper) exporter(sig exporters.Signal, path string, e exporterConfig, names []string) []string {
	file, hasFile := m.ext[joinPath(path, otlpFileKey)]
	n := 0
	for _, on := range []bool{e.otlp != nil, e.console, hasFile} {
		if on {
			n++
		}
	}
	if n != 1 || (e.otlp != nil && e.otlp.key == "") {
		m.p.add(path, "want exactly one exporter")
		return names
	}
	add := func(name string) []string {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return names
	}
	switch {
	case e.console:
		return add(exporters.Console)
	case hasFile:
		var stream *string
		switch f := file.(type) {
		case *fileExporterConfig:
			stream = f.OutputStream
		case *fileMetricExporterConfig:
			stream = f.OutputStream
			m.metricExporterOptions(joinPath(path, otlpFileKey), f.TemporalityPreference, f.DefaultHistogramAggregation)
		}
		if m.fileDir(sig, joinPath(joinPath(path, otlpFileKey), "output_stream"), stream) {
			return add(exporters.File)
		}
		return names
	}
	if m.otlp(sig, joinPath(path, e.otlp.key), e.otlp) {
		return add(exporters.OTLP)
	}
	return names
}

// fileDir maps an otlp_file/development exporter's output_stream onto FileExporterDir.
func (m *fileMapper) fileDir(sig exporters.Signal, path string, stream *string) bool {
	want := "want file:///<folder>/" + exporters.FileName(sig) + ", the same folder for every signal (obskit's file exporters write traces.jsonl, metrics.jsonl and logs.jsonl in one folder)"
	if stream == nil || !strings.HasPrefix(*stream, "file://") {
		m.p.add(path, "not supported: "+want)
		return false
	}
	u, err := url.Parse(*stream)
	if err != nil || u.Host != "" || !filepath.IsAbs(u.Path) || filepath.Base(u.Path) != exporters.FileName(sig) {
		m.p.add(path, "not supported: "+want)
		return false
	}
	dir := filepath.Dir(u.Path)
	if m.dirPath == "" {
		m.dirPath = path
		m.cfg.FileExporterDir = dir
		return true
	}
	if dir != m.cfg.FileExporterDir {
		m.p.add(path, "not supported: the folder must be that of "+m.dirPath+" ("+want+")")
		return false
	}
	return true
}

// otlp maps an OTLP exporter onto sig's OTLP settings, which a second OTLP exporter of sig may
// only repeat.
func (m *fileMapper) otlp(sig exporters.Signal, path string, o *otlpConfig) bool {
	bad := func(key, problem string) { m.p.add(joinPath(path, key), problem) }
	before := len(m.p.errs)
	var c exporters.OTLPConfig
	c.Protocol = "http/protobuf"
	if o.key == "otlp_grpc" {
		c.Protocol = "grpc"
	}
	if o.encoding != nil && *o.encoding != otelconf.OTLPHttpEncodingProtobuf {
		bad("encoding", "not supported (obskit sends protobuf)")
	}
	if o.endpoint != nil && *o.endpoint != "" {
		if !validEndpoint(*o.endpoint, o.key == "otlp_grpc") {
			if o.key == "otlp_grpc" {
				bad("endpoint", "want an http:// or https:// URL with a host, or host:port")
			} else {
				bad("endpoint", "want an http:// or https:// URL with a host")
			}
		}
		c.Endpoint = *o.endpoint
	}
	if o.compression != nil {
		switch *o.compression {
		case "gzip", "none":
			c.Compression = *o.compression
		default:
			bad("compression", "not supported (want gzip or none)")
		}
	}
	c.Timeout = m.millis(joinPath(path, "timeout"), o.timeout, 0)
	c.Insecure = o.insecure

	headers := map[string]string{}
	if o.headersList != nil {
		h, err := exporters.ParseHeaders(envconfig.NewSecret(*o.headersList))
		if err != nil {
			bad("headers_list", err.Error())
		}
		for k, v := range h {
			headers[k] = v
		}
	}
	for i, h := range o.headers {
		if h.Name == "" {
			m.p.add(indexPath(joinPath(path, "headers"), i)+".name", "required")
			continue
		}
		if h.Value != nil { // a null value drops the entry, as the schema says
			headers[h.Name] = *h.Value
		}
	}
	if len(headers) > 0 {
		keys := make([]string, 0, len(headers))
		for k := range headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pairs := make([]string, len(keys))
		for i, k := range keys {
			pairs[i] = escapePair(k) + "=" + escapePair(headers[k])
		}
		c.Headers = envconfig.NewSecret(strings.Join(pairs, ","))
	}

	var tls tlsFiles
	if o.caFile != nil || o.certFile != nil || o.keyFile != nil {
		tls = tlsFiles{path: joinPath(path, "tls"), caFile: deref(o.caFile), certFile: deref(o.certFile), keyFile: deref(o.keyFile)}
		if (tls.certFile == "") != (tls.keyFile == "") {
			m.p.add(tls.path, "set cert_file and key_file together")
		}
	}
	if len(m.p.errs) > before {
		return false
	}

	dst := m.otlpSettings(sig)
	if first, ok := m.otlpPath[sig]; ok {
		prev := m.settings.tls[sig]
		prev.path, tls.path = "", ""
		if !sameOTLP(*dst, c) || prev != tls {
			m.p.add(path, "not supported (obskit sends each signal to one OTLP endpoint, configured by "+first+")")
			return false
		}
		return true
	}
	m.otlpPath[sig] = path
	*dst = c
	if tls.path != "" {
		m.settings.tls[sig] = tls
	}
	return true
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sameOTLP(a, b exporters.OTLPConfig) bool {
	ah, bh := a.Headers.Reveal(), b.Headers.Reveal()
	a.Headers, b.Headers = envconfig.Secret{}, envconfig.Secret{}
	return ah == bh && reflect.DeepEqual(a, b)
}

func validEndpoint(s string, grpc bool) bool {
	if grpc && !strings.Contains(s, "://") {
		_, port, ok := strings.Cut(s, ":")
		return ok && port != ""
	}
	u, err := url.Parse(s)
	return err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https")
}

func (m *fileMapper) otlpSettings(sig exporters.Signal) *exporters.OTLPConfig {
	switch sig {
	case exporters.Traces:
		return &m.cfg.OTLP.Traces
	case exporters.Metrics:
		return &m.cfg.OTLP.Metrics
	}
	return &m.cfg.OTLP.Logs
}

// sampler maps the samplers that OTEL_TRACES_SAMPLER can name.
func (m *fileMapper) sampler(s *otelconf.Sampler) {
	if s == nil {
		return // the schema's default, parent_based with always_on, is Config's
	}
	const path = "tracer_provider.sampler"
	name, arg, ok := m.simpleSampler(s, path)
	if ok {
		m.cfg.Sampler, m.cfg.SamplerArg = name, arg
		return
	}
	if s.ParentBased == nil {
		return
	}
	pb := s.ParentBased
	pp := path + ".parent_based"
	root := "always_on"
	if pb.Root != nil {
		if root, arg, ok = m.simpleSampler(pb.Root, pp+".root"); !ok {
			if pb.Root.ParentBased != nil {
				m.p.add(pp+".root.parent_based", "not supported (obskit's root sampler is always_on, always_off or trace_id_ratio_based)")
			}
			return
		}
	}
	for _, c := range []struct {
		key      string
		s        *otelconf.Sampler
		alwaysOn bool
	}{
		{"remote_parent_sampled", pb.RemoteParentSampled, true}, {"remote_parent_not_sampled", pb.RemoteParentNotSampled, false},
		{"local_parent_sampled", pb.LocalParentSampled, true}, {"local_parent_not_sampled", pb.LocalParentNotSampled, false},
	} {
		if c.s == nil {
			continue
		}
		if !isOnly(c.s, c.alwaysOn) {
			want := "always_off"
			if c.alwaysOn {
				want = "always_on"
			}
			m.p.add(pp+"."+c.key, "not supported (obskit's parent-based samplers follow the parent's decision: want "+want+")")
		}
	}
	m.cfg.Sampler, m.cfg.SamplerArg = "parentbased_"+root, arg
}

// simpleSampler maps always_on, always_off and trace_id_ratio_based; ok is false for
// parent_based, or when s is not one sampler (reported).
func (m *fileMapper) simpleSampler(s *otelconf.Sampler, path string) (name, arg string, ok bool) {
	n := 0
	for _, on := range []bool{s.AlwaysOn != nil, s.AlwaysOff != nil, s.TraceIDRatioBased != nil, s.ParentBased != nil} {
		if on {
			n++
		}
	}
	if n != 1 {
		m.p.add(path, "want exactly one sampler: always_on, always_off, trace_id_ratio_based or parent_based")
		return "", "", false
	}
	switch {
	case s.AlwaysOn != nil:
		return "always_on", "", true
	case s.AlwaysOff != nil:
		return "always_off", "", true
	case s.TraceIDRatioBased != nil:
		ratio := 1.0
		if r := s.TraceIDRatioBased.Ratio; r != nil {
			ratio = *r
		}
		if !(ratio >= 0 && ratio <= 1) {
			m.p.add(path+".trace_id_ratio_based.ratio", "want a number from 0 to 1")
			return "", "", false
		}
		return "traceidratio", strconv.FormatFloat(ratio, 'g', -1, 64), true
	}
	return "", "", false
}

func isOnly(s *otelconf.Sampler, alwaysOn bool) bool {
	if s.TraceIDRatioBased != nil || s.ParentBased != nil {
		return false
	}
	if alwaysOn {
		return s.AlwaysOn != nil && s.AlwaysOff == nil
	}
	return s.AlwaysOff != nil && s.AlwaysOn == nil
}

func (m *fileMapper) metrics(mp *otelconf.MeterProvider) {
	m.cfg.MetricsExporter = []string{exporters.None}
	if mp == nil {
		return
	}
	if len(mp.Views) > 0 {
		m.p.add("meter_provider.views", "not supported (obskit has no metric views from a configuration file)")
	}
	if mp.ExemplarFilter != nil && *mp.ExemplarFilter != otelconf.ExemplarFilterTraceBased {
		m.p.add("meter_provider.exemplar_filter", "not supported (obskit keeps the SDK's trace_based filter)")
	}
	var names []string
	for i, r := range mp.Readers {
		path := indexPath("meter_provider.readers", i)
		switch {
		case r.Periodic != nil && r.Pull != nil:
			m.p.add(path, "want one reader: periodic or pull")
		case r.Periodic != nil:
			pr := r.Periodic
			pp := path + ".periodic"
			m.readerExtras(pp, pr.CardinalityLimits, pr.Producers)
			interval := m.millis(pp+".interval", pr.Interval, m.base.MetricExportInterval)
			timeout := m.millis(pp+".timeout", pr.Timeout, m.base.MetricExportTimeout)
			if m.readPath == "" {
				m.readPath = pp
				m.cfg.MetricExportInterval, m.cfg.MetricExportTimeout = interval, timeout
			} else if interval != m.cfg.MetricExportInterval || timeout != m.cfg.MetricExportTimeout {
				m.p.add(pp, "not supported (obskit's periodic readers share one interval and timeout: those of "+m.readPath+")")
			}
			e := pr.Exporter
			ep := pp + ".exporter"
			var h, g *otlpConfig
			if x := e.OTLPHttp; x != nil {
				m.metricExporterOptions(joinPath(ep, "otlp_http"), x.TemporalityPreference, x.DefaultHistogramAggregation)
				h = httpConfig(x.Endpoint, x.HeadersList, x.Compression, x.Headers, x.Timeout, x.Encoding, x.Tls)
			}
			if x := e.OTLPGrpc; x != nil {
				m.metricExporterOptions(joinPath(ep, "otlp_grpc"), x.TemporalityPreference, x.DefaultHistogramAggregation)
				g = grpcConfig(x.Endpoint, x.HeadersList, x.Compression, x.Headers, x.Timeout, x.Tls)
			}
			if x := e.Console; x != nil {
				m.metricExporterOptions(joinPath(ep, "console"), x.TemporalityPreference, x.DefaultHistogramAggregation)
			}
			names = m.exporter(exporters.Metrics, ep, exporterOf(h, g, e.Console != nil), names)
		case r.Pull != nil:
			pp := path + ".pull"
			m.readerExtras(pp, r.Pull.CardinalityLimits, r.Pull.Producers)
			ep := joinPath(pp+".exporter", prometheusKey)
			prom, _ := m.ext[ep].(*prometheusExporterConfig)
			if prom == nil {
				m.p.add(pp+".exporter", "want "+prometheusKey)
				continue
			}
			if m.pullPath != "" {
				m.p.add(pp, "not supported (obskit serves one prometheus endpoint, configured by "+m.pullPath+")")
				continue
			}
			if m.prometheus(ep, prom) {
				m.pullPath = pp
				if !slices.Contains(names, exporters.Prometheus) {
					names = append(names, exporters.Prometheus)
				}
			}
		default:
			m.p.add(path, "want one reader: periodic or pull")
		}
	}
	if len(names) > 0 {
		m.cfg.MetricsExporter = names
	}
}

func (m *fileMapper) readerExtras(path string, limits *otelconf.CardinalityLimits, producers []otelconf.MetricProducer) {
	if limits != nil {
		m.p.add(path+".cardinality_limits", "not supported (obskit keeps the SDK's cardinality limit)")
	}
	if len(producers) > 0 {
		m.p.add(path+".producers", "not supported (obskit has no metric producers)")
	}
}

func (m *fileMapper) metricExporterOptions(path string, temporality *otelconf.ExporterTemporalityPreference, hist *otelconf.ExporterDefaultHistogramAggregation) {
	if temporality != nil && *temporality != otelconf.ExporterTemporalityPreferenceCumulative {
		m.p.add(path+".temporality_preference", "not supported (obskit exports cumulative temporality)")
	}
	if hist != nil && *hist != otelconf.ExporterDefaultHistogramAggregationExplicitBucketHistogram {
		m.p.add(path+".default_histogram_aggregation", "not supported (obskit exports explicit bucket histograms)")
	}
}

func (m *fileMapper) prometheus(path string, p *prometheusExporterConfig) bool {
	before := len(m.p.errs)
	bad := func(key, problem string) { m.p.add(joinPath(path, key), problem) }
	if p.WithoutScopeInfo != nil && *p.WithoutScopeInfo {
		bad("without_scope_info", "not supported (obskit's prometheus exporter keeps scope info)")
	}
	if p.WithoutUnits != nil && *p.WithoutUnits {
		bad("without_units", "not supported (obskit's prometheus exporter keeps units)")
	}
	if p.WithoutTypeSuffix != nil && *p.WithoutTypeSuffix {
		bad("without_type_suffix", "not supported (obskit's prometheus exporter keeps type suffixes)")
	}
	if p.WithResourceConstantLabels != nil {
		bad("with_resource_constant_labels", "not supported (obskit's prometheus exporter adds no resource labels)")
	}
	if p.TranslationStrategy != nil && *p.TranslationStrategy != "underscore_escaping_with_suffixes" {
		bad("translation_strategy", "not supported (obskit's prometheus exporter uses underscore_escaping_with_suffixes)")
	}
	host := "localhost" // the schema's default
	if p.Host != nil && *p.Host != "" {
		host = *p.Host
	}
	port := 9464
	if p.Port != nil {
		port = *p.Port
	}
	if port < 0 || port > 65535 {
		bad("port", "want a port number from 0 to 65535")
	}
	if len(m.p.errs) > before {
		return false
	}
	m.cfg.PrometheusHost, m.cfg.PrometheusPort = host, port
	return true
}

func (m *fileMapper) logs(lp *otelconf.LoggerProvider) {
	m.cfg.LogsExporter = []string{exporters.None}
	if lp == nil {
		return
	}
	var names []string
	for i, proc := range lp.Processors {
		path := indexPath("logger_provider.processors", i)
		switch {
		case proc.Simple != nil:
			m.p.add(path+".simple", "not supported (obskit batches log records; use batch)")
		case proc.Batch != nil:
			b := proc.Batch
			bp := path + ".batch"
			delay := m.millis(bp+".schedule_delay", b.ScheduleDelay, m.base.BLRPScheduleDelay)
			timeout := m.millis(bp+".export_timeout", b.ExportTimeout, m.base.BLRPExportTimeout)
			queue := intOr(b.MaxQueueSize, m.base.BLRPMaxQueueSize)
			batch := intOr(b.MaxExportBatchSize, m.base.BLRPMaxExportBatchSize)
			if queue > maxLogQueueSize {
				m.p.add(bp+".max_queue_size", "want at most "+strconv.Itoa(maxLogQueueSize)+" (256 GiB)")
			}
			if m.blrpPath == "" {
				m.blrpPath = bp
				m.cfg.BLRPScheduleDelay, m.cfg.BLRPExportTimeout, m.cfg.BLRPMaxQueueSize, m.cfg.BLRPMaxExportBatchSize = delay, timeout, queue, batch
			} else if delay != m.cfg.BLRPScheduleDelay || timeout != m.cfg.BLRPExportTimeout || queue != m.cfg.BLRPMaxQueueSize || batch != m.cfg.BLRPMaxExportBatchSize {
				m.p.add(bp, "not supported (obskit has one log pipeline: its settings must be those of "+m.blrpPath+")")
			}
			names = m.exporter(exporters.Logs, bp+".exporter", spanOrLogExporter(b.Exporter.OTLPHttp, b.Exporter.OTLPGrpc, b.Exporter.Console != nil), names)
		default:
			m.p.add(path, "want one processor: batch")
		}
	}
	if len(names) > 0 {
		m.cfg.LogsExporter = names
	}
}
