package reliability_test

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var fuzzTime = flag.Duration("reliability.fuzztime", 10*time.Second, "TestReliabilityReport -update: how long each fuzz target runs")

// reportFile is the report's path relative to the repository root.
const reportFile = "RELIABILITY.md"

// report is everything RELIABILITY.md shows; the file ends with it as JSON, from which the rest
// of the file is rendered.
type report struct {
	Generated string // UTC date and time of the run
	Platform  string // GOOS/GOARCH, CPUs, Go version
	Long      bool   // the long variants ran
	Passed    map[string]bool

	Outage   outageFigures
	Shutdown shutdownFigures
	S3       s3FaultFigures
	Soak     soakFigures
	Fuzz     []fuzzFigure
	Canaries canaryFigures
	BadInput badInputFigures
}

// fuzzFigure is one fuzz target's run.
type fuzzFigure struct {
	Package, Name  string
	Seconds        float64
	Execs          int64
	NewInteresting int64
	Passed         bool
}

// The items of the report, in order, as they appear in Passed.
const (
	itemOutage   = "1. Collector outage"
	itemShutdown = "2. Shutdown loses nothing"
	itemS3       = "3. S3 faults"
	itemSoak     = "4. Soak"
	itemFuzz     = "5. Fuzzing"
	itemCanaries = "6. Secret canaries"
	itemBadInput = "7. Bad input"
)

// TestReliabilityReport keeps RELIABILITY.md honest. With -update it runs every measurement of
// this package (the short or the long variants, see -reliability.long), runs each fuzz target of
// the root module for -reliability.fuzztime, and rewrites the file, failures included. Without
// -update it changes nothing: it reads the figures recorded at the end of the file, renders the
// report from them again and fails if the text differs (the file was edited by hand, or the
// template changed without a new run), if a figure breaks the claim it supports, or if a fuzz
// target of the repository is missing from the report.
func TestReliabilityReport(t *testing.T) {
	path := filepath.Join(repoRoot(t), reportFile)
	if !*updateFlag {
		checkReport(t, path)
		return
	}
	r := report{
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Platform:  fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Long:      long(),
		Passed:    map[string]bool{},
	}
	measure := func(item string, fn func(t *testing.T)) {
		r.Passed[item] = t.Run(item, fn)
	}
	measure(itemOutage, func(t *testing.T) { r.Outage = measureOutage(t) })
	measure(itemShutdown, func(t *testing.T) { r.Shutdown = measureShutdown(t) })
	measure(itemS3, func(t *testing.T) { r.S3 = measureS3Faults(t) })
	measure(itemSoak, func(t *testing.T) { r.Soak = measureSoak(t) })
	measure(itemFuzz, func(t *testing.T) { r.Fuzz = runFuzzTargets(t, *fuzzTime) })
	measure(itemCanaries, func(t *testing.T) { r.Canaries = measureCanaries(t) })
	measure(itemBadInput, func(t *testing.T) { r.BadInput = measureBadInput(t) })
	text, err := renderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// checkReport is TestReliabilityReport without -update.
func checkReport(t *testing.T, path string) {
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: generate it with go test ./internal/reliability -run TestReliabilityReport -update", err)
	}
	r, err := parseReport(string(text))
	if err != nil {
		t.Fatalf("%s: %v", reportFile, err)
	}
	again, err := renderReport(r)
	if err != nil {
		t.Fatal(err)
	}
	if again != string(text) {
		t.Errorf("%s is not what its figures render (edited by hand, or the template changed): run go test ./internal/reliability -run TestReliabilityReport -update\nfirst difference at line %d",
			reportFile, firstDifference(again, string(text)))
	}
	for _, item := range []string{itemOutage, itemShutdown, itemS3, itemSoak, itemFuzz, itemCanaries, itemBadInput} {
		if _, ok := r.Passed[item]; !ok {
			t.Errorf("%s has no result for %q", reportFile, item)
		}
	}
	o := r.Outage
	if o.Sent == 0 || o.Sent != o.Delivered+o.Dropped {
		t.Errorf("outage: sent %d != delivered %d + dropped %d", o.Sent, o.Delivered, o.Dropped)
	}
	if s := r.Shutdown; s.Logged == 0 || s.Delivered != s.Logged || s.DeadlineNotExported == 0 {
		t.Errorf("shutdown: %d logged, %d delivered, %d reported not exported", s.Logged, s.Delivered, s.DeadlineNotExported)
	}
	if len(r.S3.Cases) == 0 {
		t.Error("no S3 fault case recorded")
	}
	if s := r.Soak; s.Samples == 0 || s.HeapGrowthPct >= 5 || s.GoroutineGrowthPct >= 5 || !s.GoleakClean {
		t.Errorf("soak: %d samples, heap %+.1f%%, goroutines %+.1f%%, goleak clean %v", s.Samples, s.HeapGrowthPct, s.GoroutineGrowthPct, s.GoleakClean)
	}
	var leaked int
	for _, run := range r.Canaries.Runs {
		leaked += run.Leaks
	}
	if len(r.Canaries.Runs) == 0 || leaked > 0 {
		t.Errorf("canaries: %d runs, %d leaks", len(r.Canaries.Runs), leaked)
	}
	reported := map[string]bool{}
	for _, fz := range r.Fuzz {
		reported[fz.Package+"."+fz.Name] = true
		if fz.Execs == 0 {
			t.Errorf("fuzz target %s.%s ran no input", fz.Package, fz.Name)
		}
	}
	for _, fz := range fuzzTargets(t) {
		if !reported[fz.Package+"."+fz.Name] {
			t.Errorf("fuzz target %s in %s is not in %s: run go test ./internal/reliability -run TestReliabilityReport -update", fz.Name, fz.Package, reportFile)
		}
	}
}

// figuresMarker opens the JSON block at the end of the report.
const figuresMarker = "<!-- figures (rendered into the text above; see TestReliabilityReport)\n"

func parseReport(text string) (report, error) {
	var r report
	i := strings.LastIndex(text, figuresMarker)
	if i < 0 {
		return r, fmt.Errorf("no figures block")
	}
	body, _, ok := strings.Cut(text[i+len(figuresMarker):], "\n-->")
	if !ok {
		return r, fmt.Errorf("the figures block is not closed")
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, fmt.Errorf("figures: %w", err)
	}
	return r, nil
}

// firstDifference returns the first line number at which a and b differ.
func firstDifference(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}

// fuzzTargets lists every func Fuzz* in the root module's test files, as scripts/test.sh finds
// them.
func fuzzTargets(t *testing.T) []fuzzFigure {
	t.Helper()
	root := repoRoot(t)
	var out []fuzzFigure
	re := regexp.MustCompile(`^func (Fuzz[A-Za-z0-9_]*)\(`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				rel, _ := filepath.Rel(root, filepath.Dir(path))
				out = append(out, fuzzFigure{Package: "./" + filepath.ToSlash(rel), Name: m[1]})
			}
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b fuzzFigure) int { return strings.Compare(a.Package+a.Name, b.Package+b.Name) })
	return out
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// fuzzProgress is the fuzzer's progress line.
var fuzzProgress = regexp.MustCompile(`fuzz: elapsed: \d+s, execs: (\d+) \(\d+/sec\), new interesting: (\d+)`)

// runFuzzTargets runs each fuzz target for d with go test -fuzz and reads its last progress line.
func runFuzzTargets(t *testing.T, d time.Duration) []fuzzFigure {
	targets := fuzzTargets(t)
	for i, fz := range targets {
		began := time.Now()
		// -fuzzminimizetime as scripts/test.sh sets it: a bounded minimisation of each new input.
		cmd := exec.Command("go", "test", "-run", "^$", "-fuzz", "^"+fz.Name+"$", "-fuzztime", d.String(), "-fuzzminimizetime", "50x", fz.Package)
		cmd.Dir = repoRoot(t)
		out, err := cmd.CombinedOutput()
		targets[i].Seconds = time.Since(began).Seconds()
		targets[i].Passed = err == nil
		if m := fuzzProgress.FindAllStringSubmatch(string(out), -1); len(m) > 0 {
			targets[i].Execs, _ = strconv.ParseInt(m[len(m)-1][1], 10, 64)
			targets[i].NewInteresting, _ = strconv.ParseInt(m[len(m)-1][2], 10, 64)
		}
		if err != nil {
			t.Errorf("%s in %s: %v\n%s", fz.Name, fz.Package, err, lastLines(string(out), 20))
		}
		t.Logf("%s in %s: %d execs in %v", fz.Name, fz.Package, targets[i].Execs, d)
	}
	return targets
}
