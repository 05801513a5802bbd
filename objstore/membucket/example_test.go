package membucket_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/esper-platform/obskit/objstore/membucket"
)

func ExampleNew() {
	ctx := context.Background()
	b := membucket.New()
	defer b.Close()
	for _, k := range []string{"logs/b.txt", "logs/a.txt", "tmp/c.txt"} {
		b.Put(ctx, k, strings.NewReader(k), int64(len(k)))
	}
	for info, err := range b.List(ctx, "logs/") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(info.Key, info.Size)
	}
	a, _ := b.Attributes(ctx, "tmp/c.txt")
	fmt.Println(a.Size, a.Checksum)
	// Output:
	// logs/a.txt 10
	// logs/b.txt 10
	// 9 CRC32C:cx6Cew==
}
