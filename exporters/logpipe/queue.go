package logpipe

import (
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// yieldEvery is how many records a shard takes between two yields of the
// processor (runtime.Gosched) by the caller that enqueues (or drops for a
// full queue), while an export is in flight or waiting and the scheduler is
// crowded (see queue.crowded).
//
// Why: under CPU-bound loggers, more of them than GOMAXPROCS, an export needs
// several goroutines to run in turn (the worker, gRPC's writer, which itself
// yields to the global run queue, the goroutines the network poller wakes,
// the receiver's when it is in process), and each waits behind the loggers
// for whole time slices (10 ms each): exports all but stop while the
// loggers fill the queue, then drop. A yield every yieldEvery records bounds
// that wait to a few hundred records' worth of logging. When few goroutines
// wait to run, a yield would cost the caller a time slice behind them and
// gain the exports little: callers yield only when the run queues are long.
const yieldEvery = 64

// crowdCheckInterval is how long queue.crowded keeps its answer.
const crowdCheckInterval = time.Millisecond

// runnableMetric counts the goroutines ready to run but not running.
const runnableMetric = "/sched/goroutines/runnable:goroutines"

// recordRef locates one encoded record in a chunk.
type recordRef struct {
	scope uint32 // index in Provider.scopes
	end   uint32 // offset just past the record in chunk.buf
}

// chunk is one batch in the making: encoded OTLP LogRecords back to back.
// A chunk belongs to one shard while it is filled, then to one export worker.
type chunk struct {
	buf  []byte
	recs []recordRef
}

// shard is one independently locked part of the queue. Logging goroutines
// pick a shard at random and move on to another if it is locked, so they
// rarely wait for each other.
type shard struct {
	mu  sync.Mutex
	cur *chunk // chunk being filled; nil if none

	// Counters, changed under mu.
	accepted      uint64
	droppedFull   uint64
	droppedClosed uint64
	closed        bool
	turns         uint64 // records taken or dropped for a full queue, for turn

	_ [64]byte // keep shards on their own cache lines
}

// queue holds encoded records from Emit until an export worker takes them.
// Memory is bounded by the number of chunks that may exist (slots), each at
// most batchBytes long.
type queue struct {
	shards     []shard
	full       chan *chunk   // sealed chunks waiting for a worker
	slots      chan struct{} // one token per chunk that may exist
	closed     chan struct{} // closed at shutdown to release blocked callers
	batchBytes int
	batchSize  int
	blocking   bool

	// exporting counts the batches being exported: while any is, or any
	// waits for a worker, callers yield now and then (see enqueue).
	exporting atomic.Int32

	// The answer of crowded, when it was worked out (Unix ns), and the
	// sample it reads, under crowdMu.
	isCrowded      atomic.Bool
	crowdCheckedAt atomic.Int64
	crowdMu        sync.Mutex
	crowdSample    [1]metrics.Sample

	freeMu   sync.Mutex
	free     []*chunk // reusable chunks, at most keepFree
	keepFree int
}

func newQueue(c config) *queue {
	n := c.queueBytes / c.batchBytes
	if n < 1 {
		n = 1
	}
	q := &queue{
		shards:     make([]shard, c.shards),
		full:       make(chan *chunk, n),
		slots:      make(chan struct{}, n),
		closed:     make(chan struct{}),
		batchBytes: c.batchBytes,
		batchSize:  c.batchSize,
		blocking:   c.blocking,
		keepFree:   min(n, c.shards+c.workers),
	}
	for range n {
		q.slots <- struct{}{}
	}
	return q
}

// enqueueResult says what happened to a record given to enqueue.
type enqueueResult int

const (
	enqueued enqueueResult = iota
	// enqueuedTurn: enqueued, and the caller's turn to yield if exports
	// are pending and the scheduler crowded (see yieldEvery).
	enqueuedTurn
	droppedFull
	// droppedFullTurn: dropped because the queue is full, and the caller's
	// turn to yield if the scheduler is crowded.
	droppedFullTurn
	droppedClosed
)

// turn counts a record taken or dropped for a full queue by s (s.mu held)
// and reports whether it is the caller's turn to yield: every yieldEvery
// such records.
func (s *shard) turn() bool {
	s.turns++
	return s.turns%yieldEvery == 0
}

// accept counts a record taken by s (s.mu held) and returns enqueuedTurn
// if it is the caller's turn to yield, enqueued otherwise.
func (s *shard) accept() enqueueResult {
	s.accepted++
	if s.turn() {
		return enqueuedTurn
	}
	return enqueued
}

// exportPending reports whether a batch is being exported or waits for a
// worker.
func (q *queue) exportPending() bool {
	return q.exporting.Load() > 0 || len(q.full) > 0
}

// crowded reports whether more than twice GOMAXPROCS goroutines wait to run,
// reading the runtime's metric at most once per crowdCheckInterval (in
// between, the last answer stands). Without the metric, it says yes.
func (q *queue) crowded() bool {
	now := time.Now().UnixNano()
	if now-q.crowdCheckedAt.Load() < int64(crowdCheckInterval) || !q.crowdMu.TryLock() {
		return q.isCrowded.Load()
	}
	defer q.crowdMu.Unlock()
	q.crowdCheckedAt.Store(now)
	s := q.crowdSample[:]
	s[0].Name = runnableMetric
	metrics.Read(s)
	c := true
	if s[0].Value.Kind() == metrics.KindUint64 {
		c = s[0].Value.Uint64() > 2*uint64(runtime.GOMAXPROCS(0))
	}
	q.isCrowded.Store(c)
	return c
}

// yield gives the processor to other goroutines (see yieldEvery).
func yield() { runtime.Gosched() }

// lockShard locks and returns a shard, preferring one that is free.
func (q *queue) lockShard() *shard {
	n := uint32(len(q.shards))
	i := uint32((uint64(rand.Uint32()) * uint64(n)) >> 32)
	for range n {
		s := &q.shards[i]
		if s.mu.TryLock() {
			return s
		}
		i++
		if i == n {
			i = 0
		}
	}
	s := &q.shards[i]
	s.mu.Lock()
	return s
}

// enqueue copies the encoded record rec into the queue. It never blocks on
// export unless the queue is blocking.
func (q *queue) enqueue(sc uint32, rec []byte) enqueueResult {
	s := q.lockShard()
	if s.closed {
		s.droppedClosed++
		s.mu.Unlock()
		return droppedClosed
	}
	if c := s.cur; c != nil {
		if len(c.buf)+len(rec) <= q.batchBytes && len(c.recs) < q.batchSize {
			c.add(sc, rec)
			res := s.accept()
			s.mu.Unlock()
			return res
		}
		q.seal(s)
	}
	c := q.tryAcquire()
	if c == nil {
		if !q.blocking {
			s.droppedFull++
			res := droppedFull
			if s.turn() {
				res = droppedFullTurn
			}
			s.mu.Unlock()
			return res
		}
		s.mu.Unlock()
		c = q.acquireWait()
		s.mu.Lock()
		if c == nil || s.closed {
			if c != nil {
				q.release(c)
			}
			s.droppedClosed++
			s.mu.Unlock()
			return droppedClosed
		}
		if s.cur != nil {
			// Another caller installed a chunk meanwhile: use it if it fits.
			if cur := s.cur; len(cur.buf)+len(rec) <= q.batchBytes && len(cur.recs) < q.batchSize {
				cur.add(sc, rec)
				res := s.accept()
				s.mu.Unlock()
				q.release(c)
				return res
			}
			q.seal(s)
		}
	}
	s.cur = c
	c.add(sc, rec)
	res := s.accept()
	if len(c.buf) >= q.batchBytes || len(c.recs) >= q.batchSize {
		q.seal(s)
	}
	s.mu.Unlock()
	return res
}

// dropClosed counts a record refused because the queue is closed.
func (q *queue) dropClosed() {
	s := q.lockShard()
	s.droppedClosed++
	s.mu.Unlock()
}

func (c *chunk) add(sc uint32, rec []byte) {
	c.buf = append(c.buf, rec...)
	c.recs = append(c.recs, recordRef{scope: sc, end: uint32(len(c.buf))})
}

// seal hands the shard's current chunk to the export workers. s.mu is held.
// The send never blocks: full has room for every chunk that may exist.
func (q *queue) seal(s *shard) {
	if s.cur == nil {
		return
	}
	q.full <- s.cur
	s.cur = nil
}

// sealAll seals every shard's current chunk (for the export interval, flush
// and shutdown). With closeShards, shards accept no more records.
func (q *queue) sealAll(closeShards bool) {
	for i := range q.shards {
		s := &q.shards[i]
		s.mu.Lock()
		q.seal(s)
		if closeShards {
			s.closed = true
		}
		s.mu.Unlock()
	}
}

func (q *queue) tryAcquire() *chunk {
	select {
	case <-q.slots:
		return q.newChunk()
	default:
		return nil
	}
}

// acquireWait waits for room in the queue; it returns nil at shutdown.
func (q *queue) acquireWait() *chunk {
	select {
	case <-q.slots:
		return q.newChunk()
	case <-q.closed:
		return nil
	}
}

func (q *queue) newChunk() *chunk {
	q.freeMu.Lock()
	if n := len(q.free); n > 0 {
		c := q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
		q.freeMu.Unlock()
		return c
	}
	q.freeMu.Unlock()
	return &chunk{
		buf:  make([]byte, 0, q.batchBytes),
		recs: make([]recordRef, 0, min(q.batchSize, q.batchBytes/64+1)),
	}
}

// release returns an exported chunk's slot; the chunk itself is kept for
// reuse unless enough are kept already or it grew for an oversized record.
func (q *queue) release(c *chunk) {
	clear(c.recs)
	c.recs = c.recs[:0]
	c.buf = c.buf[:0]
	if cap(c.buf) <= q.batchBytes {
		q.freeMu.Lock()
		if len(q.free) < q.keepFree {
			q.free = append(q.free, c)
		}
		q.freeMu.Unlock()
	}
	q.slots <- struct{}{}
}

// capacity returns the most records the queue can hold: every chunk full of records.
func (q *queue) capacity() int64 { return int64(cap(q.slots)) * int64(q.batchSize) }

// counts sums the shard counters.
func (q *queue) counts() (accepted, droppedFull, droppedClosed uint64) {
	for i := range q.shards {
		s := &q.shards[i]
		s.mu.Lock()
		accepted += s.accepted
		droppedFull += s.droppedFull
		droppedClosed += s.droppedClosed
		s.mu.Unlock()
	}
	return accepted, droppedFull, droppedClosed
}
