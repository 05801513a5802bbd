package selfobs

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// Values of error.type on otel.sdk.processor.*.processed: why a processor dropped an item
// before handing it to its exporter.
const (
	// ErrorQueueFull: the item arrived while the queue was full.
	ErrorQueueFull = "queue_full"
	// ErrorShutdown: the item arrived after Shutdown, or was still queued when Shutdown's
	// deadline expired.
	ErrorShutdown = "shutdown"
)

// Signal says which signal's instruments a processor or exporter reports.
type Signal int

// The signals.
const (
	Spans Signal = iota
	Logs
	MetricDataPoints
)

// ProcessorCounts are a batching processor's counts since it was created.
type ProcessorCounts struct {
	// Created counts the items given to the processor (reported for logs only, as
	// otel.sdk.log.created).
	Created uint64
	// Processed counts the items handed to the exporter, whatever the export's outcome (the
	// exporter counts that).
	Processed uint64
	// QueueFull and Shutdown count the items the processor dropped, by cause.
	QueueFull uint64
	Shutdown  uint64
	// QueueSize is the number of items queued or being exported now.
	QueueSize int64
}

// Processor reports one batching processor's counts; see [RegisterProcessor].
type Processor struct {
	read  atomic.Pointer[func() ProcessorCounts]
	final atomic.Pointer[ProcessorCounts]
}

// RegisterProcessor registers, with mp's meter for scope, the observable instruments of a
// batching processor of sig (Spans or Logs) identified by c, with a queue of capacity items:
// otel.sdk.processor.{span,log}.processed, .queue.size and .queue.capacity, and for logs
// otel.sdk.log.created. Each collection calls read until [Processor.Freeze]. A nil mp is the
// global MeterProvider.
func RegisterProcessor(mp metric.MeterProvider, scope string, sig Signal, c Component, capacity int64, read func() ProcessorCounts) (*Processor, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(scope, metric.WithSchemaURL(semconv.SchemaURL))
	p := &Processor{}
	p.read.Store(&read)

	var (
		processed, created     metric.Int64ObservableCounter
		queueSize, queueCap    metric.Int64ObservableUpDownCounter
		err1, err2, err3, err4 error
	)
	switch sig {
	case Spans:
		var i1 otelconv.SDKProcessorSpanProcessedObservable
		var i2 otelconv.SDKProcessorSpanQueueSize
		var i3 otelconv.SDKProcessorSpanQueueCapacity
		i1, err1 = otelconv.NewSDKProcessorSpanProcessedObservable(m)
		i2, err2 = otelconv.NewSDKProcessorSpanQueueSize(m)
		i3, err3 = otelconv.NewSDKProcessorSpanQueueCapacity(m)
		processed, queueSize, queueCap = i1.Inst(), i2.Inst(), i3.Inst()
	case Logs:
		var i1 otelconv.SDKProcessorLogProcessedObservable
		var i2 otelconv.SDKProcessorLogQueueSize
		var i3 otelconv.SDKProcessorLogQueueCapacity
		var i4 otelconv.SDKLogCreatedObservable
		i1, err1 = otelconv.NewSDKProcessorLogProcessedObservable(m)
		i2, err2 = otelconv.NewSDKProcessorLogQueueSize(m)
		i3, err3 = otelconv.NewSDKProcessorLogQueueCapacity(m)
		i4, err4 = otelconv.NewSDKLogCreatedObservable(m)
		processed, queueSize, queueCap, created = i1.Inst(), i2.Inst(), i3.Inst(), i4.Inst()
	default:
		return nil, fmt.Errorf("selfobs: no processor instruments for signal %d", sig)
	}
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, fmt.Errorf("selfobs: create processor metrics: %w", err)
	}

	ok := metric.WithAttributeSet(c.Attributes())
	full := metric.WithAttributeSet(c.Attributes(semconv.ErrorTypeKey.String(ErrorQueueFull)))
	shutdown := metric.WithAttributeSet(c.Attributes(semconv.ErrorTypeKey.String(ErrorShutdown)))
	insts := []metric.Observable{processed, queueSize, queueCap}
	if created != nil {
		insts = append(insts, created)
	}
	_, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		s := p.Counts()
		// The drop causes are observed at zero too, so that a dashboard shows them before the
		// first drop.
		o.ObserveInt64(processed, int64(s.Processed), ok)
		o.ObserveInt64(processed, int64(s.QueueFull), full)
		o.ObserveInt64(processed, int64(s.Shutdown), shutdown)
		o.ObserveInt64(queueSize, s.QueueSize, ok)
		o.ObserveInt64(queueCap, capacity, ok)
		if created != nil {
			o.ObserveInt64(created, int64(s.Created))
		}
		return nil
	}, insts...)
	if err != nil {
		return nil, fmt.Errorf("selfobs: register processor metrics callback: %w", err)
	}
	return p, nil
}

// Counts returns the current counts, or the final ones once frozen.
func (p *Processor) Counts() ProcessorCounts {
	if f := p.final.Load(); f != nil {
		return *f
	}
	if r := p.read.Load(); r != nil {
		return (*r)()
	}
	return ProcessorCounts{}
}

// Freeze reads the counts one last time and reports them from then on, letting go of the
// read function (and so of the processor it reads). Call it at the end of Shutdown; later
// calls do nothing.
func (p *Processor) Freeze() {
	r := p.read.Swap(nil)
	if r == nil {
		return
	}
	s := (*r)()
	p.final.Store(&s)
}
