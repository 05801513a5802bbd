package exporters_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/exporters"
	"github.com/esper-platform/obskit/exporters/logpipe"
)

// Exporters are chosen by name, as OTEL_TRACES_EXPORTER lists them; several names fan out.
// The file exporter appends one OTLP-JSON request per line, the format the Collector's
// otlpjsonfile receiver reads.
func ExampleNewSpanExporter() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "spans")
	defer os.RemoveAll(dir)

	exp, err := exporters.NewSpanExporter(ctx, []string{"file", "none"}, exporters.WithFileDir(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	_, span := tp.Tracer("example").Start(ctx, "work")
	span.End()
	_ = tp.Shutdown(ctx)

	f, _ := os.Open(filepath.Join(dir, exporters.FileName(exporters.Traces)))
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(strings.HasPrefix(line, `{"resourceSpans":`), strings.Contains(line, `"name":"work"`))
	}
	// Output:
	// true true
}

// Log exporters feed obskit's log pipeline, logpipe; the file exporter appends each batch as
// one OTLP-JSON line, as it does for spans.
func ExampleNewLogExporter() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)

	exp, err := exporters.NewLogExporter(ctx, []string{"file"}, exporters.WithFileDir(dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	lp, err := logpipe.NewProvider(exp, logpipe.WithResource(resource.Empty()))
	if err != nil {
		fmt.Println(err)
		return
	}
	slog.New(otelslog.NewHandler("example", otelslog.WithLoggerProvider(lp))).Info("hello", "user", "ann")
	_ = lp.Shutdown(ctx) // exports what is queued, then closes the file

	b, _ := os.ReadFile(filepath.Join(dir, exporters.FileName(exporters.Logs)))
	line := string(b)
	fmt.Println(strings.HasPrefix(line, `{"resourceLogs":`), strings.Contains(line, `"body":{"stringValue":"hello"}`))
	// Output:
	// true true
}

// An unknown exporter name is an error that lists the valid ones.
func ExampleValidateNames() {
	fmt.Println(exporters.ValidateNames(exporters.Metrics, []string{"otlp", "zipkin"}))
	// Output:
	// exporters: unknown metrics exporter; want one of otlp, console, file, prometheus, none
}
