package objstore_test

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/esper-platform/obskit/objstore"
)

// TestInstrumentCopyDeleteManyAndConditions: Copy and DeleteMany have their spans and
// attributes, and a conditional write whose condition fails is the outcome
// precondition_failed, not a failure.
func TestInstrumentCopyDeleteManyAndConditions(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	b := h.bucket
	if err := b.Put(ctx, "src", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	h.spans.Reset()

	if err := b.Copy(ctx, "dst", "src"); err != nil {
		t.Fatal(err)
	}
	s := h.span(t)
	a := attrs(s)
	if s.Name != "objstore.copy" || a["aws.s3.key"].AsString() != "dst" || a["aws.s3.copy_source"].AsString() != "reports/src" ||
		a["objstore.outcome"].AsString() != "success" {
		t.Errorf("Copy span %s %v", s.Name, a)
	}

	if err := b.DeleteMany(ctx, []string{"src", "dst", "missing"}); err != nil {
		t.Fatal(err)
	}
	s = h.span(t)
	a = attrs(s)
	if s.Name != "objstore.delete_many" || a["objstore.objects"].AsInt64() != 3 || a["objstore.operation"].AsString() != "delete_many" {
		t.Errorf("DeleteMany span %s %v", s.Name, a)
	}
	if _, ok := a["aws.s3.key"]; ok {
		t.Errorf("DeleteMany span has aws.s3.key")
	}

	if err := b.Put(ctx, "k", strings.NewReader("x"), 1, objstore.WithIfNotExists()); err != nil {
		t.Fatal(err)
	}
	h.spans.Reset()
	if err := b.Put(ctx, "k", strings.NewReader("y"), 1, objstore.WithIfNotExists()); !objstore.IsPreconditionFailed(err) {
		t.Fatalf("second create-only Put: %v", err)
	}
	s = h.span(t)
	a = attrs(s)
	if a["objstore.outcome"].AsString() != "precondition_failed" || a["objstore.success"].AsBool() || s.Status.Code != codes.Unset {
		t.Errorf("failed conditional Put span: status %v, %v", s.Status, a)
	}

	var got []attribute.Set
	for _, dp := range h.metrics(t)[objstore.MetricOperations].Data.(metricdata.Sum[int64]).DataPoints {
		got = append(got, dp.Attributes)
	}
	want := attribute.NewSet(attribute.String("objstore.operation", "put"), attribute.String("objstore.outcome", "precondition_failed"),
		attribute.String("aws.s3.bucket", "reports"))
	var found bool
	for _, g := range got {
		found = found || g.Equals(&want)
	}
	if !found {
		t.Errorf("objstore.operations has no point for a precondition_failed put: %v", got)
	}
}

// TestPutOptionsValidation: what every provider rejects before sending anything.
func TestPutOptionsValidation(t *testing.T) {
	for _, tt := range []struct {
		opts []objstore.PutOption
		ok   bool
	}{
		{nil, true},
		{[]objstore.PutOption{nil, objstore.WithContentType("text/plain"), objstore.WithMetadata(map[string]string{"A-b_c.d": "v"})}, true},
		{[]objstore.PutOption{objstore.WithMetadata(map[string]string{"é": "v"})}, false},
		{[]objstore.PutOption{objstore.WithCacheControl("max-age=1\n")}, false},
		{[]objstore.PutOption{objstore.WithIfMatch(`"abc"`), objstore.WithIfNotExists()}, false},
	} {
		po, err := objstore.NewPutOptions(tt.opts)
		if (err == nil) != tt.ok {
			t.Errorf("NewPutOptions(%d options): %v, want ok %t", len(tt.opts), err, tt.ok)
		}
		if tt.ok && len(po.Metadata) > 0 && po.Metadata["a-b_c.d"] != "v" {
			t.Errorf("metadata %v, want keys in lower case", po.Metadata)
		}
	}
	po, _ := objstore.NewPutOptions([]objstore.PutOption{objstore.WithIfMatch(`"abc"`)})
	if po.IfMatch != "abc" {
		t.Errorf("WithIfMatch kept the quotes: %q", po.IfMatch)
	}
}
