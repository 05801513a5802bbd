package objstoretest

// Option configures [Run].
type Option interface {
	apply(config) config
}

type config struct {
	listCount      int // 0: the ListMany test is skipped
	largeSize      int64
	concurrentPuts int
	prefix         string
	requests       func() int64
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// Defaults of the options.
const (
	defaultListCount      = 1500
	defaultLargeSize      = 5<<20 + 1
	defaultConcurrentPuts = 32
	defaultPrefix         = "objstoretest/"
)

func newConfig(opts []Option) config {
	c := config{listCount: defaultListCount, largeSize: defaultLargeSize, concurrentPuts: defaultConcurrentPuts, prefix: defaultPrefix}
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c
}

// WithListCount sets how many objects the ListMany test stores and lists, to cross the page
// size of paginated providers (S3 pages hold 1,000 keys). Default (and for n ≤ 0): 1500.
func WithListCount(n int) Option {
	return optionFunc(func(c config) config {
		if n <= 0 {
			n = defaultListCount
		}
		c.listCount = n
		return c
	})
}

// WithoutListMany skips the ListMany test, for a quick run. Default: the test runs.
func WithoutListMany() Option {
	return optionFunc(func(c config) config { c.listCount = 0; return c })
}

// WithLargeSize sets the size of the largest object of the RoundTrip test, which should exceed
// the provider's multipart threshold. Default (and for n ≤ 0): 5 MiB + 1 byte.
func WithLargeSize(n int64) Option {
	return optionFunc(func(c config) config {
		if n <= 0 {
			n = defaultLargeSize
		}
		c.largeSize = n
		return c
	})
}

// WithConcurrentPuts sets how many Puts the ConcurrentPuts test runs at once. Default (and for
// n ≤ 0): 32.
func WithConcurrentPuts(n int) Option {
	return optionFunc(func(c config) config {
		if n <= 0 {
			n = defaultConcurrentPuts
		}
		c.concurrentPuts = n
		return c
	})
}

// WithPrefix sets the key prefix under which every test stores its objects (each test uses
// <prefix><TestName>/), so the suite can run in a bucket that holds other data. Objects left by
// an earlier interrupted run under that prefix are deleted first. Default (and for ""):
// "objstoretest/".
func WithPrefix(p string) Option {
	return optionFunc(func(c config) config {
		if p == "" {
			p = defaultPrefix
		}
		c.prefix = p
		return c
	})
}

// WithRequestCounter gives the suite a function returning how many requests the provider has
// sent so far (e.g. counted by an http.RoundTripper). The InvalidKeys test then checks that no
// request is sent for an invalid key. Default (and for nil): none, and that check is skipped.
func WithRequestCounter(count func() int64) Option {
	return optionFunc(func(c config) config { c.requests = count; return c })
}
