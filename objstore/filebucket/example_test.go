package filebucket_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/esper-platform/obskit/objstore/filebucket"
)

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "filebucket-example")
	defer os.RemoveAll(dir)

	ctx := context.Background()
	b, err := filebucket.New(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	b.Put(ctx, "reports/2026/summary.txt", strings.NewReader("all good"), 8)

	// The object is a plain file under the root.
	data, _ := os.ReadFile(filepath.Join(dir, "reports", "2026", "summary.txt"))
	fmt.Println(string(data))

	rc, _ := b.GetRange(ctx, "reports/2026/summary.txt", 4, -1)
	tail, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(string(tail))
	// Output:
	// all good
	// good
}
