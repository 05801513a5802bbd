package s3_test

import (
	"testing"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/objstoretest"
	"github.com/esper-platform/obskit/objstore/s3"
)

// TestAcceptance runs the objstore acceptance suite against versitygw, which checks every
// signature. Requests go through a fault proxy injecting no fault, used to count them (an
// invalid key must cost none).
func TestAcceptance(t *testing.T) {
	runAcceptance(t, testserver.StartVersity(t), nil)
}

// runAcceptance runs the objstore acceptance suite against srv through a fault proxy injecting
// no fault (its request count shows what each case cost), with 5 MiB parts and edit applied to
// each bucket's Config.
func runAcceptance(t *testing.T, srv *testserver.S3Server, edit func(*s3.Config)) {
	proxy, err := faultproxy.Start(srv.Endpoint, faultproxy.Faults{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	objstoretest.Run(t, func(t *testing.T) objstore.Bucket {
		cfg := versityConfig(srv, proxy.URL())
		cfg.PartSize = s3.MinPartSize
		if edit != nil {
			edit(&cfg)
		}
		return openConfig(t, cfg)
	},
		objstoretest.WithListCount(1100),
		objstoretest.WithLargeSize(2*s3.MinPartSize+1),
		objstoretest.WithRequestCounter(func() int64 { return proxy.Counts().Requests }),
	)
}
