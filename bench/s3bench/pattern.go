package s3bench

import (
	"slices"
	"time"
)

// Pattern returns n bytes that do not compress to nothing: a counter mixed by a multiplicative
// hash, the same for the same n.
func Pattern(n int) []byte {
	b := make([]byte, n)
	var x uint64 = 0x9e3779b97f4a7c15
	for i := 0; i < n; i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		for k := 0; k < 8 && i+k < n; k++ {
			b[i+k] = byte(x >> (8 * k))
		}
	}
	return b
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted latencies by the nearest-rank method,
// or 0 for none.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// SortedCopy returns a sorted copy of d.
func SortedCopy(d []time.Duration) []time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}
