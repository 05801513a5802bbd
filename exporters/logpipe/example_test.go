package logpipe_test

import (
	"context"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/esper-platform/obskit/exporters/logpipe"
	"github.com/esper-platform/obskit/exporters/otlpconf"
)

// The provider sits behind the otelslog bridge; Shutdown flushes it.
func Example() {
	exp, err := logpipe.NewOTLPExporter(otlpconf.Target{
		Protocol: otlpconf.ProtocolGRPC,
		Host:     "127.0.0.1:4317",
		Insecure: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Discard stands in for exp so that the example runs without a collector.
	_ = exp.Shutdown(context.Background())
	lp, err := logpipe.NewProvider(logpipe.Discard{}, logpipe.WithResource(resource.Empty()))
	if err != nil {
		fmt.Println(err)
		return
	}
	logger := slog.New(otelslog.NewHandler("example", otelslog.WithLoggerProvider(lp)))
	logger.Info("hello", "user", "ann")
	logger.Warn("careful", "attempt", 2)

	if err := lp.Shutdown(context.Background()); err != nil {
		fmt.Println(err)
	}
	s := lp.Stats()
	fmt.Printf("emitted %d, exported %d, dropped %d\n", s.Emitted, s.Exported, s.Dropped)
	// Output: emitted 2, exported 2, dropped 0
}

// A batch job that must lose nothing blocks instead of dropping.
func ExampleWithBlocking() {
	lp, err := logpipe.NewProvider(logpipe.Discard{},
		logpipe.WithResource(resource.Empty()),
		logpipe.WithBlocking(),
		logpipe.WithQueueBytes(1<<20))
	if err != nil {
		fmt.Println(err)
		return
	}
	logger := slog.New(otelslog.NewHandler("batch", otelslog.WithLoggerProvider(lp)))
	for i := range 10000 {
		logger.Info("row", "i", i)
	}
	_ = lp.Shutdown(context.Background())
	fmt.Println("dropped:", lp.Stats().Dropped)
	// Output: dropped: 0
}
