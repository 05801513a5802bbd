package telemetry

import (
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// KubernetesConfig holds the Kubernetes attributes that a pod spec hands to the process
// through the downward API. Each set field becomes a resource attribute (k8s.pod.name, …),
// below the attributes given in code and OTEL_RESOURCE_ATTRIBUTES. Nothing calls the
// Kubernetes API. A pod spec sets them like this:
//
//	env:
//	  - name: K8S_POD_NAME
//	    valueFrom: {fieldRef: {fieldPath: metadata.name}}
//	  - name: K8S_POD_UID
//	    valueFrom: {fieldRef: {fieldPath: metadata.uid}}
//	  - name: K8S_NAMESPACE_NAME
//	    valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
//	  - name: K8S_NODE_NAME
//	    valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
//	  - name: K8S_CONTAINER_NAME
//	    value: app # the container's name, as written in the pod spec
type KubernetesConfig struct {
	PodName       string `env:"K8S_POD_NAME" desc:"k8s.pod.name resource attribute (downward API: metadata.name)"`
	PodUID        string `env:"K8S_POD_UID" desc:"k8s.pod.uid resource attribute (downward API: metadata.uid)"`
	NamespaceName string `env:"K8S_NAMESPACE_NAME" desc:"k8s.namespace.name resource attribute (downward API: metadata.namespace)"`
	NodeName      string `env:"K8S_NODE_NAME" desc:"k8s.node.name resource attribute (downward API: spec.nodeName)"`
	ContainerName string `env:"K8S_CONTAINER_NAME" desc:"k8s.container.name resource attribute"`
}

// attributes returns the resource attributes of the set fields.
func (k KubernetesConfig) attributes() []attribute.KeyValue {
	var out []attribute.KeyValue
	for _, kv := range []struct {
		v  string
		kv func(string) attribute.KeyValue
	}{
		{k.PodName, semconv.K8SPodName},
		{k.PodUID, semconv.K8SPodUID},
		{k.NamespaceName, semconv.K8SNamespaceName},
		{k.NodeName, semconv.K8SNodeName},
		{k.ContainerName, semconv.K8SContainerName},
	} {
		if kv.v != "" {
			out = append(out, kv.kv(kv.v))
		}
	}
	return out
}
