package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/esper-platform/obskit/envconfig"
	"github.com/esper-platform/obskit/objstore"
)

// job is one run: its configuration, where it stores artifacts, and its instruments.
type job struct {
	cfg      Config
	runID    string
	prefix   string
	bucket   objstore.Bucket
	log      *slog.Logger
	tracer   trace.Tracer
	metrics  *runMetrics
	progress *progress
	config   []envconfig.Variable // what the run is configured with, logged at its start
}

// report is what a run did, for the summary.
type report struct {
	steps     int
	artifacts int   // uploaded, the manifest included
	failed    int   // artifacts not uploaded
	bytes     int64 // stored
	traceID   string
	elapsed   time.Duration
}

// run runs the steps, then uploads their artifacts and the manifest, in a batchjob.run span.
func (j *job) run(ctx context.Context) (rep report, err error) {
	start := time.Now()
	ctx, span := j.tracer.Start(ctx, "batchjob.run", trace.WithAttributes(AttrRunID.String(j.runID)))
	rep.traceID = span.SpanContext().TraceID().String()
	defer func() {
		rep.elapsed = time.Since(start)
		j.metrics.runDuration.Record(context.WithoutCancel(ctx), rep.elapsed.Seconds(), outcome(err))
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
			j.log.ErrorContext(ctx, "run failed", "run_id", j.runID, "error", err, "took", rep.elapsed)
		} else {
			j.log.InfoContext(ctx, "run finished", "run_id", j.runID, "artifacts", rep.artifacts, "bytes", rep.bytes, "took", rep.elapsed)
		}
		span.End()
	}()
	j.log.InfoContext(ctx, "run starting", "run_id", j.runID, "steps", j.cfg.Steps, "prefix", j.prefix)
	envconfig.Log(ctx, j.log, j.config)

	rng := rand.New(rand.NewPCG(uint64(start.UnixNano()), 7))
	var arts []artifact
	for n := 1; n <= j.cfg.Steps; n++ {
		a, err := j.step(ctx, rng, n)
		if err != nil {
			j.progress.finish()
			return rep, err
		}
		arts = append(arts, a...)
		rep.steps++
	}
	j.progress.finish()
	rep.artifacts, rep.failed, rep.bytes, err = j.upload(ctx, arts)
	return rep, err
}

// step runs step n: simulated work (hashing for about StepDuration), then its artifacts.
func (j *job) step(ctx context.Context, rng *rand.Rand, n int) (arts []artifact, err error) {
	name := fmt.Sprintf("bench-%02d", n)
	ctx, span := j.tracer.Start(ctx, "batchjob.step", trace.WithAttributes(AttrStep.String(name)))
	start := time.Now()
	defer func() {
		d := time.Since(start)
		bg := context.WithoutCancel(ctx)
		j.metrics.steps.Add(bg, 1, outcome(err))
		j.metrics.stepDuration.Record(bg, d.Seconds(), metric.WithAttributes(AttrStep.String(name)))
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}()

	iterations, err := simulateWork(ctx, j.cfg.StepDuration)
	if err != nil {
		j.log.ErrorContext(ctx, "step interrupted", "step", name, "error", err)
		return nil, err
	}
	elapsed := time.Since(start)
	nsPerOp := math.Round(10*float64(elapsed.Nanoseconds())/float64(max(iterations, 1))) / 10
	arts, err = stepArtifacts(rng, j.prefix, n, name, iterations, nsPerOp, j.cfg.ArtifactsPerStep, j.cfg.ArtifactSize)
	if err != nil {
		return nil, err
	}
	j.log.InfoContext(ctx, "step done", "step", name, "iterations", iterations, "ns_per_op", nsPerOp,
		"artifacts", len(arts), "took", elapsed)
	j.progress.step(n, j.cfg.Steps, name)
	return arts, nil
}

// simulateWork hashes a small buffer over and over for d (or until ctx ends, returning its
// error) and returns the number of hashes.
func simulateWork(ctx context.Context, d time.Duration) (int, error) {
	deadline := time.Now().Add(d)
	buf := make([]byte, 4096)
	n := 0
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		for range 64 {
			sum := sha256.Sum256(buf)
			copy(buf, sum[:])
			n++
		}
		time.Sleep(time.Millisecond) // leave the CPU to others: this is a demo
	}
	return n, ctx.Err()
}

// upload stores the artifacts and the manifest with UploadMany, showing progress.
func (j *job) upload(ctx context.Context, arts []artifact) (stored, failed int, bytes int64, err error) {
	ctx, span := j.tracer.Start(ctx, "batchjob.upload")
	defer func() {
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}()
	items, err := uploadItems(j.runID, j.prefix, j.cfg.Steps, arts)
	if err != nil {
		return 0, 0, 0, err
	}
	j.log.InfoContext(ctx, "uploading artifacts", "artifacts", len(items), "concurrency", j.cfg.Concurrency)
	results, err := objstore.UploadMany(ctx, j.bucket, items,
		objstore.WithConcurrency(j.cfg.Concurrency), objstore.WithProgress(j.progress.upload))
	j.progress.finish()
	bg := context.WithoutCancel(ctx)
	for _, r := range results {
		j.metrics.artifacts.Add(bg, 1, outcome(r.Err))
		if r.Err != nil {
			failed++
			continue
		}
		stored++
		bytes += r.Bytes
		j.metrics.artifactSize.Record(bg, r.Bytes)
	}
	if err != nil {
		j.log.ErrorContext(ctx, "upload failed", "stored", stored, "failed", failed, "error", err)
		return stored, failed, bytes, err
	}
	j.log.InfoContext(ctx, "uploaded artifacts", "artifacts", stored, "bytes", bytes)
	return stored, failed, bytes, nil
}
