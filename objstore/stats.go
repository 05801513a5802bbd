package objstore

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Stats accumulates per-operation counts, bytes and latency quantiles for a report: pass it to
// [Instrument] with [WithStats], or call Record yourself. The zero value is ready to use. Stats
// is safe for concurrent use; memory stays bounded (about 20 KiB per operation at most) however
// many operations are recorded.
//
// Latency quantiles come from a logarithmic histogram (the DDSketch method): every latency
// falls in a bucket whose bounds are within 1% of each other, so a reported quantile is within
// 1% (relative) of the true latency at that rank, clamped to the exact minimum and maximum.
type Stats struct {
	mu  sync.Mutex
	ops map[Op]*opStats
}

// OpStats is the snapshot of one operation's statistics.
type OpStats struct {
	// Op is the operation.
	Op Op
	// Count is the number of operations recorded, whatever their outcome.
	Count int64
	// Successes, Failures, Canceled, NotFound and PreconditionFailed count the operations by
	// [Outcome].
	Successes, Failures, Canceled, NotFound, PreconditionFailed int64
	// SuccessRate is Successes / (Successes + Failures): cancellations, expected not-found
	// results and failed conditions are left out. It is 0 when there were neither successes nor failures.
	SuccessRate float64
	// P50, P95 and P99 are latency quantiles over all recorded operations (1% relative error),
	// Min and Max the exact extremes.
	P50, P95, P99, Min, Max time.Duration
	// Bytes is the total content transferred (uploaded by Put, downloaded by Get and GetRange).
	Bytes int64
}

// String formats s on one line, e.g.
// "put: n=1000 ok=999 fail=1 rate=99.90% p50=1.2ms p95=3ms p99=8ms bytes=1048576".
func (s OpStats) String() string {
	str := fmt.Sprintf("%s: n=%d ok=%d fail=%d rate=%.2f%% p50=%v p95=%v p99=%v bytes=%d",
		s.Op, s.Count, s.Successes, s.Failures, 100*s.SuccessRate, s.P50, s.P95, s.P99, s.Bytes)
	if s.Canceled > 0 {
		str += fmt.Sprintf(" canceled=%d", s.Canceled)
	}
	if s.NotFound > 0 {
		str += fmt.Sprintf(" not_found=%d", s.NotFound)
	}
	if s.PreconditionFailed > 0 {
		str += fmt.Sprintf(" precondition_failed=%d", s.PreconditionFailed)
	}
	return str
}

// Record adds one operation that ended with outcome after d, having transferred bytes.
func (s *Stats) Record(op Op, outcome Outcome, d time.Duration, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops == nil {
		s.ops = make(map[Op]*opStats)
	}
	st := s.ops[op]
	if st == nil {
		st = &opStats{}
		s.ops[op] = st
	}
	st.count++
	switch outcome {
	case OutcomeSuccess:
		st.successes++
	case OutcomeCanceled:
		st.canceled++
	case OutcomeNotFound:
		st.notFound++
	case OutcomePreconditionFailed:
		st.preconditionFailed++
	default:
		st.failures++
	}
	st.bytes += max(bytes, 0)
	st.latency.add(d)
}

// Snapshot returns the statistics of every operation recorded so far, in the order Put, Get,
// GetRange, Attributes, Exists, List, Delete, Copy, DeleteMany, then any other Op passed to Record, by name.
func (s *Stats) Snapshot() []OpStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OpStats, 0, len(s.ops))
	seen := 0
	for _, op := range ops {
		if st := s.ops[op]; st != nil {
			out = append(out, st.snapshot(op))
			seen++
		}
	}
	if seen < len(s.ops) {
		var extra []OpStats
		for op, st := range s.ops {
			if opIndex(op) < 0 {
				extra = append(extra, st.snapshot(op))
			}
		}
		slices.SortFunc(extra, func(a, b OpStats) int { return strings.Compare(string(a.Op), string(b.Op)) })
		out = append(out, extra...)
	}
	return out
}

func opIndex(op Op) int {
	for i, o := range ops {
		if o == op {
			return i
		}
	}
	return -1
}

type opStats struct {
	count, successes, failures, canceled, notFound, preconditionFailed, bytes int64
	latency                                                                   latencySketch
}

func (st *opStats) snapshot(op Op) OpStats {
	o := OpStats{
		Op: op, Count: st.count, Successes: st.successes, Failures: st.failures,
		Canceled: st.canceled, NotFound: st.notFound, PreconditionFailed: st.preconditionFailed, Bytes: st.bytes,
		P50: st.latency.quantile(0.50), P95: st.latency.quantile(0.95), P99: st.latency.quantile(0.99),
		Min: st.latency.min, Max: st.latency.max,
	}
	if n := st.successes + st.failures; n > 0 {
		o.SuccessRate = float64(st.successes) / float64(n)
	}
	return o
}

// sketchAlpha is the relative accuracy of latency quantiles.
const sketchAlpha = 0.01

var (
	sketchGamma    = (1 + sketchAlpha) / (1 - sketchAlpha)
	sketchLogGamma = math.Log(sketchGamma)
)

// latencySketch is a DDSketch over durations in nanoseconds: bucket i holds values in
// (γ^(i-1), γ^i], γ = (1+α)/(1-α); durations ≤ 1 ns go to bucket 0.
type latencySketch struct {
	counts   []int64
	n        int64
	min, max time.Duration
}

func (l *latencySketch) add(d time.Duration) {
	if l.n == 0 || d < l.min {
		l.min = d
	}
	if l.n == 0 || d > l.max {
		l.max = d
	}
	l.n++
	i := 0
	if d > 1 {
		i = int(math.Ceil(math.Log(float64(d)) / sketchLogGamma))
	}
	if i >= len(l.counts) {
		grown := make([]int64, i+1, max(i+1, 2*len(l.counts)))
		copy(grown, l.counts)
		l.counts = grown
	}
	l.counts[i]++
}

// quantile returns the value at rank ceil(q·n) (nearest rank), estimated as the middle of its
// bucket, 2γ^i/(γ+1), which is within α of every value in the bucket.
func (l *latencySketch) quantile(q float64) time.Duration {
	if l.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(l.n)))
	rank = min(max(rank, 1), l.n)
	var cum int64
	for i, c := range l.counts {
		cum += c
		if cum >= rank {
			v := time.Duration(0)
			if i > 0 {
				v = time.Duration(2 * math.Pow(sketchGamma, float64(i)) / (sketchGamma + 1))
			}
			return min(max(v, l.min), l.max)
		}
	}
	return l.max
}
