package exporters_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/esper-platform/obskit/exporters"
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

// An unknown exporter name is an error that lists the valid ones.
func ExampleValidateNames() {
	fmt.Println(exporters.ValidateNames(exporters.Metrics, []string{"otlp", "zipkin"}))
	// Output:
	// exporters: unknown metrics exporter; want one of otlp, console, file, prometheus, none
}
