package membucket_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
	"github.com/esper-platform/obskit/objstore/objstoretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestAcceptance(t *testing.T) {
	// Each call gives a new, empty bucket: Close drops a memory bucket's objects.
	objstoretest.Run(t, func(t *testing.T) objstore.Bucket { return membucket.New() })
}
