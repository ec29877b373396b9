// Package golden compares test output with golden files, the one way every package does:
// with UPDATE_GOLDEN=1 in the environment (make golden sets it) a test rewrites its golden
// files instead of comparing; review the diff before committing.
package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// EnvVar is the environment variable that makes Check rewrite golden files.
const EnvVar = "UPDATE_GOLDEN"

// Updating reports whether golden files are being rewritten (UPDATE_GOLDEN=1).
func Updating() bool { return os.Getenv(EnvVar) == "1" }

// Check compares got with the golden file at path and fails t with a diff when they
// differ; when Updating, it first writes got to path.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (%s=1 go test writes it)", err, EnvVar)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; %s=1 go test rewrites it):\n%s", path, EnvVar, diff)
	}
}
