package main

import (
	"testing"
	"time"
)

func TestRoundForTable(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{1234 * time.Nanosecond, "1µs"},
		{1234567 * time.Nanosecond, "1.23ms"},
		{1234567890 * time.Nanosecond, "1.235s"},
	} {
		if got := roundForTable(tc.d).String(); got != tc.want {
			t.Errorf("roundForTable(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
