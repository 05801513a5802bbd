package logbench

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"

	"github.com/rs/zerolog"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Names of the loggers compared, as they appear in benchmark names and reports.
const (
	SlogJSON  = "slog-json"
	Zap       = "zap"
	Zerolog   = "zerolog"
	StockOTel = "otelslog-stock"
	Obskit    = "obskit"
	Logpipe   = "obskit-logpipe"
)

// Target is one logger under test.
type Target struct {
	// Name is one of the names above.
	Name string
	// Log makes the benchmarked call once. It is safe for concurrent use.
	Log func(ctx context.Context)
	// Dropped returns the records the pipeline itself reports dropped so far (its own
	// counter), or -1 when it keeps no such count.
	Dropped func() int64

	close     func(ctx context.Context) error
	closeOnce sync.Once
	closeErr  error
}

// Close flushes what the logger holds and stops its pipeline. It is idempotent.
func (t *Target) Close(ctx context.Context) error {
	t.closeOnce.Do(func() {
		if t.close != nil {
			t.closeErr = t.close(ctx)
		}
	})
	return t.closeErr
}

func noDropCount() int64 { return -1 }

// slogCall is the call on a *slog.Logger.
func slogCall(l *slog.Logger) func(ctx context.Context) {
	return func(ctx context.Context) {
		l.InfoContext(ctx, Message,
			slog.String(KeyMethod, valMethod),
			slog.Int(KeyStatus, valStatus),
			slog.String(KeyPath, valPath),
			slog.Duration(KeyTime, valTime))
	}
}

// NewSlogJSON returns log/slog's JSON handler writing to io.Discard: the reference.
func NewSlogJSON() *Target {
	return &Target{Name: SlogJSON, Log: slogCall(slog.New(slog.NewJSONHandler(io.Discard, nil))), Dropped: noDropCount}
}

// NewZap returns zap with its production JSON encoder config at Info, writing to io.Discard,
// without sampling and without caller annotation (slog's handler adds no source either).
func NewZap() *Target {
	core := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel)
	l := zap.New(core)
	return &Target{
		Name: Zap,
		Log: func(context.Context) {
			l.Info(Message,
				zap.String(KeyMethod, valMethod),
				zap.Int(KeyStatus, valStatus),
				zap.String(KeyPath, valPath),
				zap.Duration(KeyTime, valTime))
		},
		Dropped: noDropCount,
		close:   func(context.Context) error { _ = l.Sync(); return nil },
	}
}

// NewZerolog returns zerolog writing JSON to io.Discard with a timestamp, at Info.
func NewZerolog() *Target {
	l := zerolog.New(io.Discard).Level(zerolog.InfoLevel).With().Timestamp().Logger()
	return &Target{
		Name: Zerolog,
		Log: func(ctx context.Context) {
			l.Info().Ctx(ctx).
				Str(KeyMethod, valMethod).
				Int(KeyStatus, valStatus).
				Str(KeyPath, valPath).
				Dur(KeyTime, valTime).
				Msg(Message)
		},
		Dropped: noDropCount,
	}
}

// DiscardExporter is an sdk/log exporter that drops every record.
type DiscardExporter struct{}

// Export drops rs.
func (DiscardExporter) Export(context.Context, []sdklog.Record) error { return nil }

// ForceFlush does nothing.
func (DiscardExporter) ForceFlush(context.Context) error { return nil }

// Shutdown does nothing.
func (DiscardExporter) Shutdown(context.Context) error { return nil }

// NewStockOTel returns the stock OTel pipeline: the otelslog bridge over an sdk/log
// LoggerProvider with a BatchProcessor (default settings) exporting to exp.
func NewStockOTel(exp sdklog.Exporter) *Target {
	lp := sdklog.NewLoggerProvider(sdklog.WithResource(resource.Empty()), sdklog.WithProcessor(sdklog.NewBatchProcessor(exp)))
	return &Target{
		Name:    StockOTel,
		Log:     slogCall(slog.New(otelslog.NewHandler("bench", otelslog.WithLoggerProvider(lp)))),
		Dropped: noDropCount,
		close:   lp.Shutdown,
	}
}

// NewStockOTLP is NewStockOTel exporting with otlploggrpc (default settings) to endpoint
// (host:port, plaintext).
func NewStockOTLP(ctx context.Context, endpoint string) (*Target, error) {
	exp, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(endpoint), otlploggrpc.WithInsecure())
	if err != nil {
		return nil, err
	}
	return NewStockOTel(exp), nil
}

// errNoLogger is wrapped by Open and OpenOTLP for a name they do not know.
var errNoLogger = errors.New("logbench: no logger")
