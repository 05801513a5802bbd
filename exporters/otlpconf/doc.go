// Package otlpconf holds one signal's resolved OTLP export settings, [Target], and the
// constants of the OTLP exporter specification (protocols, default endpoints, default
// timeout). It is the one type shared by the package that resolves the settings
// (exporters, from OTEL_EXPORTER_OTLP_* and the per-signal overrides) and the transports
// that send (exporters/logpipe's OTLP exporter): the transport takes a Target as it is and
// parses nothing again.
//
// # Configuration
//
// A Target is plain data; exporters.OTLPSettings resolves one per signal. A transport
// given a zero field uses the default its constructor names.
//
// # Emitted telemetry
//
// None.
//
// # Shutdown
//
// Nothing to shut down.
package otlpconf
