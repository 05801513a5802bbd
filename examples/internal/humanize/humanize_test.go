package humanize_test

import (
	"testing"
	"time"

	"github.com/esper-platform/obskit/examples/internal/humanize"
)

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"},
		{5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}, {5 << 40, "5120.0 GiB"},
	} {
		if got := humanize.Bytes(tc.n); got != tc.want {
			t.Errorf("Bytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{1234 * time.Nanosecond, "1µs"},
		{1234567 * time.Nanosecond, "1.23ms"},
		{1234567890 * time.Nanosecond, "1.235s"},
	} {
		if got := humanize.Duration(tc.d); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
