package s3

import (
	"errors"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/esper-platform/obskit/objstore"
)

// responseError builds the error the SDK returns for an HTTP answer with status and error code
// (code "" for a response without a body, such as a HEAD's).
func responseError(status int, code string) error {
	var inner error = errors.New("no body")
	if code != "" {
		inner = &smithy.GenericAPIError{Code: code, Message: "m"}
	}
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      inner,
	}}
}

func TestSentinelFor(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{404, "NoSuchKey", objstore.ErrNotFound},
		{404, "NotFound", objstore.ErrNotFound},
		{404, "", objstore.ErrNotFound}, // HEAD of a missing object
		{404, "NoSuchBucket", nil},
		{404, "XAdminUserNotFound", nil}, // versitygw: unknown access key
		{403, "SignatureDoesNotMatch", nil},
		{400, "BadDigest", objstore.ErrIntegrity},
		{503, "SlowDown", nil},
	}
	for _, tt := range tests {
		if got := sentinelFor(responseError(tt.status, tt.code)); got != tt.want {
			t.Errorf("sentinelFor(%d %q) = %v, want %v", tt.status, tt.code, got, tt.want)
		}
	}
}
