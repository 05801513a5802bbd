package main

// scale holds the sizes of a run: full, or scaled down by -quick.
type scale struct {
	// CallsPerCell is the number of timed logging calls per logger and goroutine count.
	CallsPerCell int
	// Goroutines are the goroutine counts of the per-call scenario.
	Goroutines []int
	// BurstRecords is the size of one OTLP burst.
	BurstRecords int
	// SmallPuts and MediumPuts are the sequential 1 KiB and 1 MiB Puts per library.
	SmallPuts, MediumPuts int
	// LargeSize is the size of the multipart Put; LargeRounds the Puts per library.
	LargeSize   int64
	LargeRounds int
	// OverheadPuts is the number of Puts of the in-memory overhead measurement, per client.
	OverheadPuts int
	// FaultUploads is the number of concurrent uploads per fault run.
	FaultUploads int
	// ConfigBudget is the number of loads of the 10-field struct (fewer for larger ones).
	ConfigLoads int
	// SoakRecords and SoakUploads are the soak's sizes.
	SoakRecords, SoakUploads int
}

func fullScale() scale {
	return scale{
		CallsPerCell: 200_000, Goroutines: []int{1, 4, 16, 64}, BurstRecords: 200_000,
		SmallPuts: 300, MediumPuts: 100, LargeSize: 1 << 30, LargeRounds: 2, OverheadPuts: 20_000,
		FaultUploads: 1000, ConfigLoads: 20_000, SoakRecords: 1_000_000, SoakUploads: 10_000,
	}
}

func quickScale() scale {
	return scale{
		CallsPerCell: 8_000, Goroutines: []int{1, 4, 16, 64}, BurstRecords: 20_000,
		SmallPuts: 30, MediumPuts: 10, LargeSize: 32 << 20, LargeRounds: 1, OverheadPuts: 2_000,
		FaultUploads: 200, ConfigLoads: 1_000, SoakRecords: 100_000, SoakUploads: 300,
	}
}
