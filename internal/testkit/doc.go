// Package testkit holds the helpers that tests in several packages share: a goroutine-safe
// buffer, readers of recorded metrics, and an S3 service answered in memory. It is imported
// only by tests and benchmarks; nothing in it starts a real server (that is internal/testserver).
package testkit
