package telemetry

import (
	"context"
	"io"
	"regexp"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func instanceID(t *testing.T, c *Config, inCode ...attribute.KeyValue) string {
	t.Helper()
	res, err := newResource(context.Background(), c, inCode, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := res.Set().Value(semconv.ServiceInstanceIDKey)
	if !ok {
		t.Fatalf("resource has no %s: %v", semconv.ServiceInstanceIDKey, res)
	}
	return v.AsString()
}

// TestServiceInstanceID checks that every resource carries service.instance.id: a random UUID
// made once per process, unless OTEL_RESOURCE_ATTRIBUTES or the service's code sets one.
func TestServiceInstanceID(t *testing.T) {
	first := instanceID(t, &Config{})
	if !uuidV4.MatchString(first) {
		t.Errorf("service.instance.id = %q, want a version 4 UUID", first)
	}
	if again := instanceID(t, &Config{ServiceName: "other"}); again != first {
		t.Errorf("second resource in one process has service.instance.id %q, want %q", again, first)
	}
	if got := instanceID(t, &Config{ResourceAttributes: "service.instance.id=replica-1"}); got != "replica-1" {
		t.Errorf("with OTEL_RESOURCE_ATTRIBUTES: service.instance.id = %q, want replica-1", got)
	}
	if got := instanceID(t, &Config{}, semconv.ServiceInstanceID("from-code")); got != "from-code" {
		t.Errorf("with WithResourceAttributes: service.instance.id = %q, want from-code", got)
	}
	if got := instanceID(t, &Config{ResourceAttributes: "service.instance.id=env"}, semconv.ServiceInstanceID("code")); got != "env" {
		t.Errorf("environment and code: service.instance.id = %q, want env (OTEL_RESOURCE_ATTRIBUTES overrides code)", got)
	}
}

// TestProcessInstanceIDsDiffer checks that the generator is random, not a constant: two
// processes (simulated by calling the generator's body twice) must not share an id.
func TestProcessInstanceIDsDiffer(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := newInstanceID()
		if !uuidV4.MatchString(id) {
			t.Fatalf("id %q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("id %q generated twice", id)
		}
		seen[id] = true
	}
}

// TestKubernetesAttributes checks that the downward-API variables become k8s.* resource
// attributes, below OTEL_RESOURCE_ATTRIBUTES.
func TestKubernetesAttributes(t *testing.T) {
	c := &Config{
		Kubernetes:         KubernetesConfig{PodName: "api-7f9c", PodUID: "0b7e", NamespaceName: "prod", NodeName: "node-3", ContainerName: "app"},
		ResourceAttributes: "k8s.node.name=from-env",
	}
	res, err := newResource(context.Background(), c, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[attribute.Key]string{
		semconv.K8SPodNameKey: "api-7f9c", semconv.K8SPodUIDKey: "0b7e", semconv.K8SNamespaceNameKey: "prod",
		semconv.K8SNodeNameKey: "from-env", semconv.K8SContainerNameKey: "app",
	} {
		if v, _ := res.Set().Value(k); v.AsString() != want {
			t.Errorf("%s = %q, want %q", k, v.AsString(), want)
		}
	}
	res, err = newResource(context.Background(), &Config{}, nil, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Set().Value(semconv.K8SPodNameKey); ok {
		t.Errorf("k8s.pod.name set without K8S_POD_NAME: %v", res)
	}
}
