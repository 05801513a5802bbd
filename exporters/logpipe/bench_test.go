package logpipe_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/exporters/logpipe"
)

// discardExporter is the stock pipeline's discarding exporter.
type discardExporter struct{}

func (discardExporter) Export(context.Context, []sdklog.Record) error { return nil }
func (discardExporter) Shutdown(context.Context) error                { return nil }
func (discardExporter) ForceFlush(context.Context) error              { return nil }

// spanContext returns a context carrying a sampled span, as a request handler has.
func spanContext() context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10},
		SpanID:     trace.SpanID{0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18},
		TraceFlags: trace.FlagsSampled,
	})
	return trace.ContextWithSpanContext(context.Background(), sc)
}

// logCall is the call every per-call benchmark measures: InfoContext with 4 attrs.
func logCall(ctx context.Context, l *slog.Logger) {
	l.InfoContext(ctx, "request handled",
		slog.String("http.method", "GET"),
		slog.Int("http.status", 200),
		slog.String("url.path", "/api/v1/items"),
		slog.Duration("elapsed", 1500*time.Microsecond))
}

type pipeline struct {
	name   string
	logger *slog.Logger
	stop   func()
}

func benchPipelines(b *testing.B) []pipeline {
	res := resource.Empty()
	stockProc := sdklog.NewBatchProcessor(discardExporter{})
	stock := sdklog.NewLoggerProvider(sdklog.WithProcessor(stockProc), sdklog.WithResource(res))
	ours, err := logpipe.NewProvider(logpipe.Discard{}, logpipe.WithResource(res), logpipe.WithWarningWriter(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	return []pipeline{
		{"slogJSON", slog.New(slog.NewJSONHandler(io.Discard, nil)), func() {}},
		{"stock", slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(stock))), func() { _ = stock.Shutdown(context.Background()) }},
		{"logpipe", slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(ours))), func() { _ = ours.Shutdown(context.Background()) }},
	}
}

// BenchmarkInfoContext measures one InfoContext call with 4 attrs through
// each pipeline (slog's JSON handler to io.Discard as the reference).
func BenchmarkInfoContext(b *testing.B) {
	ctx := spanContext()
	for _, p := range benchPipelines(b) {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				logCall(ctx, p.logger)
			}
		})
		b.Run(p.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					logCall(ctx, p.logger)
				}
			})
		})
		p.stop()
	}
}

// spanContextOf returns the span context that ctx carries.
func spanContextOf(ctx context.Context) trace.SpanContext { return trace.SpanContextFromContext(ctx) }
