package testserver

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// newS3Server returns the fields every S3Server starts with: random credentials and bucket name,
// region us-east-1, and dir as its data folder.
func newS3Server(t testing.TB, dir string) *S3Server {
	return &S3Server{
		AccessKey: "AK" + randomHex(t, 9),
		SecretKey: randomHex(t, 20),
		Bucket:    "obskit-test-" + randomHex(t, 4),
		Region:    "us-east-1",
		Dir:       dir,
	}
}

// S3Server is an S3 server started by [StartVersity] (versitygw, storing
// objects as files with its posix backend) or [StartMinIO]. Its fields do not change after the
// start; Restart keeps the port, the credentials and the objects. Methods are
// safe for concurrent use; those taking a testing.TB must be called from the
// test goroutine.
type S3Server struct {
	// Endpoint is the base URL, "http://127.0.0.1:PORT" (path-style access).
	Endpoint string
	// AccessKey and SecretKey are random for each server; requests must be
	// signed with them (SigV4), a wrong secret gets 403 SignatureDoesNotMatch.
	AccessKey string
	SecretKey string
	// Bucket exists and is empty at the start.
	Bucket string
	// Region is "us-east-1".
	Region string
	// Dir is the server's data folder: for versitygw each top-level folder is
	// a bucket and each object a file below it; for MinIO it is in MinIO's
	// own format.
	Dir string

	*process // provides Stop and Restart
}

// StartVersity starts versitygw (see [Require]) on a free loopback port
// with random credentials and one bucket, and returns once it answers its
// health check. The backend folder is a t.TempDir() when that filesystem
// supports user extended attributes (versitygw keeps object metadata in
// them), else a folder under /var/tmp, removed by a t.Cleanup. A t.Cleanup
// stops the server; its output goes to the test log if the test failed.
// Call it from the test goroutine.
func StartVersity(t testing.TB) *S3Server {
	t.Helper()
	s := newS3Server(t, xattrDir(t))
	// The posix backend treats every top-level folder as a bucket owned by
	// the root account, which is the one whose keys the server gets.
	if err := os.Mkdir(filepath.Join(s.Dir, s.Bucket), 0o755); err != nil {
		t.Fatalf("testserver: creating bucket folder: %v", err)
	}
	addr := FreePort(t)
	s.Endpoint = "http://" + addr
	s.process = &process{
		tool: ToolVersity,
		args: []string{
			"--port", addr,
			"--region", s.Region,
			"--health", "/health",
			"--quiet",
			"posix", s.Dir,
		},
		// Credentials through the environment, so they never show on a
		// command line (ps) or in the logged output header.
		env:   []string{"ROOT_ACCESS_KEY_ID=" + s.AccessKey, "ROOT_SECRET_ACCESS_KEY=" + s.SecretKey},
		ready: httpReady(s.Endpoint + "/health"),
	}
	startProcess(t, s.process)
	return s
}

// randomHex returns n random bytes in hex.
func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("testserver: %v", err)
	}
	return hex.EncodeToString(b)
}

// xattrDir returns an empty folder on a filesystem with user extended
// attributes: t.TempDir() if it has them, else a new folder in /var/tmp
// (tmpfs mounts of /tmp often lack user xattrs) that a t.Cleanup removes.
func xattrDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	firstErr := xattrSupported(dir)
	if firstErr == nil {
		return dir
	}
	alt, err := os.MkdirTemp("/var/tmp", "obskit-versity-")
	if err != nil {
		t.Fatalf("testserver: %s lacks user xattrs (%v) and /var/tmp is not usable: %v", dir, firstErr, err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(alt) })
	if err := xattrSupported(alt); err != nil {
		t.Fatalf("testserver: versitygw needs user extended attributes; neither %s (%v) nor %s (%v) has them", dir, firstErr, alt, err)
	}
	t.Logf("testserver: %s lacks user xattrs (%v); versitygw stores its objects in %s", dir, firstErr, alt)
	return alt
}
