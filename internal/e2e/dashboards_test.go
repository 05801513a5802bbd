package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// dashboardsDir holds the Grafana dashboards, relative to the repository root.
const dashboardsDir = "deploy/grafana/dashboards"

// dashboardQuery is one query of one panel of a provisioned dashboard.
type dashboardQuery struct {
	Dashboard  string // file name
	Panel      string // panel title
	RefID      string
	Datasource string // data source type: prometheus, loki, ...
	Expr       string // as written, Grafana variables included
	Exemplar   bool
}

// Name identifies the query in test names and messages.
func (q dashboardQuery) Name() string {
	return strings.TrimSuffix(q.Dashboard, ".json") + "/" + q.Panel + "/" + q.RefID
}

// grafanaDashboard is the part of a dashboard's JSON model the test reads.
type grafanaDashboard struct {
	UID        string         `json:"uid"`
	Title      string         `json:"title"`
	Panels     []grafanaPanel `json:"panels"`
	Templating struct {
		List []grafanaVariable `json:"list"`
	} `json:"templating"`
}

type grafanaPanel struct {
	Type       string             `json:"type"`
	Title      string             `json:"title"`
	Datasource *grafanaDatasource `json:"datasource"`
	Targets    []struct {
		RefID      string             `json:"refId"`
		Expr       string             `json:"expr"`
		Exemplar   bool               `json:"exemplar"`
		Datasource *grafanaDatasource `json:"datasource"`
	} `json:"targets"`
	Panels []grafanaPanel `json:"panels"` // a collapsed row's panels
}

type grafanaDatasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type grafanaVariable struct {
	Name       string `json:"name"`
	IncludeAll bool   `json:"includeAll"`
	AllValue   string `json:"allValue"`
	Current    struct {
		Value any `json:"value"`
	} `json:"current"`
}

// readDashboards parses every dashboard file and returns them by file name.
func readDashboards(t *testing.T) map[string]grafanaDashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), dashboardsDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards in %s (%v)", dashboardsDir, err)
	}
	out := map[string]grafanaDashboard{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d grafanaDashboard
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = d
	}
	return out
}

// queriesOf returns every query of every panel (rows' panels included) of d, in panel order.
func queriesOf(file string, d grafanaDashboard) []dashboardQuery {
	var out []dashboardQuery
	var walk func([]grafanaPanel)
	walk = func(panels []grafanaPanel) {
		for _, p := range panels {
			walk(p.Panels)
			for _, tg := range p.Targets {
				ds := p.Datasource
				if tg.Datasource != nil {
					ds = tg.Datasource
				}
				q := dashboardQuery{Dashboard: file, Panel: p.Title, RefID: tg.RefID, Expr: tg.Expr, Exemplar: tg.Exemplar}
				if ds != nil {
					q.Datasource = ds.Type
				}
				out = append(out, q)
			}
		}
	}
	walk(d.Panels)
	return out
}

// grafanaBuiltins are the values given to Grafana's own interval variables when a query is
// run outside Grafana: Prometheus scrapes every second in the test, so one minute holds
// plenty of samples.
var grafanaBuiltins = map[string]string{
	"__rate_interval": "1m",
	"__interval":      "1m",
	"__range":         "5m",
	"__auto":          "1m",
}

var grafanaVarRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)(?::[A-Za-z]+)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]`)

// substituteVariables replaces Grafana variables in expr the way Grafana would with every
// dashboard variable at "All" (its allValue) or, without All, at its current value; interval
// variables get grafanaBuiltins. It returns the names it could not resolve.
func substituteVariables(expr string, vars []grafanaVariable) (string, []string) {
	values := map[string]string{}
	for k, v := range grafanaBuiltins {
		values[k] = v
	}
	for _, v := range vars {
		switch {
		case v.IncludeAll && v.AllValue != "":
			values[v.Name] = v.AllValue
		case v.IncludeAll:
			values[v.Name] = ".*"
		default:
			switch cur := v.Current.Value.(type) {
			case string:
				values[v.Name] = cur
			case []any:
				if len(cur) == 1 {
					if s, ok := cur[0].(string); ok {
						values[v.Name] = s
					}
				}
			}
		}
	}
	var unknown []string
	out := grafanaVarRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := grafanaVarRef.FindStringSubmatch(ref)
		name := m[1] + m[2] + m[3]
		if v, ok := values[name]; ok {
			return v
		}
		unknown = append(unknown, name)
		return ref
	})
	sort.Strings(unknown)
	return out, slices.Compact(unknown)
}

// TestDashboardsWellFormed checks, without any server, what Grafana and the end-to-end test
// rely on: a unique uid and title per dashboard, a query in every panel, known data sources
// (the uids provisioned in deploy/grafana/provisioning/datasources), and no variable that is
// not defined.
func TestDashboardsWellFormed(t *testing.T) {
	dashboards := readDashboards(t)
	uids, titles := map[string]string{}, map[string]string{}
	knownDatasources := map[string]string{"prometheus": "prometheus", "loki": "loki"} // type -> uid
	for file, d := range dashboards {
		t.Run(file, func(t *testing.T) {
			if d.UID == "" || d.Title == "" {
				t.Fatalf("uid %q, title %q: both are needed", d.UID, d.Title)
			}
			if other, ok := uids[d.UID]; ok {
				t.Errorf("uid %q is also that of %s", d.UID, other)
			}
			if other, ok := titles[d.Title]; ok {
				t.Errorf("title %q is also that of %s", d.Title, other)
			}
			uids[d.UID], titles[d.Title] = file, file
			queries := queriesOf(file, d)
			if len(queries) == 0 {
				t.Fatal("no queries")
			}
			var walk func([]grafanaPanel)
			walk = func(panels []grafanaPanel) {
				for _, p := range panels {
					walk(p.Panels)
					if p.Type != "row" && len(p.Targets) == 0 {
						t.Errorf("panel %q has no query", p.Title)
					}
					if p.Datasource != nil {
						if uid, ok := knownDatasources[p.Datasource.Type]; !ok || uid != p.Datasource.UID {
							t.Errorf("panel %q: data source %+v is not a provisioned one", p.Title, *p.Datasource)
						}
					}
				}
			}
			walk(d.Panels)
			for _, q := range queries {
				if strings.TrimSpace(q.Expr) == "" {
					t.Errorf("%s: empty expression", q.Name())
				}
				if _, unknown := substituteVariables(q.Expr, d.Templating.List); len(unknown) > 0 {
					t.Errorf("%s: undefined variables %v in %s", q.Name(), unknown, q.Expr)
				}
			}
		})
	}
}

func TestSubstituteVariables(t *testing.T) {
	vars := []grafanaVariable{
		{Name: "service", IncludeAll: true, AllValue: ".+"},
		{Name: "op", IncludeAll: true},
		{Name: "env"},
	}
	vars[2].Current.Value = "prod"
	tests := []struct {
		in, want string
		unknown  []string
	}{
		{`rate(x{s=~"$service"}[$__rate_interval])`, `rate(x{s=~".+"}[1m])`, nil},
		{`x{s=~"${service}", o=~"[[op]]", e="${env:raw}"}`, `x{s=~".+", o=~".*", e="prod"}`, nil},
		{`x{a="$nope"}[$__range]`, `x{a="$nope"}[5m]`, []string{"nope"}},
		{`sum(x)`, `sum(x)`, nil},
	}
	for _, tt := range tests {
		got, unknown := substituteVariables(tt.in, vars)
		if got != tt.want || !slices.Equal(unknown, tt.unknown) {
			t.Errorf("substituteVariables(%q) = %q, %v; want %q, %v", tt.in, got, unknown, tt.want, tt.unknown)
		}
	}
}
