package testserver

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// StartPrometheusWithTargets is [StartPrometheus] for a config that scrapes
// several targets, such as deploy/scale-out/prometheus.yml: it copies the
// config at configPath (absolute, or relative to the repository root) into a
// t.TempDir() with each quoted target written there ("127.0.0.1:8891",
// quotes included in the file) replaced by the test's address given in
// targets (config's target -> test's "host:port"). Every key of targets must
// appear in the file exactly once, quoted, or the test ends. Otherwise as
// StartPrometheus: free loopback port, exemplar storage on, ready on return,
// stopped by a t.Cleanup. Call it from the test goroutine.
func StartPrometheusWithTargets(t testing.TB, configPath string, targets map[string]string) *Prometheus {
	t.Helper()
	template, err := repoFile(configPath)
	if err != nil {
		t.Fatalf("testserver: prometheus config: %v", err)
	}
	data, err := os.ReadFile(template)
	if err != nil {
		t.Fatalf("testserver: prometheus config: %v", err)
	}
	config := string(data)
	for inConfig, target := range targets {
		quoted := strconv.Quote(inConfig)
		if n := strings.Count(config, quoted); n != 1 {
			t.Fatalf("testserver: %s must hold the target %s exactly once, holds it %d times", template, quoted, n)
		}
		config = strings.Replace(config, quoted, strconv.Quote(target), 1)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatalf("testserver: %v", err)
	}
	addr := FreePort(t)
	p := &Prometheus{URL: "http://" + addr}
	p.process = &process{
		tool: ToolPrometheus,
		args: []string{
			"--config.file=" + path,
			"--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
			"--enable-feature=exemplar-storage",
		},
		ready: httpReady(p.URL + "/-/ready"),
	}
	startProcess(t, p.process)
	return p
}

// ScrapeMetrics reads the Prometheus text exposition at url (a Collector's
// own metrics, for instance) and returns the sum of the samples of the named
// metric whose labels include every label in match ("name": "value"), and
// whether there was any. A failed request or a status other than 200 is
// returned as an error, so that a caller polling a server that restarts can
// retry.
func ScrapeMetrics(ctx context.Context, url, metric string, match map[string]string) (sum float64, found bool, err error) {
	resp, err := httpGet(ctx, url)
	if err != nil {
		return 0, false, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, false, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	for line := range strings.Lines(string(resp.Body)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, labels, value, ok := parseSampleLine(line)
		if !ok || name != metric {
			continue
		}
		matches := true
		for k, v := range match {
			if labels[k] != v {
				matches = false
				break
			}
		}
		if matches {
			sum += value
			found = true
		}
	}
	return sum, found, nil
}

// parseSampleLine splits one sample line of the text exposition format,
// `name{a="x",b="y"} value [timestamp]`. Label values may hold escaped
// quotes and commas.
func parseSampleLine(line string) (name string, labels map[string]string, value float64, ok bool) {
	labels = map[string]string{}
	rest := line
	if i := strings.IndexAny(line, "{ "); i < 0 {
		return "", nil, 0, false
	} else if line[i] == '{' {
		name, rest = line[:i], line[i+1:]
		for {
			rest = strings.TrimLeft(rest, ", ")
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq < 0 {
				return "", nil, 0, false
			}
			key := rest[:eq]
			rest = rest[eq+2:]
			var b strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				switch c := rest[j]; {
				case c == '\\' && j+1 < len(rest):
					j++
					switch rest[j] {
					case 'n':
						b.WriteByte('\n')
					default:
						b.WriteByte(rest[j])
					}
				case c == '"':
					rest, closed = rest[j+1:], true
				default:
					b.WriteByte(c)
				}
				if closed {
					break
				}
			}
			if !closed {
				return "", nil, 0, false
			}
			labels[key] = b.String()
		}
	} else {
		name, rest = line[:i], line[i:]
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", nil, 0, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return "", nil, 0, false
	}
	return name, labels, v, true
}
