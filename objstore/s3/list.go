package s3

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/esper-platform/obskit/objstore"
)

// List yields the objects under prefix with ListObjectsV2 (see [objstore.Bucket.List]), fetching
// the next page (up to 1,000 keys) only when the previous one has been consumed. S3 lists keys in
// lexical (UTF-8 byte) order. With objstore.WithDelimiter the delimiter is sent to S3, and its
// common prefixes are yielded as directory entries, merged with the objects in key order.
func (b *Bucket) List(ctx context.Context, prefix string, opts ...objstore.ListOption) iter.Seq2[objstore.ObjectInfo, error] {
	lo := objstore.NewListOptions(opts)
	return func(yield func(objstore.ObjectInfo, error) bool) {
		if b.closed.Load() {
			yield(objstore.ObjectInfo{}, &objstore.OpError{Op: objstore.OpList, Key: prefix, Err: objstore.ErrClosed})
			return
		}
		in := &s3.ListObjectsV2Input{Bucket: &b.bucket, Prefix: &prefix}
		if lo.Delimiter != "" {
			in.Delimiter = &lo.Delimiter
		}
		pages := s3.NewListObjectsV2Paginator(b.client, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(objstore.ObjectInfo{}, opError(objstore.OpList, prefix, err))
				return
			}
			dirs := page.CommonPrefixes
			for _, obj := range page.Contents {
				info := objstore.ObjectInfo{
					Key:     aws.ToString(obj.Key),
					Size:    aws.ToInt64(obj.Size),
					ModTime: aws.ToTime(obj.LastModified),
				}
				for len(dirs) > 0 && aws.ToString(dirs[0].Prefix) < info.Key {
					if !yield(objstore.ObjectInfo{Key: aws.ToString(dirs[0].Prefix), IsDir: true}, nil) {
						return
					}
					dirs = dirs[1:]
				}
				if !yield(info, nil) {
					return
				}
			}
			for _, d := range dirs {
				if !yield(objstore.ObjectInfo{Key: aws.ToString(d.Prefix), IsDir: true}, nil) {
					return
				}
			}
		}
	}
}
