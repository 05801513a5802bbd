package objstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Opener opens the bucket a URL names. Providers export a function that registers theirs, e.g.
// membucket.Register(reg) for mem://, filebucket.Register(reg) for file:///dir and
// s3.Register(reg) for s3://bucket. An Opener reads its settings from u (host, path, query) and
// must not echo secrets from u in its errors.
type Opener func(ctx context.Context, u *url.URL) (Bucket, error)

// Registry maps URL schemes to the [Opener]s that open them, so a service picks its backend with
// one variable (OBJSTORE_URL=s3://…, file:///…, mem://). Nothing is registered implicitly: a
// program registers the providers it links. The zero value is an empty registry ready to use;
// a Registry is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	openers map[string]Opener
}

// Register makes open the Opener for scheme (case-insensitive, without "://"). It panics if
// scheme is not a valid URL scheme, open is nil, or scheme is already registered: these are
// programming errors, found on the first run.
func (r *Registry) Register(scheme string, open Opener) {
	s := strings.ToLower(scheme)
	if !validScheme(s) {
		panic(fmt.Sprintf("objstore: Register of invalid scheme %q", scheme))
	}
	if open == nil {
		panic(fmt.Sprintf("objstore: Register of a nil Opener for %q", scheme))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.openers[s]; dup {
		panic(fmt.Sprintf("objstore: Register called twice for scheme %q", s))
	}
	if r.openers == nil {
		r.openers = make(map[string]Opener)
	}
	r.openers[s] = open
}

// Schemes returns the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := make([]string, 0, len(r.openers))
	for k := range r.openers {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Open parses rawURL and calls the Opener registered for its scheme. An unregistered scheme
// gives an error wrapping [ErrUnknownScheme]. Errors never quote the URL (it may hold
// credentials); they name its scheme only.
func (r *Registry) Open(ctx context.Context, rawURL string) (Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the URL: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("objstore: open: invalid bucket URL: %w", err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("objstore: open: bucket URL has no scheme: %w", ErrUnknownScheme)
	}
	r.mu.RLock()
	open := r.openers[u.Scheme]
	r.mu.RUnlock()
	if open == nil {
		return nil, fmt.Errorf("objstore: open %s://: %w (registered: %s)",
			u.Scheme, ErrUnknownScheme, strings.Join(r.Schemes(), ", "))
	}
	b, err := open(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("objstore: open %s://: %w", u.Scheme, err)
	}
	return b, nil
}

func validScheme(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// OpenOption configures [Open].
type OpenOption interface {
	applyOpen(openConfig) openConfig
}

type openConfig struct {
	registry   *Registry
	instrument []InstrumentOption
	instrOn    bool
}

type openOptionFunc func(openConfig) openConfig

func (f openOptionFunc) applyOpen(c openConfig) openConfig { return f(c) }

// WithRegistry sets the registry whose Openers [Open] uses. Default: none, so every scheme is
// unknown; a program registers its providers in a Registry and passes it here (or calls
// [Registry.Open]). No environment variable.
func WithRegistry(r *Registry) OpenOption {
	return openOptionFunc(func(c openConfig) openConfig { c.registry = r; return c })
}

// WithInstrumentation makes [Open] return the bucket wrapped by [Instrument] with opts (the
// bucket name defaults to the URL's host). A bucket that its provider already instruments
// (objstore/s3's, unless turned off) is returned as it is, since Instrument never wraps twice:
// its provider's options apply and opts are ignored. Default: not wrapped. No environment
// variable.
func WithInstrumentation(opts ...InstrumentOption) OpenOption {
	return openOptionFunc(func(c openConfig) openConfig {
		c.instrOn = true
		c.instrument = append(c.instrument[:len(c.instrument):len(c.instrument)], opts...)
		return c
	})
}

// Open opens the bucket rawURL names, through the registry given by [WithRegistry]:
//
//	var reg objstore.Registry
//	membucket.Register(&reg)
//	filebucket.Register(&reg)
//	b, err := objstore.Open(ctx, os.Getenv("OBJSTORE_URL"), objstore.WithRegistry(&reg))
//
// The caller closes the bucket. See [Registry.Open] for errors.
func Open(ctx context.Context, rawURL string, opts ...OpenOption) (Bucket, error) {
	var c openConfig
	for _, o := range opts {
		if o != nil {
			c = o.applyOpen(c)
		}
	}
	r := c.registry
	if r == nil {
		r = &Registry{}
	}
	b, err := r.Open(ctx, rawURL)
	if err != nil || !c.instrOn {
		return b, err
	}
	iopts := c.instrument
	if u, perr := url.Parse(rawURL); perr == nil && u.Host != "" {
		iopts = append([]InstrumentOption{WithBucketName(u.Host)}, iopts...)
	}
	return Instrument(b, iopts...), nil
}
