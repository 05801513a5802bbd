package main

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore"
	"github.com/esper-platform/obskit/telemetry"
)

// scopeName is the instrumentation scope of the quickstart's own spans.
const scopeName = "github.com/esper-platform/obskit/examples/quickstart"

// result is what the quickstart did, for the summary.
type result struct {
	objects  int   // objects generated
	stored   int   // objects UploadMany stored
	verified int   // objects read back byte-identical
	listed   int   // objects List found under the run's prefix
	bytes    int64 // content of all objects
	traceID  string
	prefix   string
	elapsed  time.Duration
}

// exercise uploads cfg.Objects objects of mixed sizes with UploadMany, reads them back, compares
// them and lists them, in a quickstart.run span, logging each phase. It first logs vars, the
// configuration the run uses and where each value came from, as one record.
func exercise(ctx context.Context, tel *telemetry.Telemetry, b objstore.Bucket, cfg Config, vars []envconfig.Variable) (res result, err error) {
	tracer := tel.TracerProvider().Tracer(scopeName)
	log := tel.Logger()
	ctx, root := tracer.Start(ctx, "quickstart.run")
	defer func() {
		if err != nil {
			root.SetStatus(codes.Error, err.Error())
		}
		root.End()
	}()
	res.traceID = root.SpanContext().TraceID().String()
	res.prefix = fmt.Sprintf("quickstart/%s/", time.Now().UTC().Format("20060102T150405.000000Z"))

	envconfig.Log(ctx, log, vars)
	objs := makeObjects(res.prefix, cfg.Objects, cfg.MaxSize)
	res.objects = len(objs)
	for _, o := range objs {
		res.bytes += int64(len(o.data))
	}
	root.SetAttributes(attribute.Int("quickstart.objects", res.objects), attribute.Int64("quickstart.bytes", res.bytes))
	// The demo token is logged on purpose: it is an envconfig.Secret and shows as [REDACTED].
	log.InfoContext(ctx, "quickstart starting", "objects", res.objects, "bytes", res.bytes,
		"prefix", res.prefix, "concurrency", cfg.Concurrency, "demo_token", cfg.Password)

	if res.stored, err = upload(ctx, tracer, tel, b, objs, cfg.Concurrency); err != nil {
		return res, err
	}
	res.verified, res.listed, err = verify(ctx, tracer, tel, b, objs, res.prefix, cfg.Concurrency)
	return res, err
}

func upload(ctx context.Context, tracer trace.Tracer, tel *telemetry.Telemetry, b objstore.Bucket, objs []object, concurrency int) (int, error) {
	ctx, span := tracer.Start(ctx, "quickstart.upload")
	defer span.End()
	start := time.Now()
	results, err := objstore.UploadMany(ctx, b, uploadItems(objs), objstore.WithConcurrency(concurrency))
	stored, bytes := 0, int64(0)
	for _, r := range results {
		if r.Err == nil {
			stored++
			bytes += r.Bytes
		}
	}
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
		tel.Logger().ErrorContext(ctx, "upload failed", "stored", stored, "objects", len(objs), "error", err)
		return stored, err
	}
	tel.Logger().InfoContext(ctx, "uploaded", "objects", stored, "bytes", bytes, "took", time.Since(start))
	return stored, nil
}

func verify(ctx context.Context, tracer trace.Tracer, tel *telemetry.Telemetry, b objstore.Bucket, objs []object, prefix string, concurrency int) (verified, listed int, err error) {
	ctx, span := tracer.Start(ctx, "quickstart.verify")
	defer func() {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}()
	log := tel.Logger()
	start := time.Now()
	mismatched, err := readBack(ctx, b, objs, concurrency)
	if err != nil {
		log.ErrorContext(ctx, "read back failed", "error", err)
		return 0, 0, err
	}
	verified = len(objs) - len(mismatched)
	if len(mismatched) > 0 {
		log.ErrorContext(ctx, "objects read back differ from what was stored", "count", len(mismatched),
			"first", mismatched[0])
		return verified, 0, fmt.Errorf("%d of %d objects read back differ (first %q)", len(mismatched), len(objs), mismatched[0])
	}
	for _, err := range b.List(ctx, prefix) {
		if err != nil {
			log.ErrorContext(ctx, "list failed", "error", err)
			return verified, listed, err
		}
		listed++
	}
	log.InfoContext(ctx, "read back and compared", "identical", verified, "listed", listed, "took", time.Since(start))
	if listed != len(objs) {
		return verified, listed, fmt.Errorf("listed %d objects under %q, want %d", listed, prefix, len(objs))
	}
	return verified, listed, nil
}
