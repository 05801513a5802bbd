package s3

import (
	"context"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxDeleteAttr bounds the aws.s3.delete attribute: a DeleteObjects request names up to 1,000
// keys.
const maxDeleteAttr = 1024

// addSemconvMiddleware adds to every S3 call the attributes the semantic conventions give AWS SDK
// client spans, on the SDK's call span ("S3.PutObject", …): rpc.method (S3/PutObject),
// cloud.region, aws.s3.bucket, aws.s3.key, aws.s3.copy_source, aws.s3.upload_id,
// aws.s3.part_number, aws.s3.delete (at most 1 KiB of it), and from the response
// aws.request_id and aws.extended_request_id. Without the SDK's spans it records nothing: an
// objstore.* span covers several calls (a multipart upload) whose values would overwrite each
// other.
func addSemconvMiddleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(semconvAttributes{}, middleware.After)
}

type semconvAttributes struct{}

func (semconvAttributes) ID() string { return "obskit.SemconvAttributes" }

func (semconvAttributes) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error) {
	span := trace.SpanFromContext(ctx)
	named, ok := span.(interface{ Name() string })
	if !ok || !span.IsRecording() || !strings.HasPrefix(named.Name(), "S3.") {
		return next.HandleInitialize(ctx, in)
	}
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs, semconv.RPCMethodKey.String("S3/"+awsmiddleware.GetOperationName(ctx)))
	if r := awsmiddleware.GetRegion(ctx); r != "" {
		attrs = append(attrs, semconv.CloudRegion(r))
	}
	attrs = inputAttributes(attrs, in.Parameters)
	span.SetAttributes(attrs...)
	out, md, err := next.HandleInitialize(ctx, in)
	if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok && id != "" {
		span.SetAttributes(semconv.AWSRequestID(id))
	}
	if id, ok := s3.GetHostIDMetadata(md); ok && id != "" {
		span.SetAttributes(semconv.AWSExtendedRequestID(id))
	}
	return out, md, err
}

// inputAttributes appends the aws.s3.* attributes of an operation's input.
func inputAttributes(attrs []attribute.KeyValue, params any) []attribute.KeyValue {
	str := func(k attribute.Key, v *string) {
		if v != nil && *v != "" {
			attrs = append(attrs, k.String(*v))
		}
	}
	var bucket, key, uploadID, copySource *string
	var part *int32
	switch p := params.(type) {
	case *s3.PutObjectInput:
		bucket, key = p.Bucket, p.Key
	case *s3.GetObjectInput:
		bucket, key, part = p.Bucket, p.Key, p.PartNumber
	case *s3.HeadObjectInput:
		bucket, key, part = p.Bucket, p.Key, p.PartNumber
	case *s3.DeleteObjectInput:
		bucket, key = p.Bucket, p.Key
	case *s3.CopyObjectInput:
		bucket, key, copySource = p.Bucket, p.Key, p.CopySource
	case *s3.CreateMultipartUploadInput:
		bucket, key = p.Bucket, p.Key
	case *s3.UploadPartInput:
		bucket, key, uploadID, part = p.Bucket, p.Key, p.UploadId, p.PartNumber
	case *s3.UploadPartCopyInput:
		bucket, key, uploadID, part, copySource = p.Bucket, p.Key, p.UploadId, p.PartNumber, p.CopySource
	case *s3.CompleteMultipartUploadInput:
		bucket, key, uploadID = p.Bucket, p.Key, p.UploadId
	case *s3.AbortMultipartUploadInput:
		bucket, key, uploadID = p.Bucket, p.Key, p.UploadId
	case *s3.ListObjectsV2Input:
		bucket = p.Bucket
	case *s3.ListMultipartUploadsInput:
		bucket = p.Bucket
	case *s3.DeleteObjectsInput:
		bucket = p.Bucket
		if p.Delete != nil {
			attrs = append(attrs, semconv.AWSS3Delete(deleteAttr(p)))
		}
	}
	str(semconv.AWSS3BucketKey, bucket)
	str(semconv.AWSS3KeyKey, key)
	str(semconv.AWSS3UploadIDKey, uploadID)
	str(semconv.AWSS3CopySourceKey, copySource)
	if part != nil && *part > 0 {
		attrs = append(attrs, semconv.AWSS3PartNumber(int(*part)))
	}
	return attrs
}

// deleteAttr renders the Delete container as the semantic conventions show it
// ("Objects=[{Key=a},{Key=b}],Quiet=true"), cut at maxDeleteAttr bytes with "…".
func deleteAttr(p *s3.DeleteObjectsInput) string {
	var sb strings.Builder
	sb.WriteString("Objects=[")
	for i, o := range p.Delete.Objects {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("{Key=")
		if o.Key != nil {
			sb.WriteString(*o.Key)
		}
		sb.WriteByte('}')
		if sb.Len() > maxDeleteAttr {
			break
		}
	}
	sb.WriteString("],Quiet=")
	if p.Delete.Quiet != nil && *p.Delete.Quiet {
		sb.WriteString("true")
	} else {
		sb.WriteString("false")
	}
	s := sb.String()
	if len(s) > maxDeleteAttr {
		s = strings.ToValidUTF8(s[:maxDeleteAttr], "") + "…"
	}
	return s
}
