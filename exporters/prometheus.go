package exporters

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// DefaultPrometheusAddr is where the prometheus exporter serves by default: loopback only, on
// the specification's port.
const DefaultPrometheusAddr = "127.0.0.1:9464"

// startPrometheus makes the pull reader, with a registry of its own (never prometheus's global
// one), and serves it on addr at /metrics.
func (m *MetricReaders) startPrometheus(addr string) (sdkmetric.Reader, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("exporters: prometheus: %w", err)
	}
	ln, err := listen(addr)
	if err != nil {
		_ = exp.Shutdown(context.Background())
		return nil, fmt.Errorf("exporters: prometheus: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	m.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.promAddr = ln.Addr().String()
	m.served = make(chan struct{})
	go func() {
		defer close(m.served)
		_ = m.server.Serve(ln) // returns ErrServerClosed after Close
	}()
	return exp, nil
}
