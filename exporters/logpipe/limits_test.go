package logpipe_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/esper-platform/obskit/exporters/logpipe"
)

// lastRecord keeps the last record of the last batch it exports.
type lastRecord struct{ rec *logspb.LogRecord }

func (e *lastRecord) Export(_ context.Context, b *logpipe.Batch) error {
	var req collogspb.ExportLogsServiceRequest
	if err := proto.Unmarshal(b.Request(), &req); err != nil {
		return err
	}
	sl := req.GetResourceLogs()[0].GetScopeLogs()
	recs := sl[len(sl)-1].GetLogRecords()
	e.rec = recs[len(recs)-1]
	return nil
}

func (e *lastRecord) Shutdown(context.Context) error { return nil }

// stockRecord keeps the last record the stock SDK exports.
type stockRecord struct{ rec sdklog.Record }

func (e *stockRecord) Export(_ context.Context, rs []sdklog.Record) error {
	e.rec = rs[len(rs)-1].Clone()
	return nil
}
func (e *stockRecord) ForceFlush(context.Context) error { return nil }
func (e *stockRecord) Shutdown(context.Context) error   { return nil }

// TestValueLengthLimitSparesTheBody: like sdk/log, the attribute value length limit applies to
// attribute values, not to the body (which is not an attribute).
func TestValueLengthLimitSparesTheBody(t *testing.T) {
	var r log.Record
	r.SetBody(attribute.StringValue("a long log message"))
	r.AddAttributes(attribute.String("k", "abcdef"))

	stock := &stockRecord{}
	slp := sdklog.NewLoggerProvider(sdklog.WithAttributeValueLengthLimit(3), sdklog.WithProcessor(sdklog.NewSimpleProcessor(stock)))
	slp.Logger("t").Emit(context.Background(), r)
	_ = slp.Shutdown(context.Background())

	ours := &lastRecord{}
	lp, _, _ := newTestProvider(t, ours, logpipe.WithAttributeValueLengthLimit(3))
	lp.Logger("t").Emit(context.Background(), r)
	if err := lp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}

	var stockAttr string
	stock.rec.WalkAttributes(func(kv attribute.KeyValue) bool { stockAttr = kv.Value.AsString(); return false })
	if got, want := ours.rec.GetBody().GetStringValue(), stock.rec.Body().AsString(); got != want || want != "a long log message" {
		t.Errorf("body %q, stock %q", got, want)
	}
	if got := ours.rec.GetAttributes()[0].GetValue().GetStringValue(); got != stockAttr || got != "abc" {
		t.Errorf("attribute %q, stock %q, want abc", got, stockAttr)
	}
}
