package exporters

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Duration is a time span as the OpenTelemetry environment specification writes it: an integer
// number of milliseconds (OTEL_EXPORTER_OTLP_TIMEOUT=10000). A Go duration string (10s, 500ms)
// is accepted too. It implements [encoding.TextUnmarshaler], so envconfig fills it.
type Duration time.Duration

// Std returns d as a [time.Duration].
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String returns d as a Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes d as a Go duration string, which [Duration.UnmarshalText] reads back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

var errDuration = errors.New("want a non-negative number of milliseconds, or a duration such as 10s")

// UnmarshalText reads an integer number of milliseconds or a Go duration string. Negative
// values are rejected. Its error never quotes the text.
func (d *Duration) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 || ms > int64(time.Duration(1<<63-1)/time.Millisecond) {
			return errDuration
		}
		*d = Duration(time.Duration(ms) * time.Millisecond)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return errDuration
	}
	*d = Duration(v)
	return nil
}
