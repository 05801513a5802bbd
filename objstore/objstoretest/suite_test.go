package objstoretest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/membucket"
	"github.com/esper-platform/obskit/objstore/objstoretest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// broken buckets, each breaking one rule of the Bucket contract, and what the suite must say.
var brokenBuckets = []struct {
	name string
	wrap func(objstore.Bucket) objstore.Bucket
	want string // in the failing suite's output
}{
	{"unordered List", func(b objstore.Bucket) objstore.Bucket { return reversedList{b} }, "List("},
	{"Delete not idempotent", func(b objstore.Bucket) objstore.Bucket { return strictDelete{b} },
		"Delete is idempotent"},
	{"unwrapped key errors", func(b objstore.Bucket) objstore.Bucket { return opaqueErrors{b} },
		"want an error matching ErrInvalidKey"},
	{"partial Put visible", func(b objstore.Bucket) objstore.Bucket { return partialPut{b} },
		"FailedPut/reader_error"},
	{"cancellation ignored", func(b objstore.Bucket) objstore.Bucket { return noCancel{b} },
		"want an error matching context.Canceled"},
}

// TestSuiteCatchesBrokenBuckets runs the suite, in a child process, against buckets that break
// the contract, and checks that it fails for the right reason: a suite that cannot fail proves
// nothing.
func TestSuiteCatchesBrokenBuckets(t *testing.T) {
	if name := os.Getenv("OBJSTORETEST_BROKEN"); name != "" {
		for _, bb := range brokenBuckets {
			if bb.name == name {
				objstoretest.Run(t, func(*testing.T) objstore.Bucket { return bb.wrap(membucket.New()) },
					objstoretest.WithoutListMany())
			}
		}
		return
	}
	for _, bb := range brokenBuckets {
		t.Run(bb.name, func(t *testing.T) {
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSuiteCatchesBrokenBuckets$")
			cmd.Env = append(os.Environ(), "OBJSTORETEST_BROKEN="+bb.name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("suite passed a bucket with %s (err %v); output:\n%s", bb.name, err, out)
			}
			if !strings.Contains(string(out), bb.want) {
				t.Errorf("suite failed without saying %q; output:\n%s", bb.want, out)
			}
		})
	}
}

func TestMemBucketPasses(t *testing.T) {
	objstoretest.Run(t, func(*testing.T) objstore.Bucket { return membucket.New() },
		objstoretest.WithListCount(1001), objstoretest.WithLargeSize(1<<20), objstoretest.WithPrefix("other/"))
}

type reversedList struct{ objstore.Bucket }

func (r reversedList) List(ctx context.Context, prefix string, _ ...objstore.ListOption) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		var infos []objstore.ObjectInfo
		for info, err := range r.Bucket.List(ctx, prefix) {
			if err != nil {
				yield(info, err)
				return
			}
			infos = append(infos, info)
		}
		slices.Reverse(infos)
		for _, info := range infos {
			if !yield(info, nil) {
				return
			}
		}
	}
}

type strictDelete struct{ objstore.Bucket }

func (s strictDelete) Delete(ctx context.Context, key string) error {
	ok, err := s.Exists(ctx, key)
	if err == nil && !ok {
		return &objstore.OpError{Op: objstore.OpDelete, Key: key, Err: objstore.ErrNotFound}
	}
	return s.Bucket.Delete(ctx, key)
}

type opaqueErrors struct{ objstore.Bucket }

func (o opaqueErrors) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	rc, err := o.Bucket.Get(ctx, key)
	if objstore.IsInvalidKey(err) {
		err = errors.New(err.Error())
	}
	return rc, err
}

type partialPut struct{ objstore.Bucket }

func (p partialPut) Put(ctx context.Context, key string, r io.Reader, _ int64, opts ...objstore.PutOption) error {
	data, _ := io.ReadAll(r)
	return p.Bucket.Put(ctx, key, bytes.NewReader(data), int64(len(data)), opts...)
}

type noCancel struct{ objstore.Bucket }

func (n noCancel) Attributes(ctx context.Context, key string) (objstore.Attributes, error) {
	return n.Bucket.Attributes(context.WithoutCancel(ctx), key)
}
