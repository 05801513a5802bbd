package reliability_test

import (
	"flag"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The flags of this package's tests; see the package documentation.
var (
	longFlag   = flag.Bool("reliability.long", false, "run the long variants (10 s Collector outage, 10 min soak); env OBSKIT_LONG=1 does the same")
	updateFlag = flag.Bool("update", false, "TestReliabilityReport: measure everything and rewrite RELIABILITY.md at the repository root")
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// long reports whether the long variants were asked for, by -reliability.long or OBSKIT_LONG=1.
func long() bool { return *longFlag || os.Getenv("OBSKIT_LONG") == "1" }

// pick returns short in the CI variant and long in the long one.
func pick(short, long_ time.Duration) time.Duration {
	if long() {
		return long_
	}
	return short
}
