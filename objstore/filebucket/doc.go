// Package filebucket provides an [objstore.Bucket] that stores objects as files under a
// directory, for local runs and tests. Entry point: [New], or [Register] to open it from a
// file:///dir URL with [objstore.Open].
//
// Key "a/b.txt" is the file <root>/a/b.txt. Writes go to a temporary file under
// <root>/.objstore-tmp that is renamed into place once whole, so no partial object is ever
// visible and a failed Put leaves the previous object untouched. List walks only the
// directories that can match the prefix and yields keys in lexical order.
//
// Content headers and metadata (objstore.WithContentType, WithMetadata, …) are kept in a JSON
// sidecar under <root>/.objstore-meta named after the object file's inode, written before the
// rename that makes the object visible, so object and metadata appear and are replaced
// together; a bucket directory copied without its inodes preserved (a plain cp, a backup
// restore) loses the metadata, not the objects. The ETag is the file's modification time and
// size. A create-only write (WithIfNotExists) links the file into place, failing if the name
// exists: atomic among all processes. A compare-and-swap (WithIfMatch) checks the ETag and
// renames under a lock of the Bucket value: atomic among the writers sharing that value, not
// across processes or separate New calls on one directory. Copy copies the file through a
// temporary file like Put; DeleteMany deletes key by key.
//
// Beyond [objstore.ValidateKey], a key must be usable as a path: no empty segment (so no
// trailing or doubled '/'), segments of at most 255 bytes, not under .objstore-tmp or
// .objstore-meta; and a key
// cannot be both an object and a prefix directory of another object ("a" and "a/b"), which S3
// allows. Such keys give errors matching [objstore.ErrInvalidKey].
//
// # Configuration
//
// Options of [New]: [WithCreateDir] (default false) and [WithSync] (default true). In URLs:
// file:///dir?create_dir=true&sync=false. No environment variables are read.
//
// # Emitted telemetry
//
// None of its own. Wrap it with [objstore.Instrument] for spans and metrics; it sends no
// requests, so objstore.attempts stays 0.
//
// # Shutdown
//
// Close marks the bucket closed (later calls return [objstore.ErrClosed]); files stay on disk.
// Readers already returned by Get must still be closed by the caller.
package filebucket
