package objstore

import (
	"context"
	"errors"
)

// DeleteEach implements [Bucket.DeleteMany] with one call of del per key, in order, for
// providers whose store has no batch delete: it returns nil when every call succeeded, else a
// [*DeleteManyError] whose errors are del's, as *OpError values of operation delete_many. Once
// ctx is done, the keys left fail with its error without calling del.
func DeleteEach(ctx context.Context, keys []string, del func(context.Context, string) error) error {
	var errs []error
	for _, key := range keys {
		err := ctx.Err()
		if err == nil {
			err = del(ctx, key)
		}
		if err != nil {
			var oe *OpError
			if errors.As(err, &oe) {
				err = oe.Err
			}
			errs = append(errs, &OpError{Op: OpDeleteMany, Key: key, Err: err})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &DeleteManyError{Errors: errs}
}
