package telemetry

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// batchProcessor is the sdk/log Processor of obskit's log pipeline. Unlike sdk/log's
// BatchProcessor, which overwrites the oldest queued records without a trace when its queue
// is full, it never loses a record silently: OnEmit either queues the record or, when the
// queue is full, drops it, counts it (obskit.log.records.dropped) and writes a rate-limited
// warning; or, in blocking mode, waits for room. OnEmit never waits for the network.
//
// One goroutine owns the batch and every exporter call, so the exporter is never called
// concurrently.
type batchProcessor struct {
	exporter  sdklog.Exporter
	queue     chan sdklog.Record
	batchSize int
	interval  time.Duration
	timeout   time.Duration
	block     bool

	dropped   atomic.Int64
	dropWarn  *rateLimited
	errorWarn *rateLimited

	flush    chan request
	shutdown chan request
	done     chan struct{} // closed when the goroutine has returned
	stopped  atomic.Bool
}

type request struct {
	ctx  context.Context
	resp chan error
}

type batchSettings struct {
	queueSize, batchSize int
	interval, timeout    time.Duration
	block                bool
}

func newBatchProcessor(exp sdklog.Exporter, s batchSettings, dropWarn, errorWarn *rateLimited) *batchProcessor {
	if s.batchSize > s.queueSize {
		s.batchSize = s.queueSize
	}
	p := &batchProcessor{
		exporter:  exp,
		queue:     make(chan sdklog.Record, s.queueSize),
		batchSize: s.batchSize,
		interval:  s.interval,
		timeout:   s.timeout,
		block:     s.block,
		dropWarn:  dropWarn,
		errorWarn: errorWarn,
		flush:     make(chan request),
		shutdown:  make(chan request, 1),
		done:      make(chan struct{}),
	}
	go p.run()
	return p
}

// Enabled reports true: the level is applied before a record reaches the pipeline.
func (p *batchProcessor) Enabled(context.Context, sdklog.EnabledParameters) bool { return true }

// OnEmit queues a copy of r. It never blocks unless the processor is in blocking mode.
func (p *batchProcessor) OnEmit(_ context.Context, r *sdklog.Record) error {
	if p.stopped.Load() {
		return nil
	}
	if p.block {
		select {
		case p.queue <- r.Clone():
		case <-p.done:
		}
		return nil
	}
	select {
	case p.queue <- r.Clone():
	default:
		n := p.dropped.Add(1)
		p.dropWarn.warn(func() string {
			return "obskit: log export queue full (" + strconv.Itoa(cap(p.queue)) + " records): " +
				strconv.FormatInt(n, 10) + " log records dropped so far; see metric obskit.log.records.dropped"
		})
	}
	return nil
}

// Dropped returns how many records were dropped because the queue was full.
func (p *batchProcessor) Dropped() int64 { return p.dropped.Load() }

// ForceFlush exports every queued record and flushes the exporter.
func (p *batchProcessor) ForceFlush(ctx context.Context) error {
	if p.stopped.Load() {
		return nil
	}
	req := request{ctx: ctx, resp: make(chan error, 1)}
	select {
	case p.flush <- req:
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.resp:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown exports every queued record and shuts the exporter down. Later calls do nothing.
func (p *batchProcessor) Shutdown(ctx context.Context) error {
	if p.stopped.Swap(true) {
		return nil
	}
	req := request{ctx: ctx, resp: make(chan error, 1)}
	p.shutdown <- req // buffered: the only send
	select {
	case err := <-req.resp:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *batchProcessor) run() {
	defer close(p.done)
	buf := make([]sdklog.Record, 0, p.batchSize)
	timer := time.NewTimer(p.interval)
	defer timer.Stop()
	for {
		select {
		case r := <-p.queue:
			buf = append(buf, r)
			if len(buf) >= p.batchSize {
				buf = p.export(context.Background(), buf)
				timer.Reset(p.interval)
			}
		case <-timer.C:
			if len(buf) > 0 {
				buf = p.export(context.Background(), buf)
			}
			timer.Reset(p.interval)
		case req := <-p.flush:
			buf = p.drain(req.ctx, buf)
			req.resp <- errors.Join(req.ctx.Err(), p.exporter.ForceFlush(req.ctx))
		case req := <-p.shutdown:
			buf = p.drain(req.ctx, buf)
			req.resp <- errors.Join(req.ctx.Err(), p.exporter.Shutdown(req.ctx))
			return
		}
	}
}

// drain exports buf and what is queued now, in batches.
func (p *batchProcessor) drain(ctx context.Context, buf []sdklog.Record) []sdklog.Record {
	for n := len(p.queue); n > 0; n-- {
		buf = append(buf, <-p.queue)
		if len(buf) >= p.batchSize {
			buf = p.export(ctx, buf)
		}
	}
	if len(buf) > 0 {
		buf = p.export(ctx, buf)
	}
	return buf
}

// export sends buf within the export timeout and returns it emptied. A failure is reported
// in a rate-limited warning (the exporters count failures in their own metrics).
func (p *batchProcessor) export(ctx context.Context, buf []sdklog.Record) []sdklog.Record {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	err := p.exporter.Export(ctx, buf)
	cancel()
	if err != nil {
		n := len(buf)
		p.errorWarn.warn(func() string {
			return "obskit: log export failed, " + strconv.Itoa(n) + " records lost: " + err.Error()
		})
	}
	clear(buf)
	return buf[:0]
}
