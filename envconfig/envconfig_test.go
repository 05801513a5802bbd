package envconfig_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/envconfig"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const canary = "canary-7f3a9c-value"

type withHidden struct {
	Name   string
	Token  envconfig.Secret
	hidden envconfig.Secret
	Ptr    *envconfig.Secret
	List   []envconfig.Secret
	Map    map[string]envconfig.Secret
}

func TestSecretNeverPrinted(t *testing.T) {
	s := envconfig.NewSecret(canary)
	v := withHidden{Name: "n", Token: s, hidden: s, Ptr: &s, List: []envconfig.Secret{s}, Map: map[string]envconfig.Secret{"k": s}}

	var forms []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-8v", "%T"} {
		forms = append(forms, fmt.Sprintf(verb, s), fmt.Sprintf(verb, v), fmt.Sprintf(verb, &v))
	}
	forms = append(forms, s.String(), s.GoString(), fmt.Sprint(s, v), fmt.Sprintln(v))
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	forms = append(forms, string(b))
	txt, _ := s.MarshalText()
	forms = append(forms, string(txt))
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("m", "secret", s, "cfg", v, slog.Group("g", "s", s))
		l.With("w", s).Info("with")
	}
	forms = append(forms, buf.String())
	for i, f := range forms {
		if strings.Contains(f, canary) {
			t.Errorf("form %d shows the secret: %s", i, f)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", v), "Token:[REDACTED]") {
		t.Errorf("%%+v = %+v, want Token:[REDACTED]", v)
	}
	if s.Reveal() != canary || !s.IsSet() {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
	var zero envconfig.Secret
	if zero.Reveal() != "" || zero.IsSet() {
		t.Error("zero Secret should be empty")
	}
}

type allKinds struct {
	S   string            `env:"S" envDefault:"dflt"`
	I   int               `env:"I"`
	I8  int8              `env:"I8"`
	U   uint16            `env:"U"`
	F   float64           `env:"F"`
	B   bool              `env:"B"`
	D   time.Duration     `env:"D"`
	L   []int             `env:"L"`
	M   map[string]string `env:"M"`
	Sec envconfig.Secret  `env:"SEC"`
	N   nested            `envPrefix:"N_"`
	P   *nested           `envPrefix:"P_"`
	Ign string            `env:"-"`
}

type nested struct {
	Host string `env:"HOST" envDefault:"localhost"`
	Port int    `env:"PORT"`
}

func TestLoadKinds(t *testing.T) {
	environ := map[string]string{
		"X_I": "-3", "X_I8": "12", "X_U": "65535", "X_F": "2.5", "X_B": "true", "X_D": "1m30s",
		"X_L": "1,2,3", "X_M": "a:1,b:2", "X_SEC": canary, "X_N_PORT": "70", "X_Ign": "no",
	}
	before := maps.Clone(environ)
	got, err := envconfig.Load[allKinds](envconfig.WithPrefix("X_"), envconfig.WithEnvironment(environ))
	if err != nil {
		t.Fatal(err)
	}
	want := allKinds{S: "dflt", I: -3, I8: 12, U: 65535, F: 2.5, B: true, D: 90 * time.Second,
		L: []int{1, 2, 3}, M: map[string]string{"a": "1", "b": "2"}, N: nested{Host: "localhost", Port: 70}}
	got.Sec, want.Sec = envconfig.Secret{}, envconfig.Secret{}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if !maps.Equal(environ, before) {
		t.Error("Load modified the injected environment")
	}
}

func TestLoadReportsEveryBadVariableWithoutValues(t *testing.T) {
	type cfg struct {
		A   int              `env:"A"`
		B   bool             `env:"B"`
		C   time.Duration    `env:"C"`
		R   string           `env:"R,required"`
		E   string           `env:"E,notEmpty"`
		Sec envconfig.Secret `env:"SEC,required"`
		N   nested           `envPrefix:"N_"`
		M   nested           `envPrefix:"M_"`
		U   uint8            `env:"U"`
		L   []int            `env:"L"`
	}
	environ := map[string]string{
		"A": canary + "1", "B": canary + "2", "C": canary + "3", "E": "",
		"N_PORT": canary + "4", "M_PORT": canary + "5", "U": "300", "L": "1," + canary,
	}
	_, err := envconfig.Load[cfg](envconfig.WithEnvironment(environ))
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	if strings.Contains(msg, canary) || strings.Contains(msg, "300") {
		t.Fatalf("error quotes a value: %s", msg)
	}
	want := map[string]error{
		"A": envconfig.ErrInvalid, "B": envconfig.ErrInvalid, "C": envconfig.ErrInvalid,
		"R": envconfig.ErrNotSet, "E": envconfig.ErrEmpty, "SEC": envconfig.ErrNotSet,
		"N_PORT": envconfig.ErrInvalid, "M_PORT": envconfig.ErrInvalid, "U": envconfig.ErrInvalid,
		"L": envconfig.ErrInvalid,
	}
	var cerr *envconfig.Error
	if !errors.As(err, &cerr) {
		t.Fatalf("not an *envconfig.Error: %T", err)
	}
	got := map[string]error{}
	for _, e := range cerr.Errors {
		var ve *envconfig.VarError
		if !errors.As(e, &ve) {
			t.Fatalf("not a *VarError: %v", e)
		}
		got[ve.Var] = ve.Kind
	}
	if !maps.EqualFunc(got, want, func(a, b error) bool { return a == b }) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if !strings.Contains(msg, "N_PORT: invalid value: want an integer") || !strings.Contains(msg, "M_PORT") {
		t.Errorf("nested fields with the same Go name not told apart: %s", msg)
	}
}

type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return fmt.Errorf("level must be low or high, got %q", b)
	}
	return nil
}

type leveled struct {
	Level level `env:"LEVEL"`
}

func TestTextUnmarshalerErrorsKeepTheirAdviceButNotTheValue(t *testing.T) {
	_, err := envconfig.Load[leveled](envconfig.WithEnvironment(map[string]string{"LEVEL": canary}))
	if err == nil || strings.Contains(err.Error(), canary) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "LEVEL: invalid value: want a valid level") {
		t.Errorf("err = %v", err)
	}
}

type validated struct {
	Min int `env:"MIN" envDefault:"1"`
	Max int `env:"MAX" envDefault:"10"`
}

func (v *validated) Validate() error {
	if v.Min > v.Max {
		return errors.New("MIN must not exceed MAX")
	}
	return nil
}

func TestValidate(t *testing.T) {
	if _, err := envconfig.Load[validated](envconfig.WithEnvironment(nil)); err != nil {
		t.Fatal(err)
	}
	_, err := envconfig.Load[validated](envconfig.WithEnvironment(map[string]string{"MIN": "20"}))
	if err == nil || !strings.Contains(err.Error(), "MIN must not exceed MAX") {
		t.Fatalf("err = %v", err)
	}
}

type secretCfg struct {
	Pass envconfig.Secret `env:"PASS"`
	Key  envconfig.Secret `env:"KEY,required"`
	Plan string           `env:"PLAIN"`
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pass := write("pass", canary+"\r\n")
	key := write("key", "k\n\n")
	tests := []struct {
		name    string
		environ map[string]string
		wantErr error
		wantVar string
		pass    string
		key     string
	}{
		{name: "both from files", environ: map[string]string{"APP_PASS_FILE": pass, "APP_KEY_FILE": key}, pass: canary, key: "k"},
		{name: "env and file mixed", environ: map[string]string{"APP_PASS": "p", "APP_KEY_FILE": key}, pass: "p", key: "k"},
		{name: "empty _FILE ignored", environ: map[string]string{"APP_PASS_FILE": "", "APP_KEY": "k"}, key: "k"},
		{name: "both set", environ: map[string]string{"APP_PASS": "p", "APP_PASS_FILE": pass, "APP_KEY": "k"}, wantErr: envconfig.ErrConflict, wantVar: "APP_PASS"},
		{name: "missing file", environ: map[string]string{"APP_KEY_FILE": filepath.Join(dir, canary)}, wantErr: envconfig.ErrFile, wantVar: "APP_KEY_FILE"},
		{name: "directory", environ: map[string]string{"APP_KEY_FILE": dir}, wantErr: envconfig.ErrFile, wantVar: "APP_KEY_FILE"},
		{name: "_FILE only for secrets", environ: map[string]string{"APP_PLAIN_FILE": pass, "APP_KEY": "k"}, key: "k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := envconfig.Load[secretCfg](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(tt.environ))
			if tt.wantErr != nil {
				var ve *envconfig.VarError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &ve) || ve.Var != tt.wantVar {
					t.Fatalf("err = %v, want %v on %s", err, tt.wantErr, tt.wantVar)
				}
				if strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), canary) {
					t.Fatalf("error shows a value: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Pass.Reveal() != tt.pass || got.Key.Reveal() != tt.key || got.Plan != "" {
				t.Errorf("pass=%q key=%q plain=%q", got.Pass.Reveal(), got.Key.Reveal(), got.Plan)
			}
		})
	}
}

func TestDescribeSources(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	if err := os.WriteFile(p, []byte(canary), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := envconfig.Describe[secretCfg](envconfig.WithEnvironment(map[string]string{
		"KEY_FILE": p, "PLAIN": "x",
	}))
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Source.String() + "=" + v.Value
		if strings.Contains(fmt.Sprintf("%+v", v), canary) {
			t.Errorf("Describe shows the secret: %+v", v)
		}
	}
	want := map[string]string{"PASS": "unset=", "KEY": "file=[REDACTED]", "PLAIN": "env=x"}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !vars[1].Secret || !vars[1].Required || vars[1].Type != "secret" {
		t.Errorf("KEY described as %+v", vars[1])
	}
}

func TestProcessEnvironment(t *testing.T) {
	t.Setenv("OBSKIT_ENVCONFIG_TEST_PORT", "4242")
	got, err := envconfig.Load[nested](envconfig.WithPrefix("OBSKIT_ENVCONFIG_TEST_"))
	if err != nil || got.Port != 4242 || got.Host != "localhost" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestSecretFileTooLarge(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), envconfig.MaxSecretFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := envconfig.Load[secretCfg](envconfig.WithEnvironment(map[string]string{"KEY_FILE": p}))
	if !errors.Is(err, envconfig.ErrFile) || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Fatalf("err = %v", err)
	}
}

type joinedValidation struct {
	Min int `env:"MIN" envDefault:"1"`
	Max int `env:"MAX" envDefault:"10"`
}

func (v *joinedValidation) Validate() error {
	var errs []error
	if v.Min < 0 {
		errs = append(errs, &envconfig.VarError{Var: "MIN", Kind: envconfig.ErrInvalid, Expected: "want a non-negative integer"})
	}
	if v.Max < 0 {
		errs = append(errs, &envconfig.VarError{Var: "MAX", Kind: envconfig.ErrInvalid, Expected: "want a non-negative integer"})
	}
	return errors.Join(errs...)
}

// A Validator that joins its problems gets them listed one by one in Load's *Error.
func TestValidateJoinedErrorsAreFlattened(t *testing.T) {
	_, err := envconfig.Load[joinedValidation](envconfig.WithEnvironment(map[string]string{"MIN": "-1", "MAX": "-2"}))
	var cerr *envconfig.Error
	if !errors.As(err, &cerr) || len(cerr.Errors) != 2 {
		t.Fatalf("err = %#v, want an *Error with 2 parts", err)
	}
	want := "envconfig: 2 problems: MIN: invalid value: want a non-negative integer; MAX: invalid value: want a non-negative integer"
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestJoin(t *testing.T) {
	a := &envconfig.VarError{Var: "A", Kind: envconfig.ErrInvalid}
	b := &envconfig.VarError{Var: "B", Kind: envconfig.ErrNotSet}
	c := errors.New("C")
	aAgain := &envconfig.VarError{Var: "A", Kind: envconfig.ErrInvalid}
	wrapped := fmt.Errorf("both: %w, %w", b, c)
	for _, tt := range []struct {
		name string
		in   []error
		want []error // nil: Join returns nil
	}{
		{"none", nil, nil},
		{"all nil", []error{nil, nil}, nil},
		{"empty join", []error{errors.Join(nil)}, nil},
		{"one", []error{a}, []error{a}},
		{"nested joins", []error{errors.Join(a, errors.Join(b, nil, errors.Join(c)))}, []error{a, b, c}},
		{"an *Error inside", []error{c, &envconfig.Error{Errors: []error{a, b}}}, []error{c, a, b}},
		{"repeats dropped, first kept", []error{a, b, aAgain, errors.Join(b, c)}, []error{a, b, c}},
		{"a wrapper with words of its own kept whole", []error{wrapped, b}, []error{wrapped, b}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := envconfig.Join(tt.in...)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Join = %v, want nil", err)
				}
				return
			}
			cerr, ok := err.(*envconfig.Error)
			if !ok {
				t.Fatalf("Join = %T, want *envconfig.Error", err)
			}
			if len(cerr.Errors) != len(tt.want) {
				t.Fatalf("Join = %q, want %d parts", err, len(tt.want))
			}
			for i := range tt.want {
				if cerr.Errors[i] != tt.want[i] {
					t.Errorf("part %d = %v, want %v", i, cerr.Errors[i], tt.want[i])
				}
			}
		})
	}
}

// Environ copies the injected map (changing the copy leaves it alone), and reads the process
// environment when none is injected.
func TestEnviron(t *testing.T) {
	given := map[string]string{"A": "1"}
	got := envconfig.Environ(envconfig.WithPrefix("X_"), envconfig.WithEnvironment(given))
	if !maps.Equal(got, given) {
		t.Errorf("Environ = %v, want %v", got, given)
	}
	got["B"] = "2"
	if _, ok := given["B"]; ok {
		t.Error("Environ returned the injected map, not a copy")
	}
	if got := envconfig.Environ(envconfig.WithEnvironment(nil)); len(got) != 0 {
		t.Errorf("Environ(WithEnvironment(nil)) = %v, want empty", got)
	}
	t.Setenv("ENVCONFIG_TEST_ENVIRON", "v=1")
	if got := envconfig.Environ()["ENVCONFIG_TEST_ENVIRON"]; got != "v=1" {
		t.Errorf("Environ()[ENVCONFIG_TEST_ENVIRON] = %q, want v=1", got)
	}
}

type namesNested struct {
	Token envconfig.Secret  `env:"TOKEN"`
	Ptr   *envconfig.Secret `env:"PTR"`
	Level string            `env:"LEVEL"`
}

type namesCfg struct {
	Port    int    `env:"PORT"`
	Skipped string `env:"-"`
	NoTag   string
	hidden  string       `env:"HIDDEN"` //nolint:unused // unexported fields are not read
	Inner   namesNested  `envPrefix:"IN_"`
	PtrIn   *namesNested `envPrefix:"P_"`
	Addr    url.URL      `env:"ADDR"`
}

func TestNames(t *testing.T) {
	got := envconfig.Names[namesCfg](envconfig.WithPrefix("APP_"))
	want := []string{"APP_PORT",
		"APP_IN_TOKEN", "APP_IN_TOKEN_FILE", "APP_IN_PTR", "APP_IN_PTR_FILE", "APP_IN_LEVEL",
		"APP_P_TOKEN", "APP_P_TOKEN_FILE", "APP_P_PTR", "APP_P_PTR_FILE", "APP_P_LEVEL",
		"APP_ADDR"}
	if !slices.Equal(got, want) {
		t.Errorf("Names =\n%v\nwant\n%v", got, want)
	}
	// Every name Describe lists is among them: the two walk the same tags.
	for _, v := range envconfig.Describe[namesCfg](envconfig.WithPrefix("APP_"), envconfig.WithEnvironment(nil)) {
		if !slices.Contains(got, v.Name) {
			t.Errorf("Describe lists %s, Names does not", v.Name)
		}
	}
	_ = namesCfg{}.hidden // present to show that unexported fields are not variables
	if got := envconfig.Names[int](); len(got) != 0 {
		t.Errorf("Names[int] = %v, want none", got)
	}
}
