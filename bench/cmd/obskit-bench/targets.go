package main

import (
	"fmt"
	"strings"

	"github.com/esper-platform/obskit/bench/logbench"
	"github.com/esper-platform/obskit/bench/s3bench"
)

// Thresholds of the issues' targets.
const (
	maxLogRatio         = 1.5  // issue 4 #1: obskit ≤ 1.5× slog JSON per call
	maxLogAllocs        = 2    // issue 4 #1: ≤ 2 allocations per call
	maxParallelDrift    = 1.5  // issue 4 #1: parallel ratio within 1.5× of the serial one
	minDeliveredRatio   = 2.0  // issue 4 #2: ≥ 2× stock delivered records/s
	maxPutOverheadNs    = 5000 // issue 5: ≤ 5 µs per Put (in-memory transport)
	maxLatencyRatio     = 1.03 // issue 5: ≤ 3% latency over the bare SDK
	maxAllocRatio       = 1.10 // issue 5: ≤ 10% allocations over the bare SDK
	minLargeThroughput  = 0.95 // issue 5: ≥ 95% of the transfer manager's throughput
	maxLargePeakHeapMiB = 200  // issue 5: a 1 GiB Put under 200 MiB of heap
	minFaultSuccess     = 0.999
	soakHeapSlackMiB    = 16 // runner's soak check: heap back within this of where it started
)

func status(ok bool) string {
	if ok {
		return StatusPass
	}
	return StatusFail
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// logCall returns the per-call row of a library at g goroutines.
func (r *Results) logCall(lib string, g int) (LogCallRow, bool) {
	for _, row := range r.LogCalls {
		if row.Library == lib && row.Goroutines == g {
			return row, true
		}
	}
	return LogCallRow{}, false
}

func (r *Results) burst(lib string, contended bool) (BurstRow, bool) {
	for _, row := range r.Bursts {
		if row.Library == lib && row.Contended == contended {
			return row, true
		}
	}
	return BurstRow{}, false
}

func (r *Results) s3Lat(lib string, size int) (S3LatRow, bool) {
	for _, row := range r.S3Latency {
		if row.Library == lib && row.Size == size {
			return row, true
		}
	}
	return S3LatRow{}, false
}

func (r *Results) s3Large(lib string) (S3LargeRow, bool) {
	for _, row := range r.S3Large {
		if row.Library == lib {
			return row, true
		}
	}
	return S3LargeRow{}, false
}

func (r *Results) fault(lib, level string) (FaultRow, bool) {
	for _, row := range r.Faults {
		if row.Library == lib && row.Level == level {
			return row, true
		}
	}
	return FaultRow{}, false
}

// notMeasured is a target whose scenario did not run.
func notMeasured(id, issue, target, scenario string, r *Results) TargetCheck {
	why := "not measured in this run"
	if reason, ok := r.Skipped[scenario]; ok {
		why = "not measured: " + reason
	}
	return TargetCheck{ID: id, Issue: issue, Target: target, Status: StatusNA, Note: why}
}

// evaluateTargets checks every target of issues 4 and 5 (and the soak check of issue 7)
// against the results.
func evaluateTargets(r *Results) []TargetCheck {
	var out []TargetCheck
	add := func(t TargetCheck) { out = append(out, t) }

	// Issue 4, target 1: per call.
	t1 := fmt.Sprintf("InfoContext with 4 attrs, discarding exporter, serial: ≤ %.1f× slog JSON", maxLogRatio)
	if ob, ok := r.logCall(logbench.Obskit, 1); ok {
		ref, _ := r.logCall(logbench.SlogJSON, 1)
		lp, _ := r.logCall(logbench.Logpipe, 1)
		add(TargetCheck{ID: "L1", Issue: "4", Target: t1,
			Measured:  fmt.Sprintf("%s (%s)", fmtRatio(ob.RatioToSlog), fmtNs(ob.WallNsPerCall)),
			Logpipe:   fmt.Sprintf("%s (%s)", fmtRatio(lp.RatioToSlog), fmtNs(lp.WallNsPerCall)),
			Reference: "slog JSON " + fmtNs(ref.WallNsPerCall),
			Status:    status(ob.RatioToSlog <= maxLogRatio)})
		add(TargetCheck{ID: "L2", Issue: "4", Target: fmt.Sprintf("the same call: ≤ %d allocations", maxLogAllocs),
			Measured:  fmt.Sprintf("%.1f allocs, %.0f B", ob.AllocsPerCall, ob.BytesPerCall),
			Logpipe:   fmt.Sprintf("%.1f allocs, %.0f B", lp.AllocsPerCall, lp.BytesPerCall),
			Reference: fmt.Sprintf("slog JSON %.1f allocs (slog's own boxing of slog.Attr arguments)", ref.AllocsPerCall),
			Status:    status(ob.AllocsPerCall <= maxLogAllocs+0.05)})
		var worst float64
		var parts, lparts []string
		for _, g := range goroutineCounts(r) {
			if g == 1 {
				continue
			}
			row, ok := r.logCall(logbench.Obskit, g)
			if !ok {
				continue
			}
			drift := ratio(row.RatioToSlog, ob.RatioToSlog)
			worst = max(worst, drift)
			parts = append(parts, fmt.Sprintf("%d: %s", g, fmtRatio(row.RatioToSlog)))
			if lrow, ok := r.logCall(logbench.Logpipe, g); ok {
				lparts = append(lparts, fmt.Sprintf("%d: %s", g, fmtRatio(lrow.RatioToSlog)))
			}
		}
		add(TargetCheck{ID: "L3", Issue: "4", Target: fmt.Sprintf("in parallel (4, 16, 64 goroutines): ratio to slog JSON within %.1f× of the serial one", maxParallelDrift),
			Measured: strings.Join(parts, ", ") + fmt.Sprintf(" (worst %s of serial)", fmtRatio(worst)),
			Logpipe:  strings.Join(lparts, ", "), Reference: "serial " + fmtRatio(ob.RatioToSlog),
			Status: status(worst <= maxParallelDrift)})
	} else {
		add(notMeasured("L1", "4", t1, scenarioLogCalls, r))
	}

	// Issue 4, targets 2–4: bursts into the OTLP receiver.
	t4 := fmt.Sprintf("burst into an OTLP gRPC receiver on loopback: ≥ %.0f× stock delivered records/s", minDeliveredRatio)
	if ob, ok := r.burst(logbench.Obskit, false); ok {
		st, _ := r.burst(logbench.StockOTel, false)
		lp, _ := r.burst(logbench.Logpipe, false)
		note := ""
		if ob.Sent != logbench.BurstRecords {
			note = fmt.Sprintf("burst of %d records, not the target's %d (quick run)", ob.Sent, logbench.BurstRecords)
		}
		add(TargetCheck{ID: "L4", Issue: "4", Target: t4,
			Measured:  fmt.Sprintf("%s (%s/s)", fmtRatio(ratio(ob.DeliveredPS, st.DeliveredPS)), fmtCount(ob.DeliveredPS)),
			Logpipe:   fmt.Sprintf("%s (%s/s)", fmtRatio(ratio(lp.DeliveredPS, st.DeliveredPS)), fmtCount(lp.DeliveredPS)),
			Reference: fmt.Sprintf("stock %s/s", fmtCount(st.DeliveredPS)),
			Status:    status(ratio(ob.DeliveredPS, st.DeliveredPS) >= minDeliveredRatio), Note: note})
		add(TargetCheck{ID: "L5", Issue: "4", Target: "the burst with default settings: zero records dropped, sent = delivered + dropped, drops counted by the pipeline",
			Measured:  burstAccount(ob),
			Logpipe:   burstAccount(lp),
			Reference: "stock " + burstAccount(st),
			Status:    status(ob.Dropped == 0 && ob.Accounted), Note: note})
	} else {
		add(notMeasured("L4", "4", t4, scenarioBursts, r))
	}
	if ob, ok := r.burst(logbench.Obskit, true); ok {
		st, _ := r.burst(logbench.StockOTel, true)
		lp, _ := r.burst(logbench.Logpipe, true)
		add(TargetCheck{ID: "L6", Issue: "4", Target: "the burst under CPU contention (a busy goroutine per core): accounting holds, drop rate reported",
			Measured: burstAccount(ob), Logpipe: burstAccount(lp), Reference: "stock " + burstAccount(st),
			Status: status(ob.Accounted)})
	}

	// Issue 5: S3.
	t5 := fmt.Sprintf("instrumentation (spans batched by exporters/spanbatch, as telemetry.Setup does) over the bare SDK, in-memory transport: ≤ %.0f µs per Put", float64(maxPutOverheadNs)/1000)
	if o := r.S3Overhead; o != nil {
		add(TargetCheck{ID: "S1", Issue: "5", Target: t5,
			Measured:  fmt.Sprintf("%s (obskit %s, %.0f allocs)", fmtNs(o.OverheadNs), fmtNs(o.ObskitCPUNs), o.ObskitAllocs),
			Reference: s3OverheadReference(o),
			Status:    status(o.OverheadNs <= maxPutOverheadNs)})
	} else {
		add(notMeasured("S1", "5", t5, scenarioS3Overhead, r))
	}
	tLat := fmt.Sprintf("against a local server (versitygw): ≤ %.0f%% latency over the bare SDK PutObject", 100*(maxLatencyRatio-1))
	if _, ok := r.s3Lat(s3bench.Obskit, 1<<10); ok {
		for _, size := range []int{1 << 10, 1 << 20} {
			ob, _ := r.s3Lat(s3bench.Obskit, size)
			sdk, _ := r.s3Lat(s3bench.SDKPutObject, size)
			add(TargetCheck{ID: "S2-" + fmtSize(int64(size)), Issue: "5", Target: tLat + " (" + fmtSize(int64(size)) + ", median)",
				Measured:  fmt.Sprintf("%s (p50 %s, mean %s)", fmtRatio(ratio(ob.P50Ms, sdk.P50Ms)), fmtMs(ob.P50Ms), fmtMs(ob.MeanMs)),
				Reference: fmt.Sprintf("SDK PutObject p50 %s, mean %s", fmtMs(sdk.P50Ms), fmtMs(sdk.MeanMs)),
				Status:    status(ratio(ob.P50Ms, sdk.P50Ms) <= maxLatencyRatio),
				Note:      "median: on a shared machine the mean follows a few descheduled Puts"})
		}
		ob, _ := r.s3Lat(s3bench.Obskit, 1<<10)
		sdk, _ := r.s3Lat(s3bench.SDKPutObject, 1<<10)
		add(TargetCheck{ID: "S3", Issue: "5", Target: fmt.Sprintf("against a local server: ≤ %.0f%% allocations over the bare SDK PutObject (1 KiB)", 100*(maxAllocRatio-1)),
			Measured:  fmt.Sprintf("%s (%.0f allocs)", fmtRatio(ratio(ob.AllocsPerPut, sdk.AllocsPerPut)), ob.AllocsPerPut),
			Reference: fmt.Sprintf("SDK PutObject %.0f allocs", sdk.AllocsPerPut),
			Status:    status(ratio(ob.AllocsPerPut, sdk.AllocsPerPut) <= maxAllocRatio)})
	} else {
		add(notMeasured("S2", "5", tLat, scenarioS3Latency, r))
	}
	tLarge := fmt.Sprintf("a 1 GiB multipart Put to versitygw: ≥ %.0f%% of the bare transfer manager's throughput", 100*minLargeThroughput)
	if ob, ok := r.s3Large(s3bench.Obskit); ok {
		tm, _ := r.s3Large(s3bench.SDKTransferManager)
		note := ""
		if ob.Size != 1<<30 {
			note = "object of " + fmtSize(ob.Size) + ", not 1 GiB"
		}
		add(TargetCheck{ID: "S4", Issue: "5", Target: tLarge,
			Measured:  fmt.Sprintf("%.0f%% (%.0f MB/s)", 100*ratio(ob.MBps, tm.MBps), ob.MBps),
			Reference: fmt.Sprintf("transfer manager %.0f MB/s", tm.MBps),
			Status:    status(ratio(ob.MBps, tm.MBps) >= minLargeThroughput), Note: note})
		add(TargetCheck{ID: "S5", Issue: "5", Target: fmt.Sprintf("that Put from a non-seekable reader: peak heap < %d MiB", maxLargePeakHeapMiB),
			Measured:  fmt.Sprintf("%.0f MiB", ob.PeakHeapMiB),
			Reference: fmt.Sprintf("transfer manager %.0f MiB", tm.PeakHeapMiB),
			Status:    status(ob.PeakHeapMiB < maxLargePeakHeapMiB), Note: note})
	} else {
		add(notMeasured("S4", "5", tLarge, scenarioS3Large, r))
	}
	tFault := fmt.Sprintf("concurrent Puts through the fault proxy: ≥ %.1f%% succeed, every success reads back byte-identical", 100*minFaultSuccess)
	if _, ok := r.fault(s3bench.Obskit, "mild"); ok {
		for _, level := range faultLevels {
			ob, _ := r.fault(s3bench.Obskit, level.name)
			sdk, _ := r.fault(s3bench.SDKPutObject, level.name)
			add(TargetCheck{ID: "S6-" + level.name, Issue: "5", Target: tFault + " (" + level.name + ")",
				Measured:  fmt.Sprintf("%s of %d, %d verified", fmtPct(ob.SuccessRate), ob.Uploads, ob.Verified),
				Reference: "bare SDK defaults " + fmtPct(sdk.SuccessRate),
				Status:    status(ob.SuccessRate >= minFaultSuccess && ob.Verified == ob.Succeeded)})
		}
	} else {
		add(notMeasured("S6", "5", tFault, scenarioFaults, r))
	}

	// Issue 7: the soak leaves nothing behind.
	tSoak := fmt.Sprintf("soak: goroutines back to where they started, heap within %d MiB of it, every lost record counted", soakHeapSlackMiB)
	if s := r.Soak; s != nil {
		add(TargetCheck{ID: "K1", Issue: "7", Target: tSoak,
			Measured: fmt.Sprintf("goroutines %d → %d, heap %.1f → %.1f MiB (peak %.0f MiB); %d of %d records dropped, %d counted",
				s.GoroutinesBefore, s.GoroutinesAfter, s.HeapBeforeMiB, s.HeapAfterMiB, s.HeapPeakMiB, s.Dropped, s.Records, s.Reported),
			Status: status(s.GoroutinesAfter <= s.GoroutinesBefore && s.HeapAfterMiB <= s.HeapBeforeMiB+soakHeapSlackMiB && s.Reported == s.Dropped),
			Note:   "the runner's own check; the issue sets no threshold"})
	} else {
		add(notMeasured("K1", "7", tSoak, scenarioSoak, r))
	}
	return out
}

func burstAccount(b BurstRow) string {
	counted := "not counted"
	if b.Reported >= 0 {
		counted = fmt.Sprintf("%d counted", b.Reported)
	}
	return fmt.Sprintf("%d sent = %d delivered + %d dropped (%s; %s)", b.Sent, b.Delivered, b.Dropped, fmtPct(b.DropRate), counted)
}

// goroutineCounts returns the goroutine counts of the per-call rows, in order.
func goroutineCounts(r *Results) []int {
	var gs []int
	for _, row := range r.LogCalls {
		if len(gs) == 0 || gs[len(gs)-1] != row.Goroutines {
			gs = append(gs, row.Goroutines)
		}
	}
	return gs
}

// s3OverheadReference describes the bare SDK's cost per Put and, when measured, otelaws's
// overhead in the same run.
func s3OverheadReference(o *S3Overhead) string {
	ref := fmt.Sprintf("SDK PutObject %s, %.0f allocs", fmtNs(o.SDKCPUNs), o.SDKAllocs)
	if o.OtelawsCPUNs > 0 {
		ref += fmt.Sprintf("; otelaws (one span per call, same providers) adds %s", fmtNs(o.OtelawsOverheadNs))
	}
	return ref
}
