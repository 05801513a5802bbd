package reliability_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/esper-platform/obskit/telemetry"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withDiagnostics is telemetry.WithDiagnostics(w).
func withDiagnostics(w *syncBuffer) telemetry.Option { return telemetry.WithDiagnostics(w) }

// skipUnderUpdate skips an item's own test under -update, where TestReliabilityReport runs
// every measurement itself.
func skipUnderUpdate(t *testing.T) {
	t.Helper()
	if *updateFlag {
		t.Skip("-update: TestReliabilityReport runs this measurement")
	}
}
