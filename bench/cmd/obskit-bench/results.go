package main

import "time"

// Results is everything one run measured; it is written as results.json and rendered into
// REPORT.md.
type Results struct {
	// Date is the run's UTC date (YYYY-MM-DD) and Commit the repository's short commit.
	Date   string `json:"date"`
	Commit string `json:"commit"`
	// Quick says the run was scaled down (-quick).
	Quick    bool      `json:"quick"`
	Started  time.Time `json:"started"`
	Duration Seconds   `json:"duration_s"`
	Machine  Machine   `json:"machine"`
	// Notes are remarks about the run (load, scaled-down sizes) shown at the top of the report.
	Notes []string `json:"notes,omitempty"`
	// Skipped maps a scenario's name to why it did not run.
	Skipped map[string]string `json:"skipped,omitempty"`

	LogCalls    []LogCallRow  `json:"log_calls,omitempty"`
	Bursts      []BurstRow    `json:"log_bursts,omitempty"`
	S3Latency   []S3LatRow    `json:"s3_latency,omitempty"`
	S3Large     []S3LargeRow  `json:"s3_large,omitempty"`
	S3Overhead  *S3Overhead   `json:"s3_overhead,omitempty"`
	Faults      []FaultRow    `json:"s3_faults,omitempty"`
	ConfigLoads []ConfigRow   `json:"config_loads,omitempty"`
	Soak        *SoakResult   `json:"soak,omitempty"`
	Targets     []TargetCheck `json:"targets"`
	Charts      []Chart       `json:"charts,omitempty"`
}

// Seconds is a duration written as seconds in JSON.
type Seconds float64

// Machine describes where the run happened.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	MemoryMiB  int    `json:"memory_mib"`
	GoVersion  string `json:"go_version"`
	OS         string `json:"os"`
	Kernel     string `json:"kernel"`
	Arch       string `json:"arch"`
	// LoadBefore and LoadAfter are the 1-minute load averages at the start and end of the run.
	LoadBefore float64 `json:"load_before"`
	LoadAfter  float64 `json:"load_after"`
}

// LogCallRow is the per-call cost of one logger at one goroutine count.
type LogCallRow struct {
	Library    string `json:"library"`
	Goroutines int    `json:"goroutines"`
	Calls      int    `json:"calls"`
	// MeanNs, P50Ns, P95Ns and P99Ns are per-call latencies, each call timed on its own.
	MeanNs float64 `json:"mean_ns"`
	P50Ns  float64 `json:"p50_ns"`
	P95Ns  float64 `json:"p95_ns"`
	P99Ns  float64 `json:"p99_ns"`
	// WallNsPerCall is the wall time of all goroutines' calls divided by the calls (throughput).
	WallNsPerCall float64 `json:"wall_ns_per_call"`
	AllocsPerCall float64 `json:"allocs_per_call"`
	BytesPerCall  float64 `json:"bytes_per_call"`
	// RatioToSlog is WallNsPerCall over slog JSON's at the same goroutine count: the ratio of
	// what go test's ns/op measures (b.Loop serially, b.RunParallel with goroutines).
	RatioToSlog float64 `json:"ratio_to_slog_json"`
}

// BurstRow is one burst of records into the in-process OTLP receiver.
type BurstRow struct {
	Library      string  `json:"library"`
	Contended    bool    `json:"contended"`
	Sent         int64   `json:"sent"`
	Delivered    int64   `json:"delivered"`
	Dropped      int64   `json:"dropped"`
	Reported     int64   `json:"reported_dropped"`
	DeliveredPS  float64 `json:"delivered_per_s"`
	DropRate     float64 `json:"drop_rate"`
	Accounted    bool    `json:"accounted"`
	ElapsedS     Seconds `json:"elapsed_s"`
	ErrorMessage string  `json:"error,omitempty"`
}

// S3LatRow is the latency distribution of one library's sequential Puts of one size.
type S3LatRow struct {
	Library string  `json:"library"`
	Size    int     `json:"size_bytes"`
	Puts    int     `json:"puts"`
	Errors  int     `json:"errors"`
	MeanMs  float64 `json:"mean_ms"`
	P50Ms   float64 `json:"p50_ms"`
	P95Ms   float64 `json:"p95_ms"`
	P99Ms   float64 `json:"p99_ms"`
	MBps    float64 `json:"mb_per_s"`
	// AllocsPerPut and BytesPerPut are the process's allocations per Put.
	AllocsPerPut float64 `json:"allocs_per_put"`
	BytesPerPut  float64 `json:"bytes_per_put"`
	// Samples are the latencies in milliseconds, in the order measured, for the chart.
	Samples []float64 `json:"samples_ms,omitempty"`
}

// S3LargeRow is one library's multipart Put of a large object from a reader that cannot seek.
type S3LargeRow struct {
	Library     string  `json:"library"`
	Size        int64   `json:"size_bytes"`
	Puts        int     `json:"puts"`
	MBps        float64 `json:"mb_per_s"`
	PeakHeapMiB float64 `json:"peak_heap_mib"`
}

// S3Overhead is the client-side cost of obskit's instrumentation per Put, with the SDK's HTTP
// transport replaced by one that answers at once, and that of otelaws for reference.
type S3Overhead struct {
	Puts int `json:"puts"`
	// SDKCPUNs, ObskitCPUNs and OtelawsCPUNs are the calling thread's CPU time per Put.
	SDKCPUNs     float64 `json:"sdk_cpu_ns"`
	ObskitCPUNs  float64 `json:"obskit_cpu_ns"`
	OtelawsCPUNs float64 `json:"otelaws_cpu_ns,omitempty"`
	// OverheadNs and OtelawsOverheadNs are the differences with SDKCPUNs.
	OverheadNs        float64 `json:"overhead_ns"`
	OtelawsOverheadNs float64 `json:"otelaws_overhead_ns,omitempty"`
	SDKAllocs         float64 `json:"sdk_allocs"`
	ObskitAllocs      float64 `json:"obskit_allocs"`
	OtelawsAllocs     float64 `json:"otelaws_allocs,omitempty"`
}

// FaultRow is one library's concurrent uploads through the fault proxy at one fault level.
type FaultRow struct {
	Library     string  `json:"library"`
	Level       string  `json:"level"`
	Uploads     int     `json:"uploads"`
	Succeeded   int     `json:"succeeded"`
	Verified    int     `json:"verified"`
	SuccessRate float64 `json:"success_rate"`
	P50Ms       float64 `json:"p50_ms"`
	P95Ms       float64 `json:"p95_ms"`
	P99Ms       float64 `json:"p99_ms"`
	Retries     int64   `json:"retries"`
	Injected    int64   `json:"faults_injected"`
	Requests    int64   `json:"requests"`
	ElapsedS    Seconds `json:"elapsed_s"`
	FirstError  string  `json:"first_error,omitempty"`
}

// ConfigRow is one loader's time to load one struct.
type ConfigRow struct {
	Loader        string  `json:"loader"`
	Fields        int     `json:"fields"`
	Loads         int     `json:"loads"`
	MeanUs        float64 `json:"mean_us"`
	AllocsPerLoad float64 `json:"allocs_per_load"`
	BytesPerLoad  float64 `json:"bytes_per_load"`
}

// SoakResult is the long run: many log records and uploads, with the process's heap and
// goroutines before and after.
type SoakResult struct {
	Records   int64 `json:"records"`
	Delivered int64 `json:"delivered"`
	Dropped   int64 `json:"dropped"`
	// Reported is the drop count of the pipeline itself (otel.sdk.processor.log.processed and otel.sdk.exporter.log.exported with error.type).
	Reported         int64   `json:"reported_dropped"`
	Uploads          int     `json:"uploads"`
	UploadsOK        int     `json:"uploads_ok"`
	ElapsedS         Seconds `json:"elapsed_s"`
	HeapBeforeMiB    float64 `json:"heap_before_mib"`
	HeapPeakMiB      float64 `json:"heap_peak_mib"`
	HeapAfterMiB     float64 `json:"heap_after_mib"`
	GoroutinesBefore int     `json:"goroutines_before"`
	GoroutinesAfter  int     `json:"goroutines_after"`
}

// TargetCheck is one target of the issues, with what was measured and whether it is met.
type TargetCheck struct {
	ID     string `json:"id"`
	Issue  string `json:"issue"`
	Target string `json:"target"`
	// Measured is obskit's figure as run (through telemetry.Setup for logging).
	Measured string `json:"measured"`
	// Logpipe is exporters/logpipe's figure measured directly, when relevant.
	Logpipe string `json:"logpipe,omitempty"`
	// Reference is the peer figure the target is relative to.
	Reference string `json:"reference,omitempty"`
	// Status is pass, fail or n/a (not measured in this run, with Note saying why).
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// Target statuses.
const (
	StatusPass = "pass"
	StatusFail = "fail"
	StatusNA   = "n/a"
)

// Chart is a PNG drawn by the runner beside REPORT.md.
type Chart struct {
	File  string `json:"file"`
	Title string `json:"title"`
	// Section is the report section it belongs to.
	Section string `json:"section"`
}
