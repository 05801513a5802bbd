package s3_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/esper-platform/obskit/internal/testserver"
	"github.com/esper-platform/obskit/objstore/s3"
)

// awsCLI runs Debian's awscli against srv with the server's credentials in its environment (and
// nothing from the user's ~/.aws), returning its standard output.
func awsCLI(t *testing.T, srv *testserver.S3Server, args ...string) []byte {
	t.Helper()
	bin, err := testserver.Tool(testserver.ToolAWS)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--endpoint-url", srv.Endpoint, "--no-cli-pager"}, args...)...)
	cmd.Env = []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"AWS_ACCESS_KEY_ID=" + srv.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + srv.SecretKey,
		"AWS_DEFAULT_REGION=" + srv.Region,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TestAWSCLI checks interoperability with another S3 client: objects put by obskit (single and
// multipart) are listed and read back byte-identical by awscli, and objects uploaded by awscli
// (single and multipart) are read back byte-identical by obskit.
func TestAWSCLI(t *testing.T) {
	testserver.Require(t, testserver.ToolVersity, testserver.ToolAWS)
	srv := testserver.StartVersity(t)
	cfg := versityConfig(srv, srv.Endpoint)
	cfg.PartSize = s3.MinPartSize
	b := openConfig(t, cfg)
	ctx := context.Background()
	objects := map[string][]byte{
		"small.bin": content(11, 1000),
		"large.bin": content(12, 2*s3.MinPartSize+12345), // three parts
	}

	t.Run("obskit to aws", func(t *testing.T) {
		for name, data := range objects {
			if err := b.Put(ctx, "from-obskit/"+name, bytes.NewReader(data), int64(len(data))); err != nil {
				t.Fatal(err)
			}
		}
		ls := string(awsCLI(t, srv, "s3", "ls", "s3://"+srv.Bucket+"/from-obskit/"))
		for name, data := range objects {
			if !strings.Contains(ls, " "+strconv.Itoa(len(data))+" "+name) {
				t.Errorf("aws s3 ls does not show %s of %d bytes:\n%s", name, len(data), ls)
			}
			got := awsCLI(t, srv, "s3", "cp", "s3://"+srv.Bucket+"/from-obskit/"+name, "-")
			if !bytes.Equal(got, data) {
				t.Errorf("aws s3 cp read %d bytes of %s, want the %d bytes obskit put", len(got), name, len(data))
			}
		}
	})

	t.Run("aws to obskit", func(t *testing.T) {
		dir := t.TempDir()
		for name, data := range objects {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			awsCLI(t, srv, "s3", "cp", "--only-show-errors", path, "s3://"+srv.Bucket+"/from-aws/"+name)
			rc, err := b.Get(ctx, "from-aws/"+name)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("obskit read %d bytes of %s (err %v), want the %d bytes aws uploaded", len(got), name, err, len(data))
			}
		}
		var listed []string
		for info, err := range b.List(ctx, "from-aws/") {
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, info.Key)
			if want := len(objects[strings.TrimPrefix(info.Key, "from-aws/")]); info.Size != int64(want) {
				t.Errorf("List: %s has size %d, want %d", info.Key, info.Size, want)
			}
		}
		if len(listed) != len(objects) {
			t.Errorf("List yielded %v, want the %d objects aws uploaded", listed, len(objects))
		}
	})
}

// content returns n pseudo-random bytes from seed.
func content(seed uint64, n int) []byte {
	return randomBytes(rand.New(rand.NewPCG(seed, 1)), n)
}
