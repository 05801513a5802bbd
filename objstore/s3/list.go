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
// lexical (UTF-8 byte) order.
func (b *Bucket) List(ctx context.Context, prefix string) iter.Seq2[objstore.ObjectInfo, error] {
	return func(yield func(objstore.ObjectInfo, error) bool) {
		if b.closed.Load() {
			yield(objstore.ObjectInfo{}, &objstore.OpError{Op: objstore.OpList, Key: prefix, Err: objstore.ErrClosed})
			return
		}
		pages := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{
			Bucket: &b.bucket,
			Prefix: &prefix,
		})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(objstore.ObjectInfo{}, opError(objstore.OpList, prefix, err))
				return
			}
			for _, obj := range page.Contents {
				info := objstore.ObjectInfo{
					Key:     aws.ToString(obj.Key),
					Size:    aws.ToInt64(obj.Size),
					ModTime: aws.ToTime(obj.LastModified),
				}
				if !yield(info, nil) {
					return
				}
			}
		}
	}
}
