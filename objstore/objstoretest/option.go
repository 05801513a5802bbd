package objstoretest

// Option configures [Run].
type Option interface {
	apply(config) config
}

type config struct {
	listCount      int
	largeSize      int64
	concurrentPuts int
	prefix         string
	requests       func() int64
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	c := config{listCount: 1500, largeSize: 5<<20 + 1, concurrentPuts: 32, prefix: "objstoretest/"}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// WithListCount sets how many objects the ListMany test stores and lists, to cross the page
// size of paginated providers (S3 pages hold 1,000 keys). 0 skips that test. Default: 1500.
func WithListCount(n int) Option {
	return optionFunc(func(c config) config { c.listCount = n; return c })
}

// WithLargeSize sets the size of the largest object of the RoundTrip test, which should exceed
// the provider's multipart threshold. Default: 5 MiB + 1 byte.
func WithLargeSize(n int64) Option {
	return optionFunc(func(c config) config { c.largeSize = n; return c })
}

// WithConcurrentPuts sets how many Puts the ConcurrentPuts test runs at once. Default: 32.
func WithConcurrentPuts(n int) Option {
	return optionFunc(func(c config) config { c.concurrentPuts = n; return c })
}

// WithPrefix sets the key prefix under which every test stores its objects (each test uses
// <prefix><TestName>/), so the suite can run in a bucket that holds other data. Objects left by
// an earlier interrupted run under that prefix are deleted first. Default: "objstoretest/".
func WithPrefix(p string) Option {
	return optionFunc(func(c config) config { c.prefix = p; return c })
}

// WithRequestCounter gives the suite a function returning how many requests the provider has
// sent so far (e.g. counted by an http.RoundTripper). The InvalidKeys test then checks that no
// request is sent for an invalid key. Default: none, and that check is skipped.
func WithRequestCounter(count func() int64) Option {
	return optionFunc(func(c config) config { c.requests = count; return c })
}
