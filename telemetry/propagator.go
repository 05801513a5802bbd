package telemetry

import (
	"strings"

	"github.com/esper-platform/obskit/envconfig"
	"go.opentelemetry.io/otel/propagation"
)

// propagator builds the composite propagator named by OTEL_PROPAGATORS. obskit supports the
// propagators of the OpenTelemetry API only (tracecontext, baggage); others are an error
// rather than a silent no-op.
func (c *Config) propagator() (propagation.TextMapPropagator, error) {
	var ps []propagation.TextMapPropagator
	for _, name := range c.Propagators {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "tracecontext":
			ps = append(ps, propagation.TraceContext{})
		case "baggage":
			ps = append(ps, propagation.Baggage{})
		case "none", "":
		default:
			return nil, &envconfig.VarError{Var: "OTEL_PROPAGATORS", Kind: envconfig.ErrInvalid,
				Expected: "want a comma-separated list of tracecontext, baggage, none (others are not supported)"}
		}
	}
	return propagation.NewCompositeTextMapPropagator(ps...), nil
}
