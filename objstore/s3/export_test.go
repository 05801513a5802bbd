package s3

import "github.com/esper-platform/obskit/objstore"

// RegisterWithEnvironment is Register with environ read instead of the process environment.
func RegisterWithEnvironment(reg *objstore.Registry, environ map[string]string, opts ...Option) {
	reg.Register(Scheme, opener(environ, opts))
}

// SetCopyThreshold sets the size above which b's Copy goes multipart (5 GiB by default), so
// that tests exercise UploadPartCopy with small objects. b is a *Bucket or decorates one.
func SetCopyThreshold(b objstore.Bucket, n int64) {
	var sb *Bucket
	if !objstore.As(b, &sb) {
		panic("SetCopyThreshold: not an s3 bucket")
	}
	sb.copyThreshold = n
}
