package telemetry

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/esper-platform/obskit/envconfig"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// newResource describes the process: detected host, process, runtime and container
// attributes and the Kubernetes attributes of the downward API, then the attributes given in
// code, then OTEL_RESOURCE_ATTRIBUTES, then
// service.name, service.version, service.instance.id and deployment.environment.name; each
// later source overrides the earlier. The command line is left out (it may hold secrets), and
// so is the process owner.
//
// The detectors given with WithResourceDetectors run after obskit's, all within
// ResourceDetectionTimeout; what they fail to find is left out and reported on diag.
func newResource(ctx context.Context, c *Config, inCode []attribute.KeyValue, detectors []resource.Detector, diag io.Writer) (*resource.Resource, error) {
	fromEnv, err := parseResourceAttributes(c.ResourceAttributes)
	if err != nil {
		return nil, err
	}
	if c.file != nil {
		fromEnv = append(fromEnv, c.file.resourceAttrs...) // typed attributes of OTEL_CONFIG_FILE
	}
	var service []attribute.KeyValue
	if !hasKey(fromEnv, semconv.ServiceInstanceIDKey) && !hasKey(inCode, semconv.ServiceInstanceIDKey) {
		service = append(service, semconv.ServiceInstanceID(processInstanceID()))
	}
	name := c.ServiceName
	if name == "" && !hasKey(fromEnv, semconv.ServiceNameKey) && !hasKey(inCode, semconv.ServiceNameKey) {
		name = "unknown_service:" + filepath.Base(executable())
	}
	if name != "" {
		service = append(service, semconv.ServiceName(name))
	}
	version := c.ServiceVersion
	if version == "" && !hasKey(fromEnv, semconv.ServiceVersionKey) && !hasKey(inCode, semconv.ServiceVersionKey) {
		version = buildVersion()
	}
	if version != "" {
		service = append(service, semconv.ServiceVersion(version))
	}
	if c.Environment != "" {
		service = append(service, attribute.String("deployment.environment.name", c.Environment))
	}
	dctx, cancel := context.WithTimeout(ctx, ResourceDetectionTimeout)
	defer cancel()
	res, err := resource.New(dctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithProcessPID(),
		resource.WithProcessExecutableName(),
		resource.WithProcessRuntimeName(),
		resource.WithProcessRuntimeVersion(),
		resource.WithProcessRuntimeDescription(),
		resource.WithContainer(), // container.id from /proc/self/cgroup or mountinfo; nothing outside a container
		resource.WithAttributes(c.Kubernetes.attributes()...),
		resource.WithDetectors(tolerant(detectors, diag)...),
		resource.WithAttributes(inCode...),
		resource.WithAttributes(fromEnv...),
		resource.WithAttributes(service...),
	)
	if errors.Is(err, resource.ErrPartialResource) || errors.Is(err, resource.ErrSchemaURLConflict) {
		// A detector failed (no hostname, say) or used another semantic-conventions version:
		// keep what was found.
		err = nil
	}
	return res, err
}

// parseResourceAttributes reads OTEL_RESOURCE_ATTRIBUTES: key=value pairs, comma-separated,
// percent-decoded.
func parseResourceAttributes(s string) ([]attribute.KeyValue, error) {
	var out []attribute.KeyValue
	for pair := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		key, kerr := url.PathUnescape(strings.TrimSpace(k))
		val, verr := url.PathUnescape(strings.TrimSpace(v))
		if !ok || key == "" || kerr != nil || verr != nil {
			return nil, &envconfig.VarError{Var: "OTEL_RESOURCE_ATTRIBUTES", Kind: envconfig.ErrInvalid,
				Expected: "want key=value pairs separated by commas, percent-encoded"}
		}
		out = append(out, attribute.String(key, val))
	}
	return out, nil
}

func hasKey(kvs []attribute.KeyValue, k attribute.Key) bool {
	for _, kv := range kvs {
		if kv.Key == k {
			return true
		}
	}
	return false
}

func executable() string {
	if p, err := os.Executable(); err == nil {
		return p
	}
	if len(os.Args) > 0 {
		return os.Args[0]
	}
	return "go"
}

// buildVersion is the main module's version from the binary's build info, or "" for a
// development build.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return ""
	}
	return bi.Main.Version
}

// tolerant wraps detectors so that one that fails or does not answer in time (a metadata
// endpoint off its cloud) leaves its attributes out, with a line on diag, instead of failing
// Setup.
func tolerant(detectors []resource.Detector, diag io.Writer) []resource.Detector {
	out := make([]resource.Detector, len(detectors))
	for i, d := range detectors {
		out[i] = tolerantDetector{d: d, diag: diag}
	}
	return out
}

type tolerantDetector struct {
	d    resource.Detector
	diag io.Writer
}

func (t tolerantDetector) Detect(ctx context.Context) (*resource.Resource, error) {
	res, err := t.d.Detect(ctx)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		_, _ = fmt.Fprintf(t.diag, "obskit: resource detection incomplete: %T: %v\n", t.d, err)
		return resource.Empty(), nil
	}
	return res, err
}

// ResourceDetectionTimeout bounds the detection of the resource in Setup, the detectors of
// WithResourceDetectors included.
const ResourceDetectionTimeout = 2 * time.Second

// processInstanceID is this process's service.instance.id: a random (version 4) UUID, made
// once per process, so that every Setup in one process describes the same writer and
// replicas of one service never share their metric series.
var processInstanceID = sync.OnceValue(newInstanceID)

// newInstanceID returns a random version 4 UUID.
func newInstanceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
