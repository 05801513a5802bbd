package envconfig_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/internal/testkit"
)

// versioned is written whole by each edit: every field holds the edit's number, so a
// configuration read from a half-written file fails validation.
type versioned struct {
	First int      `env:"FIRST,required"`
	Items []string `env:"ITEMS"`
	Level string   `env:"LEVEL" envDefault:"info"`
	Last  int      `env:"LAST,required"`
}

const versionItems = 200

func (v *versioned) Validate() error {
	if v.First != v.Last {
		return errors.New("first and last differ")
	}
	if len(v.Items) != versionItems {
		return errors.New("items cut short")
	}
	for _, it := range v.Items {
		if it != "v"+strconv.Itoa(v.First) {
			return errors.New("items of another version")
		}
	}
	return nil
}

func versionFile(n int, valid bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "first: %d\nitems:\n", n)
	for range versionItems {
		fmt.Fprintf(&b, "  - v%d\n", n)
	}
	if valid {
		fmt.Fprintf(&b, "last: %d\n", n)
	} else {
		b.WriteString("last: not-a-number\n")
	}
	return b.Bytes()
}

// TestWatchEditsUnderReader edits the file 100 times, in place (truncated, then written in two
// halves with a pause) or by rename, one edit in ten invalid: every configuration that apply
// sees is whole and valid, in edit order, and the last valid one is applied in the end.
func TestWatchEditsUnderReader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, versionFile(0, true), 0o600); err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		seen    []int
		refused atomic.Int64
		logs    testkit.SyncBuffer
	)
	apply := func(c versioned) {
		if err := c.Validate(); err != nil {
			t.Errorf("apply got an invalid configuration (%v): first %d last %d, %d items", err, c.First, c.Last, len(c.Items))
		}
		mu.Lock()
		defer mu.Unlock()
		if n := len(seen); n > 0 && c.First <= seen[n-1] {
			t.Errorf("apply got version %d after %d", c.First, seen[n-1])
		}
		seen = append(seen, c.First)
	}
	w, err := envconfig.Watch(t.Context(), apply, envconfig.WithFile(path), envconfig.WithEnvironment(nil),
		envconfig.WithInterval(2*time.Millisecond), envconfig.WithSIGHUP(false),
		envconfig.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		envconfig.WithErrorHandler(func(error) { refused.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())

	lastValid := 0
	for i := 1; i <= 100; i++ {
		valid := i%10 != 5
		content := versionFile(i, valid)
		if valid {
			lastValid = i
		}
		if i%2 == 0 {
			tmp := filepath.Join(dir, "config.yaml.tmp")
			if err := os.WriteFile(tmp, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		} else {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = f.Write(content[:len(content)/2])
			time.Sleep(time.Millisecond)
			_, _ = f.Write(content[len(content)/2:])
			_ = f.Close()
		}
		time.Sleep(time.Duration(i%4) * 3 * time.Millisecond)
	}
	deadline := time.Now().Add(10 * time.Second)
	for w.Current().First != lastValid && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := w.Current().First; got != lastValid {
		t.Fatalf("current version %d, want %d (seen %v)", got, lastValid, seen)
	}
	if len(seen) < 10 {
		t.Errorf("only %d versions applied: %v", len(seen), seen)
	}
	if refused.Load() == 0 || !strings.Contains(logs.String(), "configuration refused") {
		t.Errorf("no refused configuration reported (%d refused); logs:\n%s", refused.Load(), logs.String())
	}
	t.Logf("%d versions applied, %d refused", len(seen), refused.Load())
}

func TestWatchKeepsCurrentOnBadFile(t *testing.T) {
	path := writeFile(t, "config.yaml", "first: 1\nlast: 1\nitems: ["+strings.TrimSuffix(strings.Repeat("v1,", versionItems), ",")+"]\n")
	var logs testkit.SyncBuffer
	var applied atomic.Int64
	w, err := envconfig.Watch(t.Context(), func(versioned) { applied.Add(1) }, envconfig.WithFile(path),
		envconfig.WithEnvironment(nil), envconfig.WithInterval(time.Hour), envconfig.WithSIGHUP(false),
		envconfig.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())
	if err := os.WriteFile(path, []byte("first: 2\nlasst: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = w.Reload(t.Context())
	if !errors.Is(err, envconfig.ErrUnknownKey) || !strings.Contains(err.Error(), "did you mean last?") {
		t.Fatalf("Reload: %v", err)
	}
	if w.Current().First != 1 || applied.Load() != 1 {
		t.Errorf("bad file applied: current %+v, %d applies", w.Current().First, applied.Load())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "lasst") {
		t.Errorf("refusal not logged:\n%s", logs.String())
	}
	// An unchanged valid reload does not call apply again.
	if err := os.WriteFile(path, versionFile(1, true), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.Reload(t.Context()); err != nil || applied.Load() != 1 {
		t.Errorf("same configuration: err %v, %d applies", err, applied.Load())
	}
}

func TestWatchFirstLoadFails(t *testing.T) {
	path := writeFile(t, "config.yaml", "first: 1\n")
	w, err := envconfig.Watch(t.Context(), func(versioned) { t.Error("apply called") }, envconfig.WithFile(path), envconfig.WithEnvironment(nil))
	if w != nil || !errors.Is(err, envconfig.ErrNotSet) {
		t.Fatalf("Watch = %v, %v", w, err)
	}
}

func TestWatchSIGHUP(t *testing.T) {
	path := writeFile(t, "config.yaml", string(versionFile(1, true)))
	got := make(chan int, 4)
	w, err := envconfig.Watch(t.Context(), func(c versioned) { got <- c.First }, envconfig.WithFile(path),
		envconfig.WithEnvironment(nil), envconfig.WithInterval(time.Hour), envconfig.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())
	<-got
	if err := os.WriteFile(path, versionFile(2, true), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if v != 2 {
			t.Errorf("after SIGHUP: version %d", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGHUP did not reload")
	}
}

func TestWatchCloseHonoursContext(t *testing.T) {
	path := writeFile(t, "config.yaml", string(versionFile(1, true)))
	release := make(chan struct{})
	entered := make(chan struct{})
	first := true
	w, err := envconfig.Watch(t.Context(), func(versioned) {
		if first {
			first = false
			return
		}
		close(entered)
		<-release
	}, envconfig.WithFile(path), envconfig.WithEnvironment(nil), envconfig.WithInterval(time.Millisecond),
		envconfig.WithSIGHUP(false), envconfig.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, versionFile(2, true), 0o600); err != nil {
		t.Fatal(err)
	}
	<-entered // the watcher's goroutine is inside apply
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close while apply blocks = %v, want deadline exceeded", err)
	}
	close(release)
	if err := w.Close(context.Background()); err != nil {
		t.Fatalf("second Close = %v", err)
	}
}

func TestWatchMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	path := writeFile(t, "config.yaml", string(versionFile(1, true)))
	w, err := envconfig.Watch(t.Context(), func(versioned) {}, envconfig.WithFile(path), envconfig.WithEnvironment(nil),
		envconfig.WithInterval(time.Hour), envconfig.WithSIGHUP(false), envconfig.WithMeterProvider(mp),
		envconfig.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(context.Background())
	if err := os.WriteFile(path, []byte("first: x\nlast: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_ = w.Reload(t.Context())
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != envconfig.MetricLoadDuration || m.Unit != "s" {
				continue
			}
			for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
				op, _ := dp.Attributes.Value(attribute.Key(envconfig.AttrOperation))
				et, _ := dp.Attributes.Value("error.type")
				counts[op.AsString()+"/"+et.AsString()] += dp.Count
			}
		}
	}
	if counts["load/"] != 1 || counts["reload/invalid_value"] != 1 || len(counts) != 2 {
		t.Errorf("load durations by operation/error.type: %v", counts)
	}
}

func TestLog(t *testing.T) {
	path := writeFile(t, "config.yaml", goodYAML)
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	envconfig.Log(t.Context(), logger, envconfig.Describe[fileConfig](envconfig.WithFile(path),
		envconfig.WithEnvironment(map[string]string{"TRAINING_LR": "0.3"})))
	out := buf.String()
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("want one record, got:\n%s", out)
	}
	for _, want := range []string{
		`"msg":"configuration"`,
		`"TRAINING_LR":{"value":"0.3","source":"env+config-file","key":"training.lr","location":"` + path + `:14"}`,
		`"DB_PASSWORD":{"value":"[REDACTED]","source":"config-file"`,
		`"TIMEOUT":{"value":"30s","source":"config-file"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("record lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "file-secret-value") || strings.Contains(out, "tok-in-file") {
		t.Errorf("record shows a secret:\n%s", out)
	}
}
