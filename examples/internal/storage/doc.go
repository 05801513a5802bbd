// Package storage opens the S3 bucket an example stores its objects in. The entry point is Open:
// with S3 configured (AWS_ENDPOINT_URL_S3 or OBSKIT_S3_BUCKET set, see objstore/s3.Config) it
// opens that bucket; with nothing configured it starts an embedded S3 server
// (github.com/johannesboyne/gofakes3, objects in memory) on 127.0.0.1 with a random port, creates
// the bucket there, and opens it through the same objstore/s3 client, so the example's spans,
// metrics and requests are those of a real deployment.
//
// # Configuration
//
// The variables of objstore/s3.Config (AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, OBSKIT_S3_BUCKET, OBSKIT_S3_PATH_STYLE, …), read from the map given to
// Open. When OBSKIT_S3_BUCKET is not set the example's default bucket name is used. For the
// embedded server the endpoint and path-style addressing are set by Open, and credentials
// default to fixed demo values (gofakes3 does not check signatures).
//
// # Emitted telemetry
//
// What objstore/s3 emits for the bucket (objstore.* spans and metrics, the SDK's spans beneath),
// through the providers given as s3 options. The embedded server emits nothing.
//
// # Shutdown
//
// Store.Close closes the bucket, then stops the embedded server, if any.
package storage
