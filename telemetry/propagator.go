package telemetry

import (
	"strings"

	"github.com/esper-platform/obskit/envconfig"
	"go.opentelemetry.io/contrib/propagators/autoprop"
	"go.opentelemetry.io/otel/propagation"
)

// propagatorNames are the values of OTEL_PROPAGATORS that the specification lists, all of
// which obskit honours (through contrib's autoprop, which maps each name to its propagator).
const propagatorNames = "tracecontext, baggage, b3, b3multi, jaeger, xray, ottrace, none"

// propagator builds the composite propagator named by OTEL_PROPAGATORS, in the order given.
// "none" alone, or an empty list, propagates nothing. A name outside the specification's list
// is an error naming the variable, never a silent no-op.
func (c *Config) propagator() (propagation.TextMapPropagator, error) {
	names := make([]string, 0, len(c.Propagators))
	for _, name := range c.Propagators {
		if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
			names = append(names, name)
		}
	}
	p, err := autoprop.TextMapPropagator(names...)
	if err != nil {
		return nil, &envconfig.VarError{Var: "OTEL_PROPAGATORS", Kind: envconfig.ErrInvalid,
			Expected: "want a comma-separated list of " + propagatorNames}
	}
	return p, nil
}
