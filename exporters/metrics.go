package exporters

import (
	"context"
	"errors"

	"github.com/esper-platform/obskit/exporters/otlpconf"

	"net"
	"net/http"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

// MetricReaders is what [NewMetricReaders] builds: one Reader per exporter, to register with
// the MeterProvider (sdkmetric.WithReader), and the HTTP server of the prometheus exporter.
type MetricReaders struct {
	// Readers are periodic readers around the push exporters (otlp, console, file), and the
	// prometheus exporter's pull reader. The MeterProvider shuts them down.
	Readers []sdkmetric.Reader

	promAddr     string
	instrumented []*instrumentedMetrics
	server       *http.Server
	served       chan struct{}
}

// PrometheusAddr returns the address the prometheus exporter serves /metrics on, or "" when it
// was not asked for.
func (m *MetricReaders) PrometheusAddr() string { return m.promAddr }

// SetMeterProvider makes the push exporters record their own metrics into mp from now on,
// instead of the provider given with [WithMeterProvider]. It exists for a MeterProvider that
// is built with these very readers and so cannot be given before.
// Counts made before are kept: the metrics report every data point since the exporter was
// built.
func (m *MetricReaders) SetMeterProvider(mp metric.MeterProvider) {
	for _, e := range m.instrumented {
		// Registration fails only for invalid instrument names, which are the conventions' own.
		_ = e.obs.Register(mp, ScopeName)
	}
}

// Close stops the prometheus exporter's HTTP server, if any; call it after the MeterProvider
// is shut down. It honours ctx and is idempotent.
func (m *MetricReaders) Close(ctx context.Context) error {
	if m == nil || m.server == nil {
		return nil
	}
	err := m.server.Shutdown(ctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	select {
	case <-m.served:
	case <-ctx.Done():
		return errors.Join(err, ctx.Err())
	}
	return err
}

// NewMetricReaders builds the metric exporters named in names (otlp, console, file,
// prometheus, none). The push exporters are decorated with the package's metrics and each
// wrapped in a periodic reader (see [WithMetricInterval]); prometheus starts serving /metrics
// at once (see [WithPrometheusAddr]). An unknown name, a bad OTLP setting or an address that
// cannot be listened on is an error.
func NewMetricReaders(ctx context.Context, names []string, opts ...Option) (*MetricReaders, error) {
	sel, err := selectNames(Metrics, names)
	if err != nil {
		return nil, err
	}
	c := newConfig(opts)
	out := &MetricReaders{}
	readers, err := buildAll(ctx, sel, func(name string) (sdkmetric.Reader, error) {
		if name == Prometheus {
			return out.startPrometheus(c.promAddr)
		}
		e, err := newMetricExporter(ctx, name, c)
		if err != nil {
			return nil, err
		}
		obs, err := newExporterObservation(c.meterProvider, Metrics, name, c)
		if err != nil {
			_ = e.Shutdown(ctx)
			return nil, err
		}
		ie := &instrumentedMetrics{Exporter: e, obs: obs}
		out.instrumented = append(out.instrumented, ie)
		return sdkmetric.NewPeriodicReader(ie, sdkmetric.WithInterval(c.metricInterval), sdkmetric.WithTimeout(c.metricTimeout)), nil
	}, func(ctx context.Context, r sdkmetric.Reader) error { return r.Shutdown(ctx) })
	if err != nil {
		_ = out.Close(ctx)
		return nil, err
	}
	out.Readers = readers
	return out, nil
}

func newMetricExporter(ctx context.Context, name string, c config) (sdkmetric.Exporter, error) {
	switch name {
	case Console:
		return stdoutmetric.New(stdoutmetric.WithWriter(c.console))
	case File:
		sink, err := openFileSink(c.fileDir, Metrics)
		if err != nil {
			return nil, err
		}
		e, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpoint(fileHost), otlpmetrichttp.WithInsecure(),
			otlpmetrichttp.WithHTTPClient(sink.client()), otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{}))
		if err != nil {
			_ = sink.close()
			return nil, err
		}
		return closingMetrics{Exporter: e, close: sink.close}, nil
	}
	t, err := c.otlp.resolve(Metrics)
	if err != nil {
		return nil, err
	}
	if t.Protocol == otlpconf.ProtocolGRPC {
		o := []otlpmetricgrpc.Option{otlpmetricgrpc.WithEndpoint(t.Host), otlpmetricgrpc.WithHeaders(t.Headers),
			otlpmetricgrpc.WithTimeout(t.Timeout), otlpmetricgrpc.WithRetry(otlpmetricgrpc.RetryConfig(retryPolicy(t.Timeout)))}
		if t.Insecure {
			o = append(o, otlpmetricgrpc.WithInsecure())
		}
		if t.Gzip {
			o = append(o, otlpmetricgrpc.WithCompressor("gzip"))
		}
		return otlpmetricgrpc.New(ctx, o...)
	}
	o := []otlpmetrichttp.Option{otlpmetrichttp.WithEndpoint(t.Host), otlpmetrichttp.WithURLPath(t.Path),
		otlpmetrichttp.WithHeaders(t.Headers), otlpmetrichttp.WithTimeout(t.Timeout),
		otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig(retryPolicy(t.Timeout)))}
	if t.Insecure {
		o = append(o, otlpmetrichttp.WithInsecure())
	}
	if t.Gzip {
		o = append(o, otlpmetrichttp.WithCompression(otlpmetrichttp.GzipCompression))
	}
	return otlpmetrichttp.New(ctx, o...)
}

// closingMetrics closes the file sink after the exporter shuts down.
type closingMetrics struct {
	sdkmetric.Exporter
	close func() error
}

func (e closingMetrics) Shutdown(ctx context.Context) error {
	return errors.Join(e.Exporter.Shutdown(ctx), e.close())
}

// listen opens a TCP listener on addr.
func listen(addr string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(context.Background(), "tcp", addr)
}
