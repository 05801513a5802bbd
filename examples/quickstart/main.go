// Command quickstart is obskit's demo: with nothing configured, it loads its configuration through
// envconfig and prints where every value came from, secrets masked. Later stages grow it into
// the full demo (embedded S3 server, telemetry to a local file, a summary).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/esper-platform/obskit/envconfig"
)

func main() {
	if err := run(os.Stdout, envconfig.WithPrefix(Prefix)); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, opts ...envconfig.Option) error {
	cfg, err := envconfig.Load[Config](opts...)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "obskit quickstart: configuration")
	fmt.Fprint(out, envconfig.Text(envconfig.Describe[Config](opts...)))
	fmt.Fprintf(out, "loaded: %+v\n", cfg)
	return nil
}
