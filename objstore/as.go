package objstore

// As reaches the types behind b that are not part of the Bucket interface, such as the SDK
// client of objstore/s3 (target of type **s3.Client), the way gocloud.dev/blob's As does. It asks
// b, and then each bucket b decorates, in turn: a bucket answers through a method
// As(target any) bool, and a decorator names the bucket it decorates through a method
// Unwrap() Bucket (the decorator of [Instrument] has one). It reports whether target was set;
// a nil b or target sets nothing. Each provider's documentation lists the targets it accepts.
func As(b Bucket, target any) bool {
	if target == nil {
		return false
	}
	for b != nil {
		if a, ok := b.(interface{ As(any) bool }); ok && a.As(target) {
			return true
		}
		u, ok := b.(interface{ Unwrap() Bucket })
		if !ok {
			return false
		}
		b = u.Unwrap()
	}
	return false
}
