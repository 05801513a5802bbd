package telemetry

import (
	"strconv"
	"strings"

	"github.com/esper-platform/obskit/envconfig"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// sampler builds the sampler named by OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG.
func (c *Config) sampler() (sdktrace.Sampler, error) {
	ratio := 1.0
	if arg := strings.TrimSpace(c.SamplerArg); arg != "" && strings.HasSuffix(strings.TrimSpace(c.Sampler), "traceidratio") {
		r, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(r >= 0 && r <= 1) { // NaN too
			return nil, &envconfig.VarError{Var: "OTEL_TRACES_SAMPLER_ARG", Kind: envconfig.ErrInvalid, Expected: "want a number from 0 to 1"}
		}
		ratio = r
	}
	switch strings.TrimSpace(c.Sampler) {
	case "always_on":
		return sdktrace.AlwaysSample(), nil
	case "always_off":
		return sdktrace.NeverSample(), nil
	case "traceidratio":
		return sdktrace.TraceIDRatioBased(ratio), nil
	case "parentbased_always_on", "":
		return sdktrace.ParentBased(sdktrace.AlwaysSample()), nil
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample()), nil
	case "parentbased_traceidratio":
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)), nil
	}
	return nil, &envconfig.VarError{Var: "OTEL_TRACES_SAMPLER", Kind: envconfig.ErrInvalid,
		Expected: "want always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio"}
}
