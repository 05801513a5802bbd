package selfobs

import (
	"strconv"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/otelconv"
)

// Component identifies one instance of a pipeline component, as the semantic conventions'
// otel.component.type and otel.component.name attributes do.
type Component struct {
	// Type is the otel.component.type, batching_span_processor for example.
	Type otelconv.ComponentTypeAttr
	// Name is the otel.component.name: Type, a slash and a number unique to the type within
	// the process (batching_span_processor/0).
	Name string
}

// componentIDs holds the next number of each component type.
var componentIDs sync.Map // otelconv.ComponentTypeAttr -> *atomic.Int64

// NewComponent returns a Component of type t whose name carries the next number of t,
// starting from 0.
func NewComponent(t otelconv.ComponentTypeAttr) Component {
	v, _ := componentIDs.LoadOrStore(t, new(atomic.Int64))
	id := v.(*atomic.Int64).Add(1) - 1
	return Component{Type: t, Name: string(t) + "/" + strconv.FormatInt(id, 10)}
}

// Attributes returns the component's otel.component.type and otel.component.name, followed
// by extra.
func (c Component) Attributes(extra ...attribute.KeyValue) attribute.Set {
	kv := append([]attribute.KeyValue{
		semconv.OTelComponentTypeKey.String(string(c.Type)),
		semconv.OTelComponentName(c.Name),
	}, extra...)
	return attribute.NewSet(kv...)
}
