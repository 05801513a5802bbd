package selfobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// Values of error.type on otel.sdk.exporter.*.exported, besides otelconv.ErrorTypeOther.
const (
	// ErrorTimeout: the export's deadline passed.
	ErrorTimeout = "timeout"
	// ErrorCanceled: the export's context was cancelled.
	ErrorCanceled = "canceled"
	// ErrorRejected: the receiver rejected the items (an OTLP partial success).
	ErrorRejected = "rejected"
	// ErrorShutdownDeadline: the export was still in flight when the deadline of the
	// pipeline's Shutdown expired, and was cancelled. The items are not known to be lost: the
	// receiver may have taken them before the cancellation. Their fate is unknown.
	ErrorShutdownDeadline = "shutdown_deadline"
	// ErrorTooLarge: the receiver refused the item for its size, even alone in a request.
	ErrorTooLarge = "too_large"
)

// ErrShutdownDeadline is the cause with which a pipeline cancels the exports still in flight
// when its Shutdown's deadline expires (context.WithCancelCause); an export error that wraps
// it is counted under [ErrorShutdownDeadline].
var ErrShutdownDeadline = errors.New("export cancelled in flight at the shutdown deadline; the receiver may have taken it (fate unknown)")

// outcomes are the buckets of exported items, in the order of Exporter.counts.
var outcomes = [...]string{"", ErrorTimeout, ErrorCanceled, ErrorRejected, string(otelconv.ErrorTypeOther), ErrorShutdownDeadline, ErrorTooLarge}

// Indexes in outcomes.
const (
	rejectedOutcome = 3
	unknownOutcome  = 5
	tooLargeOutcome = 6
)

// Exporter counts one exporter's items by outcome. Its methods are safe for concurrent use
// and record nothing but atomics; [Exporter.Register] reports the counts through observable
// instruments.
type Exporter struct {
	sig      Signal
	c        Component
	counts   [len(outcomes)]atomic.Uint64 // by outcome; [0] is success
	inflight atomic.Int64

	duration atomic.Pointer[durationRecorder] // set by Register

	mu  sync.Mutex
	reg metric.Registration
}

// durationRecorder records otel.sdk.exporter.operation.duration, by outcome.
type durationRecorder struct {
	h    metric.Float64Histogram
	opts [len(outcomes)]metric.RecordOption
}

// NewExporter returns the counts of the exporter of sig identified by c.
func NewExporter(sig Signal, c Component) *Exporter { return &Exporter{sig: sig, c: c} }

// Component returns the exporter's component.
func (e *Exporter) Component() Component { return e.c }

// Start records n items handed to the exporter and returns the time the export starts; call
// End with it and the export's result.
func (e *Exporter) Start(n int) time.Time {
	e.inflight.Add(int64(n))
	return time.Now()
}

// End records the result of the export of n items begun with Start at start: with err nil, n
// items exported, of which rejected were rejected by the receiver; with err wrapping
// [ErrShutdownDeadline], n items of unknown fate; with another err, n items failed, by the
// cause err gives (timeout, canceled or _OTHER). It records the export's duration, the only
// synchronous measurement here: one per export call.
func (e *Exporter) End(start time.Time, n, rejected int, err error) {
	if err == nil {
		e.EndPartial(start, n, Partial{Rejected: rejected})
		return
	}
	e.EndPartial(start, n, Partial{Failed: n, Err: err})
}

// Partial is the outcome of an export call whose items fared differently: the items not
// counted here were delivered.
type Partial struct {
	// Rejected items were refused by the receiver (an OTLP partial success).
	Rejected int
	// TooLarge items were refused by the receiver for their size, even alone.
	TooLarge int
	// Failed items belong to a part of the export that failed with Err: counted by the cause
	// Err gives, as End does.
	Failed int
	Err    error
}

// EndPartial records the result of the export of n items begun with Start at start, as p
// gives it (the counts are clamped to n). The call's duration is recorded with the error.type
// of its failed part if any, else too_large or rejected if any item was.
func (e *Exporter) EndPartial(start time.Time, n int, p Partial) {
	e.inflight.Add(-int64(n))
	left := n
	take := func(k int) int {
		k = min(max(k, 0), left)
		left -= k
		return k
	}
	failed, tooLarge, rejected := take(p.Failed), take(p.TooLarge), take(p.Rejected)
	e.counts[0].Add(uint64(left))
	e.counts[tooLargeOutcome].Add(uint64(tooLarge))
	e.counts[rejectedOutcome].Add(uint64(rejected))
	outcome := 0
	switch {
	case failed > 0 || p.Err != nil:
		outcome = errorOutcome(p.Err)
		e.counts[outcome].Add(uint64(failed))
	case tooLarge > 0:
		outcome = tooLargeOutcome
	case rejected > 0:
		outcome = rejectedOutcome
	}
	if d := e.duration.Load(); d != nil {
		d.h.Record(context.Background(), time.Since(start).Seconds(), d.opts[outcome])
	}
}

// errorOutcome returns the index in outcomes of a failure with err.
func errorOutcome(err error) int {
	switch {
	case errors.Is(err, ErrShutdownDeadline):
		return unknownOutcome
	case errors.Is(err, context.DeadlineExceeded):
		return 1
	case errors.Is(err, context.Canceled):
		return 2
	default:
		return 4
	}
}

// Exported returns the items exported, those that failed (all causes together) and those of
// unknown fate.
func (e *Exporter) Exported() (ok, failed, unknown uint64) {
	ok = e.counts[0].Load()
	for i := 1; i < len(e.counts); i++ {
		if i != unknownOutcome {
			failed += e.counts[i].Load()
		}
	}
	return ok, failed, e.counts[unknownOutcome].Load()
}

// Register reports the counts through mp's meter for scope, as
// otel.sdk.exporter.{span,log,metric_data_point}.exported (error.type on failed items) and
// .inflight, and records later exports' durations as otel.sdk.exporter.operation.duration
// (error.type on failed exports), replacing an earlier registration. A nil mp is the global
// MeterProvider.
func (e *Exporter) Register(mp metric.MeterProvider, scope string) error {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(scope, metric.WithSchemaURL(semconv.SchemaURL))
	var (
		exported   metric.Int64ObservableCounter
		inflight   metric.Int64ObservableUpDownCounter
		err1, err2 error
	)
	switch e.sig {
	case Spans:
		var i1 otelconv.SDKExporterSpanExportedObservable
		var i2 otelconv.SDKExporterSpanInflightObservable
		i1, err1 = otelconv.NewSDKExporterSpanExportedObservable(m)
		i2, err2 = otelconv.NewSDKExporterSpanInflightObservable(m)
		exported, inflight = i1.Inst(), i2.Inst()
	case Logs:
		var i1 otelconv.SDKExporterLogExportedObservable
		var i2 otelconv.SDKExporterLogInflightObservable
		i1, err1 = otelconv.NewSDKExporterLogExportedObservable(m)
		i2, err2 = otelconv.NewSDKExporterLogInflightObservable(m)
		exported, inflight = i1.Inst(), i2.Inst()
	default:
		var i1 otelconv.SDKExporterMetricDataPointExportedObservable
		var i2 otelconv.SDKExporterMetricDataPointInflightObservable
		i1, err1 = otelconv.NewSDKExporterMetricDataPointExportedObservable(m)
		i2, err2 = otelconv.NewSDKExporterMetricDataPointInflightObservable(m)
		exported, inflight = i1.Inst(), i2.Inst()
	}
	duration, err3 := otelconv.NewSDKExporterOperationDuration(m)
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("selfobs: create exporter metrics: %w", err)
	}
	dr := &durationRecorder{h: duration.Inst()}
	var opts [len(outcomes)]metric.ObserveOption
	for i, o := range outcomes {
		var extra []attribute.KeyValue
		if o != "" {
			extra = append(extra, semconv.ErrorTypeKey.String(o))
		}
		set := e.c.Attributes(extra...)
		opts[i] = metric.WithAttributeSet(set)
		dr.opts[i] = metric.WithAttributeSet(set)
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i := range e.counts {
			if n := e.counts[i].Load(); n > 0 || i == 0 {
				o.ObserveInt64(exported, int64(n), opts[i])
			}
		}
		o.ObserveInt64(inflight, e.inflight.Load(), opts[0])
		return nil
	}, exported, inflight)
	if err != nil {
		return fmt.Errorf("selfobs: register exporter metrics callback: %w", err)
	}
	e.mu.Lock()
	old := e.reg
	e.reg = reg
	e.duration.Store(dr)
	e.mu.Unlock()
	if old != nil {
		return old.Unregister()
	}
	return nil
}
