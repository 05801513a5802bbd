package logpipe

import (
	"context"
	"fmt"
)

// Exporter sends batches of encoded log records somewhere.
//
// Export is called by several export workers at once (see [WithWorkers]) and
// must be safe for concurrent use. It must honour ctx: the pipeline bounds
// each call with [WithExportTimeout] and cancels it when Shutdown's deadline
// expires. The batch and the bytes it returns are valid only until Export
// returns. An error means no record of the batch was delivered, except a
// [*PartialSuccessError], which means the receiver rejected some of them.
//
// Shutdown is called once, after the last Export has returned.
type Exporter interface {
	Export(ctx context.Context, batch *Batch) error
	Shutdown(ctx context.Context) error
}

// PartialSuccessError reports that some records of a batch were delivered
// and Rejected were not. Rejected counts them all; of them, TooLarge were
// too large for the receiver even alone (the transport splits a request the
// receiver finds too large, down to single records), and Failed belong to a
// part of the batch whose export failed with Err. The others were rejected
// by the receiver in an OTLP partial success. The records not delivered are
// counted as dropped (Failed ones of unknown fate if Err is Shutdown's
// deadline, see the package documentation); the others as exported.
type PartialSuccessError struct {
	Rejected int64
	TooLarge int64
	Failed   int64
	Message  string
	Err      error
}

// Error describes the rejection without quoting any record.
func (e *PartialSuccessError) Error() string {
	msg := fmt.Sprintf("logpipe: receiver rejected %d log records: %s", e.Rejected, e.Message)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the error of the part of the batch that failed, if any.
func (e *PartialSuccessError) Unwrap() error { return e.Err }

// Batch is one group of records handed to an [Exporter].
type Batch struct {
	p         *Provider
	c         *chunk
	buf       []byte
	runs      []int
	done      bool
	abandoned bool // buf may still be read by the exporter's transport
}

// Len returns the number of log records in the batch.
func (b *Batch) Len() int { return len(b.c.recs) }

// Request returns the batch as a serialized OTLP
// opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest. The bytes
// are built on the first call into a buffer that the pipeline reuses: they
// are valid only until Export returns and must not be modified.
func (b *Batch) Request() []byte {
	if !b.done {
		b.buf = b.p.appendRequest(b.buf[:0], b.c, 0, len(b.c.recs), &b.runs)
		b.done = true
	}
	return b.buf
}

// requestRange returns, in a new buffer, the request of the records [lo, hi)
// of the batch: a part of the batch, for a receiver that finds the whole
// request too large.
func (b *Batch) requestRange(lo, hi int) []byte {
	var runs []int
	return b.p.appendRequest(nil, b.c, lo, hi, &runs)
}

// abandonBuffer makes the next batch use a new request buffer, leaving the
// current one to whoever still holds it.
func (b *Batch) abandonBuffer() { b.abandoned = true }

func (b *Batch) reset(p *Provider, c *chunk) {
	b.p, b.c, b.done = p, c, false
	if b.abandoned {
		b.buf, b.abandoned = nil, false
	}
	b.buf = b.buf[:0]
}

// appendRequest writes the ExportLogsServiceRequest for the records [lo, hi)
// of c: one ResourceLogs, and one ScopeLogs for each run of records that
// share a scope. runs is scratch space for the sizes of the ScopeLogs
// messages.
func (p *Provider) appendRequest(b []byte, c *chunk, lo, hi int, runs *[]int) []byte {
	if hi <= lo {
		return b
	}
	recs := c.recs[lo:hi]
	var first uint32
	if lo > 0 {
		first = c.recs[lo-1].end
	}
	scopes := *p.scopes.Load()
	rs := (*runs)[:0]
	// Pass 1: size of each ScopeLogs and of the ResourceLogs.
	rlSize := len(p.resourceField) + len(p.resourceSchemaField)
	start := first
	for i := 0; i < len(recs); {
		sc := scopes[recs[i].scope]
		size := len(sc.field) + len(sc.schemaField)
		for ; i < len(recs) && scopes[recs[i].scope] == sc; i++ {
			n := int(recs[i].end - start)
			size += 1 + varintSize(uint64(n)) + n
			start = recs[i].end
		}
		rs = append(rs, size)
		rlSize += 1 + varintSize(uint64(size)) + size
	}
	// Pass 2: write.
	if need := 1 + varintSize(uint64(rlSize)) + rlSize; cap(b)-len(b) < need {
		nb := make([]byte, len(b), len(b)+need)
		copy(nb, b)
		b = nb
	}
	b = append(b, tagRequestResourceLogs)
	b = appendVarint(b, uint64(rlSize))
	b = append(b, p.resourceField...)
	start = first
	run := 0
	for i := 0; i < len(recs); run++ {
		sc := scopes[recs[i].scope]
		b = append(b, tagResourceLogsScopeLogs)
		b = appendVarint(b, uint64(rs[run]))
		b = append(b, sc.field...)
		for ; i < len(recs) && scopes[recs[i].scope] == sc; i++ {
			end := recs[i].end
			b = append(b, tagScopeLogsLogRecords)
			b = appendVarint(b, uint64(end-start))
			b = append(b, c.buf[start:end]...)
			start = end
		}
		b = append(b, sc.schemaField...)
	}
	b = append(b, p.resourceSchemaField...)
	*runs = rs
	return b
}

// Discard is an [Exporter] that builds each batch's OTLP request, as a
// network exporter would, and throws it away. It is meant for benchmarks.
type Discard struct{}

// Export builds the request bytes of batch and discards them.
func (Discard) Export(_ context.Context, batch *Batch) error {
	_ = batch.Request()
	return nil
}

// Shutdown does nothing.
func (Discard) Shutdown(context.Context) error { return nil }
