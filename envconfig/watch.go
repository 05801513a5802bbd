package envconfig

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/metric"
)

// WatchOption configures [Watch]: every [Option] of [Load] (WithFile, WithPrefix,
// WithEnvironment) and the options below, which only Watch reads.
type WatchOption interface {
	applyWatch(watchConfig) watchConfig
}

type watchConfig struct {
	config
	interval      time.Duration
	logger        *slog.Logger
	meterProvider metric.MeterProvider
	onError       func(error)
	noSignal      bool
}

func (f optionFunc) applyWatch(c watchConfig) watchConfig { c.config = f(c.config); return c }

type watchOptionFunc func(watchConfig) watchConfig

func (f watchOptionFunc) applyWatch(c watchConfig) watchConfig { return f(c) }

// DefaultWatchInterval is how often [Watch] looks at the configuration file by default.
const DefaultWatchInterval = time.Second

// WithInterval sets how often [Watch] looks at the configuration file's modification time and
// size. A change is acted upon once the file has stayed the same for one interval, so that a
// file being written is not read half-way. Default (zero or negative): [DefaultWatchInterval].
func WithInterval(d time.Duration) WatchOption {
	return watchOptionFunc(func(c watchConfig) watchConfig { c.interval = d; return c })
}

// WithLogger sets the logger to which [Watch] reports each reload, applied or refused, as one
// record. Default (or nil): slog.Default().
func WithLogger(l *slog.Logger) WatchOption {
	return watchOptionFunc(func(c watchConfig) watchConfig { c.logger = l; return c })
}

// WithMeterProvider sets the provider of the obskit.config.load.duration histogram recorded by
// [Watch]. Default (or nil): the OTel global provider.
func WithMeterProvider(mp metric.MeterProvider) WatchOption {
	return watchOptionFunc(func(c watchConfig) watchConfig { c.meterProvider = mp; return c })
}

// WithErrorHandler sets a function that [Watch] calls with each refused configuration's
// [*Error], from the watcher's goroutine, after logging it. Default (or nil): logging only.
func WithErrorHandler(f func(error)) WatchOption {
	return watchOptionFunc(func(c watchConfig) watchConfig { c.onError = f; return c })
}

// WithSIGHUP(false) stops [Watch] from reloading on SIGHUP. Default: true, a SIGHUP reloads at
// once (and no longer terminates the process while the watcher runs).
func WithSIGHUP(on bool) WatchOption {
	return watchOptionFunc(func(c watchConfig) watchConfig { c.noSignal = !on; return c })
}

// Watcher holds the current configuration read by [Watch] and reloads it. Its methods are
// safe for concurrent use.
type Watcher[T any] struct {
	c       watchConfig
	apply   func(T)
	inst    instruments
	mu      sync.Mutex // serializes loads and calls of apply
	current atomic.Pointer[T]
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	signals chan os.Signal
}

// Watch loads a T as [Load] does with the same options, hands it to apply, then reloads it
// while ctx lasts: when the file of [WithFile] changes (looked at every [WithInterval]), on
// SIGHUP (see [WithSIGHUP]) and on [Watcher.Reload]. A reload reads the file and the
// environment again and validates the result; apply receives it only when it is whole and
// valid, and differs from the current configuration. A refused configuration leaves the current
// one in place and is reported: a warning record on the logger of [WithLogger], and the error
// handed to [WithErrorHandler]. Each load's duration and outcome is recorded in the
// obskit.config.load.duration histogram.
//
// apply is called once at a time: first by Watch itself before it returns, then from the
// watcher's goroutine. When the first load fails, Watch returns its error and watches nothing.
// Stop the watcher with [Watcher.Close] or by cancelling ctx.
func Watch[T any](ctx context.Context, apply func(T), opts ...WatchOption) (*Watcher[T], error) {
	var c watchConfig
	for _, o := range opts {
		if o != nil {
			c = o.applyWatch(c)
		}
	}
	if c.interval <= 0 {
		c.interval = DefaultWatchInterval
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	if apply == nil {
		apply = func(T) {}
	}
	w := &Watcher[T]{c: c, apply: apply, inst: newInstruments(c.meterProvider),
		stop: make(chan struct{}), done: make(chan struct{})}
	stamp := statFile(c.file)
	cfg, err := w.load(ctx, opLoad)
	if err != nil {
		return nil, err
	}
	w.current.Store(&cfg)
	apply(cfg)
	if !c.noSignal {
		w.signals = make(chan os.Signal, 1)
		signal.Notify(w.signals, syscall.SIGHUP)
	}
	go w.run(ctx, stamp)
	return w, nil
}

// Current returns the configuration last handed to apply.
func (w *Watcher[T]) Current() T { return *w.current.Load() }

// Reload reads the configuration now, as a file change does, and returns why it was refused
// (nil when it was applied or unchanged).
func (w *Watcher[T]) Reload(ctx context.Context) error {
	return w.reload(ctx, "call")
}

// Close stops the watcher and waits, until ctx is done, for its goroutine to end; apply is not
// called once Close has returned nil. Close is idempotent.
func (w *Watcher[T]) Close(ctx context.Context) error {
	w.once.Do(func() {
		close(w.stop)
		if w.signals != nil {
			signal.Stop(w.signals)
		}
	})
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *Watcher[T]) run(ctx context.Context, seen fileStamp) {
	defer close(w.done)
	var tick <-chan time.Time
	if w.c.file != "" {
		t := time.NewTicker(w.c.interval)
		defer t.Stop()
		tick = t.C
	}
	pending := false
	for {
		select {
		case <-ctx.Done():
			w.once.Do(func() {
				if w.signals != nil {
					signal.Stop(w.signals)
				}
			})
			return
		case <-w.stop:
			return
		case <-w.signals:
			_ = w.reload(ctx, "signal")
		case <-tick:
			now := statFile(w.c.file)
			switch {
			case now != seen:
				seen, pending = now, true // wait for the file to stay the same one interval
			case pending:
				if err := w.reload(ctx, "file"); !errors.Is(err, errChangedWhileReading) {
					pending = false
				}
			}
		}
	}
}

// errChangedWhileReading: the file changed while it was read; it is read again once quiet.
var errChangedWhileReading = errors.New("envconfig: the configuration file changed while it was read")

func (w *Watcher[T]) reload(ctx context.Context, trigger string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.stop:
		return nil
	default:
	}
	before := statFile(w.c.file)
	cfg, err := w.load(ctx, opReload)
	if err == nil && statFile(w.c.file) != before {
		return errChangedWhileReading
	}
	if err != nil {
		w.c.logger.LogAttrs(ctx, slog.LevelWarn, "envconfig: configuration refused, keeping the current one",
			slog.String("trigger", trigger), slog.String("file", w.c.file), slog.Any("error", err))
		if w.c.onError != nil {
			w.c.onError(err)
		}
		return err
	}
	if reflect.DeepEqual(cfg, *w.current.Load()) {
		return nil
	}
	w.current.Store(&cfg)
	w.c.logger.LogAttrs(ctx, slog.LevelInfo, "envconfig: configuration reloaded",
		slog.String("trigger", trigger), slog.String("file", w.c.file))
	w.apply(cfg)
	return nil
}

func (w *Watcher[T]) load(ctx context.Context, op string) (T, error) {
	start := time.Now()
	cfg, err := load[T](w.c.config)
	w.inst.record(ctx, op, time.Since(start), err)
	return cfg, err
}

// fileStamp is what the watcher compares to tell that a file changed.
type fileStamp struct {
	mod  int64 // modification time, Unix nanoseconds
	size int64
	ok   bool
}

func statFile(path string) fileStamp {
	if path == "" {
		return fileStamp{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: fi.ModTime().UnixNano(), size: fi.Size(), ok: true}
}
