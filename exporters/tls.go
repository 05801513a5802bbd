package exporters

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"strings"
)

// tlsConfigFromEnv reads the OTLP exporter's TLS files for sig as opentelemetry-go's OTLP
// exporters do: OTEL_EXPORTER_OTLP_<SIGNAL>_CERTIFICATE (else OTEL_EXPORTER_OTLP_CERTIFICATE),
// a PEM file of the certificate authorities that verify the server, and the
// CLIENT_CERTIFICATE and CLIENT_KEY pair for mutual TLS. It returns nil when none is set (the
// system roots are used). An unreadable or invalid file is an error naming the variable.
func tlsConfigFromEnv(sig Signal, getenv func(string) string) (*tls.Config, error) {
	lookup := func(suffix string) (name, value string) {
		name = "OTEL_EXPORTER_OTLP_" + strings.ToUpper(string(sig)) + "_" + suffix
		if v := getenv(name); v != "" {
			return name, v
		}
		name = "OTEL_EXPORTER_OTLP_" + suffix
		return name, getenv(name)
	}
	caVar, caFile := lookup("CERTIFICATE")
	certVar, certFile := lookup("CLIENT_CERTIFICATE")
	keyVar, keyFile := lookup("CLIENT_KEY")
	if caFile == "" && certFile == "" && keyFile == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, varError(caVar, "want a readable PEM file")
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, varError(caVar, "want a PEM file holding certificates")
		}
		cfg.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, varError(certVar, "set it together with "+keyVar)
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, varError(certVar, "want a PEM certificate matching the key of "+keyVar)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
