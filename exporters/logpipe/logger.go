package logpipe

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
)

// maxPooledEncoderBytes is the largest encoder buffer kept for reuse.
const maxPooledEncoderBytes = 64 << 10

// scope is one instrumentation scope, with its OTLP encoding prepared once.
type scope struct {
	id          uint32
	field       []byte // ScopeLogs.scope field, empty for the empty scope
	schemaField []byte // ScopeLogs.schema_url field, empty if none
}

type scopeKey struct {
	name, version, schemaURL string
	attrs                    attribute.Distinct
}

func newScope(id uint32, name string, cfg log.LoggerConfig) *scope {
	s := &scope{id: id}
	attrs := cfg.InstrumentationAttributes()
	if name != "" || cfg.InstrumentationVersion() != "" || attrs.Len() > 0 {
		var b []byte
		var start int
		b, start = beginLen(b, tagScopeLogsScope)
		if name != "" {
			b = appendString(b, tagScopeName, name)
		}
		if v := cfg.InstrumentationVersion(); v != "" {
			b = appendString(b, tagScopeVersion, v)
		}
		b = appendKeyValues(b, tagScopeAttributes, attrs.Iter())
		s.field = endLen(b, start)
	}
	if u := cfg.SchemaURL(); u != "" {
		s.schemaField = appendString(nil, tagScopeLogsSchemaURL, u)
	}
	return s
}

// Logger is the [log.Logger] of a [Provider]. Emit encodes the record into
// OTLP protobuf at once and queues the bytes; it never waits on the network.
type Logger struct {
	embedded.Logger

	p     *Provider
	scope *scope
}

var _ log.Logger = (*Logger)(nil)

// Emit queues record, logged with ctx, for export. The span in ctx, if any,
// gives the record its trace id, span id and trace flags. When the queue is
// full the record is dropped and counted, unless the provider was built with
// [WithBlocking]. Emit is safe for concurrent use and ignores cancellation.
func (l *Logger) Emit(ctx context.Context, record log.Record) {
	p := l.p
	if p.stopped.Load() {
		// Not worth encoding: the queue is closed.
		p.queue.dropClosed()
		p.signalDrop()
		return
	}
	e := p.encoders.Get().(*encoder)
	e.buf = e.buf[:0]
	e.encodeRecord(ctx, &record, p.cfg.limits, p.cfg.now)
	res := p.queue.enqueue(l.scope.id, e.buf)
	if cap(e.buf) <= maxPooledEncoderBytes {
		p.encoders.Put(e)
	}
	switch res {
	case enqueuedTurn:
		if p.queue.exportPending() && p.queue.crowded() {
			yield()
		}
	case droppedFull:
		p.signalDrop()
	case droppedFullTurn:
		// The exports are behind: if the loggers crowd them out, let them
		// run (see yieldEvery).
		p.signalDrop()
		if p.queue.crowded() {
			yield()
		}
	case droppedClosed:
		p.signalDrop()
	}
}

// Enabled reports whether the provider still accepts records: true until
// Shutdown, false after, so that a bridge asking first skips the record's
// conversion. Level filtering is left to the caller (the slog handler).
func (l *Logger) Enabled(context.Context, log.EnabledParameters) bool {
	return !l.p.stopped.Load()
}
