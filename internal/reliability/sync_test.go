package reliability_test

import (
	"testing"

	"github.com/esper-platform/obskit/internal/testkit"
	"github.com/esper-platform/obskit/telemetry"
)

// withDiagnostics is telemetry.WithDiagnostics(w).
func withDiagnostics(w *testkit.SyncBuffer) telemetry.Option { return telemetry.WithDiagnostics(w) }

// skipUnderUpdate skips an item's own test under -update, where TestReliabilityReport runs
// every measurement itself.
func skipUnderUpdate(t *testing.T) {
	t.Helper()
	if *updateFlag {
		t.Skip("-update: TestReliabilityReport runs this measurement")
	}
}
