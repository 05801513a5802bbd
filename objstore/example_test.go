package objstore_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/objstore/filebucket"
	"github.com/esper-platform/obskit/objstore/membucket"
)

// Store an object and read it back, here in memory.
func Example() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()

	if err := b.Put(ctx, "greetings/hello.txt", strings.NewReader("hello, world"), 12); err != nil {
		fmt.Println(err)
		return
	}
	rc, err := b.Get(ctx, "greetings/hello.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	data, _ := io.ReadAll(rc)
	fmt.Println(string(data))

	_, err = b.Get(ctx, "greetings/missing.txt")
	fmt.Println(objstore.IsNotFound(err), err)
	// Output:
	// hello, world
	// true objstore get "greetings/missing.txt": object not found
}

// Pick the backend from a URL: mem://, file:///dir, or s3://bucket once objstore/s3 is
// registered too.
func ExampleOpen() {
	var reg objstore.Registry
	membucket.Register(&reg)
	filebucket.Register(&reg)

	dir, _ := os.MkdirTemp("", "objstore-example")
	defer os.RemoveAll(dir)

	ctx := context.Background()
	for _, u := range []string{"mem://", "file://" + dir, "gs://bucket"} {
		b, err := objstore.Open(ctx, u, objstore.WithRegistry(&reg))
		if err != nil {
			fmt.Println(err)
			continue
		}
		err = b.Put(ctx, "a/b.txt", strings.NewReader("x"), 1)
		ok, _ := b.Exists(ctx, "a/b.txt")
		fmt.Printf("%s: stored=%t err=%v\n", strings.SplitN(u, ":", 2)[0], ok, err)
		b.Close()
	}
	// Output:
	// mem: stored=true err=<nil>
	// file: stored=true err=<nil>
	// objstore: open gs://: unknown bucket URL scheme (registered: file, mem)
}

// Upload many objects with bounded concurrency and a progress callback.
func ExampleUploadMany() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()

	items := []objstore.UploadItem{
		objstore.BytesItem("reports/1.json", []byte(`{"n":1}`)),
		objstore.BytesItem("reports/2.json", []byte(`{"n":2}`)),
		objstore.BytesItem("/reports/3.json", []byte(`{"n":3}`)), // invalid: leading '/'
	}
	var last objstore.UploadProgress
	results, err := objstore.UploadMany(ctx, b, items,
		objstore.WithConcurrency(2),
		objstore.WithProgress(func(p objstore.UploadProgress) { last = p }))
	for _, r := range results {
		fmt.Printf("%s: %d bytes, ok=%t\n", r.Key, r.Bytes, r.Err == nil)
	}
	fmt.Printf("done %d/%d, failed %d, %d bytes\n", last.Done, last.Total, last.Failed, last.Bytes)
	fmt.Println(objstore.IsInvalidKey(err))
	// Output:
	// reports/1.json: 7 bytes, ok=true
	// reports/2.json: 7 bytes, ok=true
	// /reports/3.json: 0 bytes, ok=false
	// done 3/3, failed 1, 14 bytes
	// true
}

// Instrument a bucket: one span per operation, here captured in memory.
func ExampleInstrument() {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(ctx)
	stats := &objstore.Stats{}

	b := objstore.Instrument(membucket.New(),
		objstore.WithTracerProvider(tp), // default: the global provider
		objstore.WithBucketName("reports"),
		objstore.WithStats(stats))
	defer b.Close()

	b.Put(ctx, "2026/11/summary.txt", strings.NewReader("all good"), 8)
	rc, _ := b.Get(ctx, "2026/11/summary.txt")
	io.Copy(io.Discard, rc)
	rc.Close() // the get span ends here, with the bytes read
	b.Get(ctx, "2026/11/missing.txt")
	b.Put(ctx, "../escape", strings.NewReader("x"), 1)

	for _, s := range spans.GetSpans() {
		a := map[string]string{}
		for _, kv := range s.Attributes {
			a[string(kv.Key)] = kv.Value.String()
		}
		fmt.Printf("%s key=%s success=%s bytes=%s status=%s", s.Name, a["aws.s3.key"],
			a["objstore.success"], a["objstore.bytes"], s.Status.Code)
		if et, ok := a["error.type"]; ok {
			fmt.Printf(" error.type=%s", et)
		}
		fmt.Println()
	}
	for _, st := range stats.Snapshot() {
		fmt.Printf("%s: n=%d ok=%d failed=%d not_found=%d bytes=%d\n", st.Op, st.Count, st.Successes, st.Failures, st.NotFound, st.Bytes)
	}
	// Output:
	// objstore.put key=2026/11/summary.txt success=true bytes=8 status=Unset
	// objstore.get key=2026/11/summary.txt success=true bytes=8 status=Unset
	// objstore.get key=2026/11/missing.txt success=false bytes=0 status=Unset
	// objstore.put key=../escape success=false bytes=0 status=Error error.type=invalid_key
	// put: n=2 ok=1 failed=1 not_found=0 bytes=8
	// get: n=2 ok=1 failed=0 not_found=1 bytes=8
}

func ExampleValidateKey() {
	for _, k := range []string{"logs/2026-11-26.gz", "", "/abs", "a/../b", "tab\there"} {
		fmt.Printf("%q: %v\n", k, objstore.ValidateKey(k))
	}
	// Output:
	// "logs/2026-11-26.gz": <nil>
	// "": invalid object key: empty key
	// "/abs": invalid object key: starts with '/'
	// "a/../b": invalid object key: has a "." or ".." segment
	// "tab\there": invalid object key: contains a control character
}

// Store an object with its content type and metadata, once only, then replace it only if it
// has not changed since it was read: a lock or a compare-and-swap on any provider.
func ExampleWithIfNotExists() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()

	put := func(body string, opts ...objstore.PutOption) error {
		return b.Put(ctx, "locks/job-7", strings.NewReader(body), int64(len(body)), opts...)
	}
	err := put(`{"owner":"a"}`, objstore.WithIfNotExists(), objstore.WithContentType("application/json"),
		objstore.WithMetadata(map[string]string{"Owner": "a"}))
	fmt.Println("first create:", err)
	err = put(`{"owner":"b"}`, objstore.WithIfNotExists())
	fmt.Println("second create fails:", objstore.IsPreconditionFailed(err))

	a, _ := b.Attributes(ctx, "locks/job-7")
	fmt.Println(a.ContentType, a.Metadata["owner"])
	fmt.Println("swap:", put(`{"owner":"c"}`, objstore.WithIfMatch(a.ETag)))
	err = put(`{"owner":"d"}`, objstore.WithIfMatch(a.ETag))
	fmt.Println("stale swap fails:", objstore.IsPreconditionFailed(err))
	// Output:
	// first create: <nil>
	// second create fails: true
	// application/json a
	// swap: <nil>
	// stale swap fails: true
}

// List one level of a hierarchy: objects and directories.
func ExampleWithDelimiter() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()
	for _, k := range []string{"logs/a.txt", "logs/2026/01.txt", "logs/2026/02.txt", "logs/2027/01.txt"} {
		_ = b.Put(ctx, k, strings.NewReader("x"), 1)
	}
	for e, err := range b.List(ctx, "logs/", objstore.WithDelimiter("/")) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Key, e.IsDir)
	}
	// Output:
	// logs/2026/ true
	// logs/2027/ true
	// logs/a.txt false
}

// Copy an object inside the store, then delete both in one call.
func ExampleBucket_copy() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()
	_ = b.Put(ctx, "reports/r.csv", strings.NewReader("a,b"), 3, objstore.WithContentType("text/csv"))

	if err := b.Copy(ctx, "archive/r.csv", "reports/r.csv"); err != nil {
		fmt.Println(err)
		return
	}
	a, _ := b.Attributes(ctx, "archive/r.csv")
	fmt.Println(a.Size, a.ContentType)

	err := b.DeleteMany(ctx, []string{"reports/r.csv", "archive/r.csv", "bad/../key"})
	var de *objstore.DeleteManyError
	if errors.As(err, &de) {
		fmt.Println("not deleted:", de.Failed())
	}
	// Output:
	// 3 text/csv
	// not deleted: [bad/../key]
}
