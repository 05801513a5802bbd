package telemetry

import (
	"testing"

	"github.com/esper-platform/obskit/exporters/logpipe"
)

// TestQueueLayoutLeavesRoomBeyondShards: whatever the queue size, there are more batches than
// shards (so a logging call always finds room or a batch on its way out), the memory bound is
// not lowered, and a batch is never larger than logpipe's default.
func TestQueueLayoutLeavesRoomBeyondShards(t *testing.T) {
	for _, records := range []int{1, 16, 1024, 2048, 20000, 262144} {
		for _, procs := range []int{1, 2, 8, 64} {
			want := records * queueBytesPerRecord
			q, b, s := queueLayout(want, procs)
			if (q/b <= s && s != 1) || s < 1 || q < want || b > logpipe.DefaultBatchBytes || b < minBatchBytes {
				t.Errorf("queueLayout(%d records, GOMAXPROCS %d) = queue %d, batch %d, shards %d", records, procs, q, b, s)
			}
		}
	}
	if q, b, s := queueLayout(262144*queueBytesPerRecord, 2); q != logpipe.DefaultQueueBytes || b != logpipe.DefaultBatchBytes || s != 4 {
		t.Errorf("defaults: queue %d, batch %d, shards %d; want logpipe's defaults", q, b, s)
	}
}
