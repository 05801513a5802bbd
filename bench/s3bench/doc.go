// Package s3bench compares obskit's objstore/s3 with what users would pick instead for putting
// objects into S3, on the same objects against the same server: the bare aws-sdk-go-v2
// PutObject and its transfer manager (feature/s3/transfermanager), thanos-io/objstore's S3
// bucket (minio-go underneath) and gocloud.dev/blob's s3blob (aws-sdk-go-v2's upload manager
// underneath).
//
// Open builds a Client for one library on a Server (a versitygw gateway on loopback in the
// benchmarks and in the obskit-bench runner). Each peer runs with its own defaults, except that
// the bare SDK's PutObject and transfer manager send the same CRC32C checksum as obskit, so that
// the comparison with obskit is on equal work. obskit runs as a service runs it: instrumented
// with the providers of [ObskitProviders], as telemetry.Setup builds them (spans batched by
// exporters/spanbatch to a discarding exporter, metrics through a MeterProvider with a manual
// reader).
//
// BenchmarkPeerOverhead compares what instrumentation costs the calling thread per Put with the
// HTTP transport answering in memory: obskit's (its span, the SDK's call and attempt spans,
// metrics) against otelaws's (one span per SDK call), the contrib instrumentation a user would
// otherwise add; [NewOtelawsMemoryClient] builds the otelaws client, on the same providers.
//
// # Configuration
//
// None; run go test -bench . ./s3bench from the bench module with versitygw installed
// (scripts/install-tools.sh versitygw). The 256 MiB objects are put only when asked:
// -s3bench.large, or a -bench pattern naming 256MiB.
//
// # Emitted telemetry
//
// None outside the process: obskit's spans and metrics stay in the Client's own providers.
//
// # Shutdown
//
// Client.Close releases the client and shuts its providers down.
package s3bench
