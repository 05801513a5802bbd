package procenv_test

import (
	"maps"
	"testing"

	"github.com/esper-platform/obskit/examples/internal/procenv"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want map[string]string
	}{
		{"empty", nil, map[string]string{}},
		{"values", []string{"A=1", "B=", "C=x=y"}, map[string]string{"A": "1", "B": "", "C": "x=y"}},
		{"last wins", []string{"A=1", "A=2"}, map[string]string{"A": "2"}},
		{"no equals skipped", []string{"JUNK", "A=1"}, map[string]string{"A": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := procenv.Parse(tc.in); !maps.Equal(got, tc.want) {
				t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestMapSeesProcessEnvironment(t *testing.T) {
	t.Setenv("PROCENV_TEST_VAR", "v=1")
	if got := procenv.Map()["PROCENV_TEST_VAR"]; got != "v=1" {
		t.Errorf("Map()[PROCENV_TEST_VAR] = %q, want v=1", got)
	}
}
