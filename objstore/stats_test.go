package objstore_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/esper-platform/obskit/objstore"
)

func TestStatsQuantilesWithinOnePercent(t *testing.T) {
	var s objstore.Stats // the zero value is ready
	// 10,000 latencies 1 ms … 10 s, shuffled so order does not matter.
	lat := make([]time.Duration, 10000)
	for i := range lat {
		lat[i] = time.Duration(i+1) * time.Millisecond
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(lat), func(i, j int) { lat[i], lat[j] = lat[j], lat[i] })
	for _, d := range lat {
		s.Record(objstore.OpGet, objstore.OutcomeSuccess, d, 10)
	}
	snap := s.Snapshot()
	if len(snap) != 1 {
		t.Fatalf("Snapshot = %v", snap)
	}
	g := snap[0]
	for _, q := range []struct {
		name      string
		got, want time.Duration
	}{
		{"p50", g.P50, 5000 * time.Millisecond},
		{"p95", g.P95, 9500 * time.Millisecond},
		{"p99", g.P99, 9900 * time.Millisecond},
		{"min", g.Min, time.Millisecond},
		{"max", g.Max, 10 * time.Second},
	} {
		if rel := math.Abs(float64(q.got-q.want)) / float64(q.want); rel > 0.01 {
			t.Errorf("%s = %v, want %v ± 1%% (off by %.2f%%)", q.name, q.got, q.want, 100*rel)
		}
	}
	if g.Count != 10000 || g.Bytes != 100000 || g.SuccessRate != 1 {
		t.Errorf("count %d bytes %d rate %v, want 10000, 100000, 1", g.Count, g.Bytes, g.SuccessRate)
	}
}

func TestStatsOutcomes(t *testing.T) {
	var s objstore.Stats
	rec := func(op objstore.Op, o objstore.Outcome, n int) {
		for range n {
			s.Record(op, o, time.Millisecond, 0)
		}
	}
	rec(objstore.OpDelete, objstore.OutcomeSuccess, 1)
	rec(objstore.OpPut, objstore.OutcomeSuccess, 999)
	rec(objstore.OpPut, objstore.OutcomeFailure, 1)
	rec(objstore.OpPut, objstore.OutcomeCanceled, 50)
	rec(objstore.OpGet, objstore.OutcomeNotFound, 3)
	rec("custom", objstore.OutcomeSuccess, 1)
	snap := s.Snapshot()
	var ops []objstore.Op
	for _, o := range snap {
		ops = append(ops, o.Op)
	}
	if want := []objstore.Op{objstore.OpPut, objstore.OpGet, objstore.OpDelete, "custom"}; !slices.Equal(ops, want) {
		t.Fatalf("Snapshot order %v, want %v", ops, want)
	}
	put := snap[0]
	if put.Count != 1050 || put.Successes != 999 || put.Failures != 1 || put.Canceled != 50 || put.SuccessRate != 0.999 {
		t.Errorf("put = %+v; want 1050 ops, rate 0.999 (cancellations left out)", put)
	}
	if get := snap[1]; get.NotFound != 3 || get.SuccessRate != 0 {
		t.Errorf("get = %+v; want 3 not found, rate 0", get)
	}
	if got, want := put.String(), "put: n=1050 ok=999 fail=1 rate=99.90% p50=1ms p95=1ms p99=1ms bytes=0 canceled=50"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestStatsConcurrent(t *testing.T) {
	var s objstore.Stats
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				s.Record(objstore.OpPut, objstore.OutcomeSuccess, time.Duration(g*1000+i)*time.Microsecond, 1)
				if i%100 == 0 {
					s.Snapshot()
				}
			}
		})
	}
	wg.Wait()
	if got := s.Snapshot()[0]; got.Count != 8000 || got.Bytes != 8000 {
		t.Errorf("after concurrent Record: count %d bytes %d, want 8000 each", got.Count, got.Bytes)
	}
}

func TestStatsPreconditionFailedIsNotAFailure(t *testing.T) {
	var s objstore.Stats
	s.Record(objstore.OpPut, objstore.OutcomeSuccess, time.Millisecond, 1)
	s.Record(objstore.OpPut, objstore.OutcomePreconditionFailed, time.Millisecond, 0)
	got := s.Snapshot()[0]
	if got.PreconditionFailed != 1 || got.Failures != 0 || got.SuccessRate != 1 ||
		!strings.Contains(got.String(), "precondition_failed=1") {
		t.Errorf("snapshot %+v (%s), want one precondition_failed, no failure, rate 1", got, got)
	}
}
