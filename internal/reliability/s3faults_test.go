package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/internal/faultproxy"
	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/s3"
)

// s3FaultFigures are what TestS3Faults measured, one entry per case.
type s3FaultFigures struct {
	Cases []s3FaultCase
}

// s3FaultCase is one case of TestS3Faults.
type s3FaultCase struct {
	Name              string
	Puts, Succeeded   int
	FailedWithNothing int     // failed puts that left no object
	FailedStoredWhole int     // failed puts (not ErrOutcomeUnknown) that are stored: false failures
	Unknown           int     // failed with ErrOutcomeUnknown (a request sent, its answer lost)
	UnknownStored     int     // of those, stored whole once the held requests had landed
	MaxReturnS        float64 // the slowest Put to return
	OpenUploads       int     // multipart uploads open at the end
	Seconds           float64
	Requests, Faults  int64 // seen and injected by the fault proxy
}

// TestS3Faults: see measureS3Faults.
func TestS3Faults(t *testing.T) {
	skipUnderUpdate(t)
	measureS3Faults(t)
}

// measureS3Faults adds what objstore/s3/fault_test.go (TestFaultTolerance: 1,000 concurrent
// Puts through SlowDown answers, connection resets and 2 s delays, and a quick server
// restart) does not cover:
//
//   - slow: 30% of requests held 3 s against a 1 s response-header timeout: the attempts time
//     out and are retried, and every Put succeeds;
//   - hung: every request held 3 s, 3 attempts: every Put fails within its retry budget and
//     the time it spends looking at the key;
//   - deadline: every request held 3 s, the caller's context expires after 1 s: Put returns at
//     the deadline with context.DeadlineExceeded;
//   - down-briefly: the server stopped for 2 s while small and multipart Puts are in flight,
//     then restarted;
//   - down: the server stopped for 4 s mid-upload with 3 attempts per request, so in-flight
//     Puts fail, then restarted.
//
// In every case, each Put that reported success reads back byte-identical straight from the
// server; each that failed is an *objstore.OpError and, once every late request has landed,
// left no object, unless it failed with objstore.ErrOutcomeUnknown (then the object is absent
// or whole); and ListMultipartUploads shows no upload left open.
func measureS3Faults(t *testing.T) s3FaultFigures {
	testserver.Require(t, testserver.ToolVersity)
	srv := testserver.StartVersity(t)
	direct := openBucket(t, srv, "", nil, s3.WithInstrumentation(false))
	var client *awss3.Client
	if !direct.As(&client) {
		t.Fatal("As(**s3.Client) = false")
	}
	slow := faultproxy.Faults{Delay: 0.3, DelayFor: 3 * time.Second}
	hung := faultproxy.Faults{Delay: 1, DelayFor: 3 * time.Second}
	cases := []struct {
		name       string
		faults     faultproxy.Faults
		edit       func(*s3.Config)
		timeout    time.Duration // the caller's deadline per Put
		down       time.Duration // how long the server is stopped mid-run
		allSucceed bool
		allFail    bool
		maxReturn  time.Duration // of each single-request Put
	}{
		{name: "slow", faults: slow, edit: headerTimeout(time.Second, 8), timeout: time.Minute, allSucceed: true},
		// hung: its retry budget, then up to objstore/s3's 10 s of looking at the key (each
		// HeadObject held as well) before it fails with ErrOutcomeUnknown.
		{name: "hung", faults: hung, edit: headerTimeout(500*time.Millisecond, 3), timeout: time.Minute, allFail: true, maxReturn: 22 * time.Second},
		{name: "deadline", faults: hung, edit: headerTimeout(10*time.Second, 8), timeout: time.Second, allFail: true, maxReturn: 1500 * time.Millisecond},
		{name: "down-briefly", down: 2 * time.Second, timeout: time.Minute},
		{name: "down", down: 4 * time.Second, edit: headerTimeout(10*time.Second, 3), timeout: time.Minute},
	}
	var figs s3FaultFigures
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxy, err := faultproxy.Start(srv.Endpoint, tc.faults, uint64(800+i))
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			b := openBucket(t, srv, proxy.URL(), func(c *s3.Config) {
				c.PartSize = s3.MinPartSize
				if tc.edit != nil {
					tc.edit(c)
				}
			})
			objs := faultCaseObjects(uint64(i), 24, 2)
			began := time.Now()
			errs, took := putConcurrently(b, tc.name, objs, tc.timeout, func() {
				if tc.down == 0 {
					return
				}
				// Stop the server once some of the first requests are in flight.
				for proxy.Counts().Requests < 8 {
					time.Sleep(5 * time.Millisecond)
				}
				if err := srv.Stop(); err != nil {
					t.Errorf("stopping versitygw: %v", err)
				}
				time.Sleep(tc.down)
				srv.Restart(t)
			})
			elapsed := time.Since(began)
			// Requests the proxy still holds land on the server after their delay: wait for
			// them before looking at what the server has.
			time.Sleep(tc.faults.DelayFor + 500*time.Millisecond)

			c := s3FaultCase{Name: tc.name, Puts: len(objs), Seconds: elapsed.Seconds(),
				Requests: proxy.Counts().Requests, Faults: proxy.Counts().Faults()}
			for j, d := range took {
				c.MaxReturnS = max(c.MaxReturnS, d.Seconds())
				// A single-request Put returns at its deadline; a multipart one may take up to
				// the abort's own 30 s more to clean up (objstore/s3 aborts on a fresh context).
				limit := tc.maxReturn
				if len(objs[j]) >= s3.MinPartSize || j%3 == 1 {
					limit += 30 * time.Second
				}
				if tc.maxReturn > 0 && d > limit {
					t.Errorf("obj %d (%d bytes): Put returned after %v, more than %v", j, len(objs[j]), d.Round(time.Millisecond), limit)
				}
			}
			for j, err := range errs {
				key := fmt.Sprintf("%s/obj-%03d", tc.name, j)
				if err == nil {
					c.Succeeded++
					checkStored(t, direct, key, objs[j])
					continue
				}
				var oe *objstore.OpError
				if !errors.As(err, &oe) {
					t.Errorf("%s: error %v is not an *objstore.OpError", key, err)
				}
				if tc.name == "deadline" && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s: error %v does not wrap context.DeadlineExceeded", key, err)
				}
				if c.Puts-c.Succeeded-c.FailedWithNothing-c.FailedStoredWhole <= 3 {
					t.Logf("%s failed after %v: %v", key, took[j].Round(time.Millisecond), err)
				}
				unknown := objstore.IsOutcomeUnknown(err)
				if unknown {
					c.Unknown++
				}
				switch stored, gerr := readAll(direct, key); {
				case objstore.IsNotFound(gerr):
					if !unknown {
						c.FailedWithNothing++
					}
				case gerr != nil:
					t.Errorf("%s: Get: %v", key, gerr)
				case bytes.Equal(stored, objs[j]) && unknown:
					// A request the client had given up on reached the server later (the
					// proxy held it): the object is whole, and the Put said it might be.
					c.UnknownStored++
				case bytes.Equal(stored, objs[j]):
					c.FailedStoredWhole++
					t.Errorf("%s: the Put failed (%v) and the object is stored: a false failure", key, err)
				default:
					t.Errorf("%s: the Put failed and %d bytes of the %d are stored", key, len(stored), len(objs[j]))
				}
			}
			uploads, err := client.ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &srv.Bucket})
			if err != nil {
				t.Fatalf("ListMultipartUploads: %v", err)
			}
			// An upload initiated after every Put had returned was created by a
			// CreateMultipartUpload attempt the client had given up on and the proxy delivered
			// later: no client can know its ID, so only the bucket's lifecycle rule
			// (AbortIncompleteMultipartUpload) removes it. It is logged, not counted; one
			// initiated while the Puts ran was theirs to abort, and is a failure.
			allReturned := began.Add(elapsed).Truncate(time.Second) // S3 times have whole seconds
			for _, u := range uploads.Uploads {
				if u.Key != nil && len(*u.Key) > len(tc.name) && (*u.Key)[:len(tc.name)] == tc.name {
					if u.Initiated != nil && u.Initiated.After(allReturned) {
						t.Logf("%s: upload %s initiated at %v, after every Put had returned (a late request the proxy held)", *u.Key, aws.ToString(u.UploadId), u.Initiated)
						continue
					}
					c.OpenUploads++
				}
			}
			t.Logf("%s: %d/%d succeeded in %.1fs (slowest Put %.1fs); failed: %d leaving nothing, %d outcome unknown (%d stored later), %d false failures; %d uploads open; proxy %v",
				tc.name, c.Succeeded, c.Puts, c.Seconds, c.MaxReturnS, c.FailedWithNothing, c.Unknown, c.UnknownStored, c.FailedStoredWhole, c.OpenUploads, proxy.Counts())
			if c.OpenUploads > 0 {
				t.Errorf("%d multipart uploads left open", c.OpenUploads)
			}
			if tc.allSucceed && c.Succeeded != c.Puts {
				t.Errorf("%d of %d Puts failed; every one should ride out the fault", c.Puts-c.Succeeded, c.Puts)
			}
			if tc.allFail && c.Succeeded != 0 {
				t.Errorf("%d Puts succeeded although every request was held past its timeout", c.Succeeded)
			}
			if tc.down == 0 && c.Faults == 0 {
				t.Error("the proxy injected no fault: the case proves nothing")
			}
			figs.Cases = append(figs.Cases, c)
		})
	}
	return figs
}

// headerTimeout sets the response-header timeout and the attempts per request.
func headerTimeout(d time.Duration, attempts int) func(*s3.Config) {
	return func(c *s3.Config) {
		c.ResponseHeaderTimeout = d
		c.MaxAttempts = attempts
		c.MaxBackoff = time.Second
	}
}

// faultCaseObjects returns small objects of 1–64 KiB and, first, large ones of 11–15 MiB
// (three parts of 5 MiB).
func faultCaseObjects(seed uint64, small, large int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 11))
	var objs [][]byte
	for range large {
		objs = append(objs, randomBytes(rng, 11<<20+rng.IntN(4<<20)))
	}
	for range small {
		objs = append(objs, randomBytes(rng, 1<<10+rng.IntN(63<<10)))
	}
	return objs
}

// putConcurrently puts every object at once under prefix/obj-NNN, each with its own timeout,
// runs during (if not nil) on the calling goroutine meanwhile, and returns each Put's error.
// Every third object is put with an unknown size.
func putConcurrently(b objstore.Bucket, prefix string, objs [][]byte, timeout time.Duration, during func()) ([]error, []time.Duration) {
	errs := make([]error, len(objs))
	took := make([]time.Duration, len(objs))
	var wg sync.WaitGroup
	for j, obj := range objs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			size := int64(len(obj))
			var r io.Reader = bytes.NewReader(obj)
			if j%3 == 1 {
				size, r = -1, io.MultiReader(r)
			}
			began := time.Now()
			errs[j] = b.Put(ctx, fmt.Sprintf("%s/obj-%03d", prefix, j), r, size)
			took[j] = time.Since(began)
		})
	}
	if during != nil {
		during()
	}
	wg.Wait()
	return errs, took
}

// readAll returns the content stored under key.
func readAll(b objstore.Bucket, key string) ([]byte, error) {
	rc, err := b.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// checkStored fails the test unless key reads back as want from b.
func checkStored(t *testing.T, b objstore.Bucket, key string, want []byte) {
	t.Helper()
	rc, err := b.Get(context.Background(), key)
	if err != nil {
		t.Errorf("%s: the Put succeeded but Get fails: %v", key, err)
		return
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: the Put succeeded but %d bytes read back (err %v), want the %d bytes put", key, len(got), err, len(want))
	}
}
