package s3

import "github.com/esper-platform/obskit/objstore"

// RegisterWithEnvironment is Register with environ read instead of the process environment.
func RegisterWithEnvironment(reg *objstore.Registry, environ map[string]string, opts ...Option) {
	reg.Register(Scheme, opener(environ, opts))
}
