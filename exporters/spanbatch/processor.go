package spanbatch

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/esper-platform/obskit/internal/selfobs"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Processor is a batching [sdktrace.SpanProcessor]: ended spans wait in a
// bounded queue and are exported in batches by one goroutine, when a batch is
// full or when the schedule delay has passed. Unlike the SDK's
// BatchSpanProcessor, ending a span does not wake that goroutine: OnEnd only
// appends to the queue under a mutex, and the goroutine is signalled once per
// full batch. Spans that end while the queue is full are dropped and counted
// ([Stats], and the metrics in the package documentation).
//
// Its methods are safe for concurrent use. Create one with [New].
type Processor struct {
	exp sdktrace.SpanExporter
	cfg config

	mu     sync.Mutex
	queue  []sdktrace.ReadOnlySpan // spans waiting, at most cfg.maxQueue
	spare  []sdktrace.ReadOnlySpan // the other buffer, while the goroutine is not exporting it
	closed bool
	woken  bool  // the goroutine was signalled for a full batch and has not taken the queue yet
	stats  Stats // counters, written under mu

	full     chan struct{}  // a batch is full; capacity 1
	flushReq chan chan bool // ForceFlush: export what is queued, then answer
	stop     chan struct{}  // closed by Shutdown
	stopCtx  context.Context
	done     chan struct{} // closed when the goroutine returns

	shutdownOnce sync.Once
	shutdownErr  error
	inst         *selfobs.Processor
	warner       *selfobs.Warner
	lastErr      atomic.Pointer[string] // the last export error
}

var _ sdktrace.SpanProcessor = (*Processor)(nil)

// Stats are the processor's counts since it was created. Every span given to
// OnEnd (sampled) ends up in exactly one of Exported, Dropped* or Queued.
type Stats struct {
	// Ended counts the sampled spans given to OnEnd.
	Ended uint64
	// Exported counts the spans in successful exports.
	Exported uint64
	// DroppedQueueFull counts the spans that ended while the queue was full.
	DroppedQueueFull uint64
	// DroppedExportFailed counts the spans of exports that failed.
	DroppedExportFailed uint64
	// DroppedShutdown counts the spans that ended after Shutdown.
	DroppedShutdown uint64
	// ExportFailures counts the failed calls of ExportSpans.
	ExportFailures uint64
	// Queued is the number of spans waiting or being exported now.
	Queued uint64
}

// New returns a Processor that exports through exp, and starts its goroutine;
// [Processor.Shutdown] stops it. It returns an error only for a nil exporter
// or when its metrics cannot be registered.
func New(exp sdktrace.SpanExporter, opts ...Option) (*Processor, error) {
	if exp == nil {
		return nil, errors.New("spanbatch: nil exporter")
	}
	c := newConfig(opts)
	p := &Processor{
		exp:      exp,
		cfg:      c,
		queue:    make([]sdktrace.ReadOnlySpan, 0, c.maxQueue),
		spare:    make([]sdktrace.ReadOnlySpan, 0, c.maxQueue),
		full:     make(chan struct{}, 1),
		flushReq: make(chan chan bool),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		warner:   selfobs.NewWarner(c.warnWriter, c.warnInterval, nil),
	}
	inst, err := newInstrumentation(p)
	if err != nil {
		return nil, err
	}
	p.inst = inst
	go p.run()
	return p, nil
}

// OnStart implements sdktrace.SpanProcessor; it does nothing.
func (p *Processor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

// OnEnd implements sdktrace.SpanProcessor: it queues s if s is sampled, or
// drops and counts it if the queue is full or the processor is shut down. It
// never blocks on the exporter and wakes the export goroutine only when the
// queue reaches a full batch.
func (p *Processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if !s.SpanContext().IsSampled() {
		return
	}
	p.mu.Lock()
	p.stats.Ended++
	switch {
	case p.closed:
		p.stats.DroppedShutdown++
	case len(p.queue) >= p.cfg.maxQueue:
		p.stats.DroppedQueueFull++
	default:
		p.queue = append(p.queue, s)
		n := len(p.queue)
		if n == p.cfg.maxBatch {
			p.woken = true
			select {
			case p.full <- struct{}{}:
			default:
			}
		}
		yield := p.woken && n >= p.cfg.maxQueue/2
		p.mu.Unlock()
		if yield {
			// The export goroutine was woken for a full batch but has not taken the queue: it
			// is runnable (or still busy with the previous batch), waiting for a processor
			// that goroutines ending spans keep busy. Yield this one rather than fill the
			// queue and drop spans. With an exporter slower than the spans come, this costs
			// a yield per span between half and full queue, then spans are dropped as with
			// the SDK's batcher (bench/README.md has the delivered share with and without).
			runtime.Gosched()
		}
		return
	}
	p.mu.Unlock()
}

// Stats returns the processor's counts.
func (p *Processor) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Queued = s.Ended - s.Exported - s.DroppedQueueFull - s.DroppedExportFailed - s.DroppedShutdown
	return s
}

// ForceFlush exports every span queued when it is called and returns when
// that is done, or ctx's error if ctx ends first (the export goes on). It
// then calls the exporter's ForceFlush, if it has one. After Shutdown it does
// nothing and returns nil, as the SDK's BatchSpanProcessor does.
func (p *Processor) ForceFlush(ctx context.Context) error {
	answer := make(chan bool, 1)
	select {
	case p.flushReq <- answer:
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case ok := <-answer:
		if !ok {
			return errors.New("spanbatch: ForceFlush: an export failed")
		}
	case <-ctx.Done():
		return ctx.Err()
	}
	if f, ok := p.exp.(interface{ ForceFlush(context.Context) error }); ok {
		return f.ForceFlush(ctx)
	}
	return nil
}

// Shutdown exports what is queued (spans that end afterwards are dropped and
// counted), stops the goroutine and shuts the exporter down. The last export
// runs under ctx (and the export timeout): with ctx already done it fails at
// once for an exporter that honours its context, and the spans it held are
// counted as dropped. If ctx ends before the goroutine is done, Shutdown
// returns ctx's error; the goroutine still ends once its last export returns.
// Shutdown is idempotent: later calls return the first call's result.
func (p *Processor) Shutdown(ctx context.Context) error {
	p.shutdownOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		p.stopCtx = ctx
		close(p.stop)
		var err error
		select {
		case <-p.done:
		case <-ctx.Done():
			err = ctx.Err()
		}
		p.shutdownErr = errors.Join(err, p.exp.Shutdown(ctx))
		p.warn(true)
		p.inst.Freeze()
	})
	return p.shutdownErr
}

// run is the export goroutine.
func (p *Processor) run() {
	defer close(p.done)
	timer := time.NewTimer(p.cfg.scheduleDelay)
	defer timer.Stop()
	for {
		select {
		case <-p.full:
		case <-timer.C:
		case answer := <-p.flushReq:
			answer <- p.exportQueued(context.Background())
			p.warn(false)
			continue
		case <-p.stop:
			p.exportQueued(p.stopCtx)
			return
		}
		p.exportQueued(context.Background())
		p.warn(false)
		timer.Reset(p.cfg.scheduleDelay)
	}
}

// exportQueued takes every queued span and exports them in batches of at most
// the batch size. It reports whether every export succeeded.
func (p *Processor) exportQueued(ctx context.Context) bool {
	p.mu.Lock()
	spans := p.queue
	p.queue, p.spare = p.spare, nil
	p.woken = false
	p.mu.Unlock()

	ok := true
	for i := 0; i < len(spans); i += p.cfg.maxBatch {
		if !p.export(ctx, spans[i:min(i+p.cfg.maxBatch, len(spans))]) {
			ok = false
		}
	}
	clear(spans) // let the exported spans go
	p.mu.Lock()
	p.spare = spans[:0]
	p.mu.Unlock()
	return ok
}

// export hands one batch to the exporter and counts the result.
func (p *Processor) export(ctx context.Context, batch []sdktrace.ReadOnlySpan) bool {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.exportTimeout)
	defer cancel()
	err := p.exp.ExportSpans(ctx, batch)
	p.mu.Lock()
	if err != nil {
		p.stats.ExportFailures++
		p.stats.DroppedExportFailed += uint64(len(batch))
	} else {
		p.stats.Exported += uint64(len(batch))
	}
	p.mu.Unlock()
	if err != nil {
		msg := err.Error()
		p.lastErr.Store(&msg)
	}
	return err == nil
}

// warn writes a rate-limited warning (or, with force, an immediate one) if spans were dropped
// since the last warning. It runs on the export goroutine and in Shutdown, never in OnEnd.
func (p *Processor) warn(force bool) {
	s := p.Stats()
	lost := s.DroppedQueueFull + s.DroppedExportFailed + s.DroppedShutdown
	p.warner.Loss(lost, force, func(since uint64) string {
		msg := fmt.Sprintf("obskit spanbatch: WARNING: dropped %d spans since the last warning; since start: %d (queue full: %d, export failed: %d, after shutdown: %d)",
			since, lost, s.DroppedQueueFull, s.DroppedExportFailed, s.DroppedShutdown)
		if e := p.lastErr.Load(); e != nil {
			msg += "; last export error: " + *e
		}
		return msg
	})
}
