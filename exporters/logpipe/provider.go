package logpipe

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/esper-platform/obskit/internal/selfobs"

	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
)

// ErrShutdown is returned by ForceFlush after Shutdown.
var ErrShutdown = errors.New("logpipe: provider is shut down")

// Provider is a [log.LoggerProvider] that encodes records to OTLP as they are
// emitted, queues them in a sharded, memory-bounded queue and exports them in
// batches with several workers. Create it with [NewProvider]; end it with
// [Provider.Shutdown].
type Provider struct {
	embedded.LoggerProvider

	cfg      config
	exporter Exporter
	queue    *queue
	encoders sync.Pool

	resourceField       []byte // ResourceLogs.resource field
	resourceSchemaField []byte // ResourceLogs.schema_url field

	loggersMu sync.Mutex
	loggers   map[scopeKey]*Logger
	scopes    atomic.Pointer[[]*scope] // by id; replaced, never changed

	// Counters kept by export workers.
	exported     atomic.Uint64
	exportFailed atomic.Uint64 // records in failed exports
	rejected     atomic.Uint64 // records rejected by the receiver
	tooLarge     atomic.Uint64 // records too large for the receiver, even alone
	drained      atomic.Uint64 // records dropped when Shutdown's deadline expired
	unknown      atomic.Uint64 // records in exports cancelled in flight by Shutdown's deadline
	lastErr      atomic.Pointer[string]

	stopped      atomic.Bool
	aborted      atomic.Bool
	exportCtx    context.Context
	cancelExport context.CancelCauseFunc
	progress     chan struct{} // signalled after each exported batch
	dropped      chan struct{} // signalled when a record is dropped
	stopFlusher  chan struct{}
	flusherDone  chan struct{}
	workers      sync.WaitGroup

	shutdownOnce sync.Once
	shutdownErr  error
	warner       *selfobs.Warner
	inst         *selfobs.Processor
}

var _ log.LoggerProvider = (*Provider)(nil)

// NewProvider returns a running Provider exporting through exporter.
// It starts the export workers and an interval flusher; call Shutdown to stop
// them. It returns an error only if its self-metrics cannot be registered.
func NewProvider(exporter Exporter, opts ...Option) (*Provider, error) {
	if exporter == nil {
		return nil, errors.New("logpipe: nil exporter")
	}
	cfg := newConfig(opts)
	p := &Provider{
		cfg:         cfg,
		exporter:    exporter,
		queue:       newQueue(cfg),
		loggers:     make(map[scopeKey]*Logger),
		progress:    make(chan struct{}, 1),
		dropped:     make(chan struct{}, 1),
		stopFlusher: make(chan struct{}),
		flusherDone: make(chan struct{}),
		warner:      selfobs.NewWarner(cfg.warnWriter, cfg.warnInterval, cfg.now),
	}
	p.encoders.New = func() any { return &encoder{buf: make([]byte, 0, 1024)} }
	if res := cfg.resource; res != nil {
		if res.Len() > 0 {
			b, start := beginLen(nil, tagResourceLogsResource)
			b = appendKeyValues(b, tagResourceAttributes, res.Iter())
			p.resourceField = endLen(b, start)
		}
		if u := res.SchemaURL(); u != "" {
			p.resourceSchemaField = appendString(nil, tagResourceLogsSchemaURL, u)
		}
	}
	inst, err := newInstrumentation(p)
	if err != nil {
		return nil, err
	}
	p.inst = inst
	p.exportCtx, p.cancelExport = context.WithCancelCause(context.Background())
	for range cfg.workers {
		p.workers.Add(1)
		go p.work()
	}
	go p.flushLoop()
	return p, nil
}

// Logger returns the Logger for the named instrumentation scope; the same
// name and options return the same Logger. It is safe for concurrent use.
func (p *Provider) Logger(name string, options ...log.LoggerOption) log.Logger {
	cfg := log.NewLoggerConfig(options...)
	attrs := cfg.InstrumentationAttributes()
	key := scopeKey{
		name:      name,
		version:   cfg.InstrumentationVersion(),
		schemaURL: cfg.SchemaURL(),
		attrs:     attrs.Equivalent(),
	}
	p.loggersMu.Lock()
	defer p.loggersMu.Unlock()
	if l, ok := p.loggers[key]; ok {
		return l
	}
	var scopes []*scope
	if old := p.scopes.Load(); old != nil {
		scopes = *old
	}
	sc := newScope(uint32(len(scopes)), name, cfg)
	scopes = append(scopes[:len(scopes):len(scopes)], sc)
	p.scopes.Store(&scopes)
	l := &Logger{p: p, scope: sc}
	p.loggers[key] = l
	return l
}

// Stats counts the records that went through a Provider. At all times
// Emitted = Exported + Dropped + Unknown + Queued; after Shutdown (or a
// ForceFlush with no concurrent logging) Queued is zero.
type Stats struct {
	Emitted  uint64 // records given to Emit
	Exported uint64 // records the exporter delivered
	Dropped  uint64 // records lost: the sum of the five Dropped* below
	// Unknown counts the records whose export was cancelled in flight when
	// Shutdown's deadline expired: the receiver may have taken them.
	Unknown uint64

	DroppedQueueFull    uint64 // the queue was full
	DroppedExportFailed uint64 // the export failed
	DroppedRejected     uint64 // the receiver rejected them (partial success)
	DroppedTooLarge     uint64 // too large for the receiver, even alone
	DroppedShutdown     uint64 // emitted after Shutdown or left when its deadline expired

	Queued uint64 // records waiting in the queue or being exported
}

// Stats returns the current counts. It is safe for concurrent use.
func (p *Provider) Stats() Stats {
	// Worker counters first: they never exceed the accepted count read after.
	s := Stats{
		Exported:            p.exported.Load(),
		DroppedExportFailed: p.exportFailed.Load(),
		DroppedRejected:     p.rejected.Load(),
		DroppedTooLarge:     p.tooLarge.Load(),
		Unknown:             p.unknown.Load(),
	}
	drained := p.drained.Load()
	accepted, full, closed := p.queue.counts()
	s.DroppedQueueFull = full
	s.DroppedShutdown = closed + drained
	s.Emitted = accepted + full + closed
	s.Dropped = s.DroppedQueueFull + s.DroppedExportFailed + s.DroppedRejected + s.DroppedTooLarge + s.DroppedShutdown
	if done := s.Exported + s.DroppedExportFailed + s.DroppedRejected + s.DroppedTooLarge + s.Unknown + drained; accepted > done {
		s.Queued = accepted - done
	}
	return s
}

func (p *Provider) signalDrop() {
	select {
	case p.dropped <- struct{}{}:
	default:
	}
}

// flushLoop seals partly filled batches every export interval and writes
// rate-limited warnings when records are dropped.
func (p *Provider) flushLoop() {
	defer close(p.flusherDone)
	t := time.NewTicker(p.cfg.interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			p.queue.sealAll(false)
		case <-p.dropped:
		case <-p.stopFlusher:
			return
		}
		p.warn(false)
	}
}

// warn writes a rate-limited warning (or, with force, an immediate one) if records were
// dropped since the last warning.
func (p *Provider) warn(force bool) {
	s := p.Stats()
	p.warner.Loss(s.Dropped, force, func(since uint64) string {
		msg := fmt.Sprintf("obskit logpipe: WARNING: dropped %d log records since the last warning; since start: %d (queue full: %d, export failed: %d, rejected: %d, too large: %d, after shutdown: %d)",
			since, s.Dropped, s.DroppedQueueFull, s.DroppedExportFailed, s.DroppedRejected, s.DroppedTooLarge, s.DroppedShutdown)
		if s.Unknown > 0 {
			msg += fmt.Sprintf("; fate unknown (exports cancelled in flight at shutdown): %d", s.Unknown)
		}
		if e := p.lastErr.Load(); e != nil {
			msg += "; last export error: " + *e
		}
		return msg
	})
}

// work exports sealed batches until the queue is closed.
func (p *Provider) work() {
	defer p.workers.Done()
	var b Batch
	for c := range p.queue.full {
		p.queue.exporting.Add(1)
		p.exportBatch(&b, c)
		p.queue.exporting.Add(-1)
	}
}

// exportBatch exports the sealed chunk c as b and counts the outcome.
func (p *Provider) exportBatch(b *Batch, c *chunk) {
	n := uint64(len(c.recs))
	defer func() {
		p.queue.release(c)
		p.notifyProgress()
	}()
	if p.aborted.Load() {
		p.drained.Add(n)
		return
	}
	b.reset(p, c)
	defer func() { b.c = nil }()
	ctx, cancel := context.WithTimeout(p.exportCtx, p.cfg.timeout)
	err := p.exporter.Export(ctx, b)
	abandoned := errors.Is(context.Cause(ctx), selfobs.ErrShutdownDeadline)
	cancel()
	var partial *PartialSuccessError
	switch {
	case err == nil:
		p.exported.Add(n)
	case errors.As(err, &partial) && partial.Rejected >= 0:
		p.countPartial(partial, n, abandoned)
		p.setLastErr(err)
	case abandoned:
		// Cancelled in flight by Shutdown's deadline: not known to be lost.
		p.unknown.Add(n)
		p.setLastErr(err)
	default:
		p.exportFailed.Add(n)
		p.setLastErr(err)
		p.signalDrop()
	}
}

// countPartial counts the n records of a batch that was partly delivered.
func (p *Provider) countPartial(e *PartialSuccessError, n uint64, abandoned bool) {
	lost := min(uint64(e.Rejected), n)
	tooLarge := min(uint64(max(e.TooLarge, 0)), lost)
	failed := min(uint64(max(e.Failed, 0)), lost-tooLarge)
	p.exported.Add(n - lost)
	p.tooLarge.Add(tooLarge)
	p.rejected.Add(lost - tooLarge - failed)
	if abandoned {
		p.unknown.Add(failed)
	} else {
		p.exportFailed.Add(failed)
	}
	if lost > 0 {
		p.signalDrop()
	}
}

func (p *Provider) setLastErr(err error) {
	s := err.Error()
	p.lastErr.Store(&s)
}

func (p *Provider) notifyProgress() {
	select {
	case p.progress <- struct{}{}:
	default:
	}
}

// settled reports whether every record accepted before the call that
// computed target has been exported or dropped.
func (p *Provider) settledCount() uint64 {
	return p.exported.Load() + p.exportFailed.Load() + p.rejected.Load() + p.tooLarge.Load() + p.unknown.Load() + p.drained.Load()
}

// ForceFlush exports every record emitted before the call and waits until
// they are exported or dropped, or until ctx is done. Records emitted during
// the call may or may not be included.
func (p *Provider) ForceFlush(ctx context.Context) error {
	if p.stopped.Load() {
		return ErrShutdown
	}
	// Count first: every record counted is then in a chunk that sealAll seals
	// (or that was sealed already).
	accepted, _, _ := p.queue.counts()
	p.queue.sealAll(false)
	return p.waitSettled(ctx, accepted)
}

func (p *Provider) waitSettled(ctx context.Context, target uint64) error {
	t := time.NewTimer(5 * time.Millisecond)
	defer t.Stop()
	for p.settledCount() < target {
		select {
		case <-p.progress:
		case <-t.C:
			t.Reset(5 * time.Millisecond)
		case <-ctx.Done():
			return fmt.Errorf("logpipe: flush: %d log records not yet exported: %w", target-min(target, p.settledCount()), ctx.Err())
		}
	}
	return nil
}

// Shutdown stops accepting records, exports everything queued and shuts the
// exporter down. If ctx expires first, in-flight exports are cancelled, the
// records still queued are dropped, and the error says how many records were
// not exported. Later records are dropped and counted. Shutdown is
// idempotent: later calls return the first call's result.
func (p *Provider) Shutdown(ctx context.Context) error {
	p.shutdownOnce.Do(func() { p.shutdownErr = p.shutdown(ctx) })
	return p.shutdownErr
}

func (p *Provider) shutdown(ctx context.Context) error {
	p.stopped.Store(true)
	close(p.stopFlusher)
	<-p.flusherDone
	p.queue.sealAll(true)
	close(p.queue.closed)
	// No shard accepts records now, so no more chunks are sealed.
	close(p.queue.full)

	done := make(chan struct{})
	go func() {
		p.workers.Wait()
		close(done)
	}()
	var errs []error
	select {
	case <-done:
	case <-ctx.Done():
		accepted, _, _ := p.queue.counts()
		pending := accepted - min(accepted, p.settledCount())
		unknownBefore := p.unknown.Load()
		p.aborted.Store(true)
		p.cancelExport(selfobs.ErrShutdownDeadline)
		<-done
		msg := fmt.Sprintf("logpipe: shutdown: %d log records not exported", pending)
		if u := p.unknown.Load() - unknownBefore; u > 0 {
			msg += fmt.Sprintf(" (%d of them in exports cancelled in flight, fate unknown: the receiver may have them)", u)
		}
		errs = append(errs, fmt.Errorf("%s: %w", msg, ctx.Err()))
	}
	p.cancelExport(nil)
	if err := p.exporter.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("logpipe: shutdown exporter: %w", err))
	}
	p.warn(true)
	p.inst.Freeze()
	return errors.Join(errs...)
}
