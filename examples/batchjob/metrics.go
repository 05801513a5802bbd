package main

import (
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// ScopeName is the instrumentation scope of the job's spans and metrics.
const ScopeName = "github.com/esper-platform/obskit/examples/batchjob"

// Metric names and attributes the job records.
const (
	MetricSteps        = "batchjob.steps"
	MetricStepDuration = "batchjob.step.duration"
	MetricArtifacts    = "batchjob.artifacts"
	MetricArtifactSize = "batchjob.artifact.size"
	MetricRunDuration  = "batchjob.run.duration"

	AttrOutcome = attribute.Key("batchjob.outcome") // success, failure
	AttrStep    = attribute.Key("batchjob.step")    // the step's name
	AttrRunID   = attribute.Key("batchjob.run_id")  // spans only: it would make every run a new series
)

// Precomputed attribute sets for the two outcomes.
var (
	outcomeSuccess = metric.WithAttributes(AttrOutcome.String("success"))
	outcomeFailure = metric.WithAttributes(AttrOutcome.String("failure"))
)

func outcome(err error) metric.MeasurementOption {
	if err != nil {
		return outcomeFailure
	}
	return outcomeSuccess
}

// runMetrics are the job's instruments.
type runMetrics struct {
	steps        metric.Int64Counter
	stepDuration metric.Float64Histogram
	artifacts    metric.Int64Counter
	artifactSize metric.Int64Histogram
	runDuration  metric.Float64Histogram
}

func newRunMetrics(m metric.Meter) (*runMetrics, error) {
	var r runMetrics
	var errs [5]error
	r.steps, errs[0] = m.Int64Counter(MetricSteps, metric.WithUnit("{step}"),
		metric.WithDescription("Benchmark steps run, by outcome."))
	r.stepDuration, errs[1] = m.Float64Histogram(MetricStepDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of each benchmark step."))
	r.artifacts, errs[2] = m.Int64Counter(MetricArtifacts, metric.WithUnit("{artifact}"),
		metric.WithDescription("Artifacts uploaded, by outcome."))
	r.artifactSize, errs[3] = m.Int64Histogram(MetricArtifactSize, metric.WithUnit("By"),
		metric.WithDescription("Size of each artifact stored."),
		metric.WithExplicitBucketBoundaries(1<<10, 16<<10, 64<<10, 256<<10, 1<<20, 4<<20, 16<<20, 64<<20))
	r.runDuration, errs[4] = m.Float64Histogram(MetricRunDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of the whole run, by outcome."))
	return &r, errors.Join(errs[:]...)
}
