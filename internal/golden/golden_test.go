package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(...any)          { r.failed = true }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "x.golden")
	t.Setenv(EnvVar, "1")
	Check(t, path, []byte("one\n"))
	if b, err := os.ReadFile(path); err != nil || string(b) != "one\n" {
		t.Fatalf("with %s=1 the golden file holds %q (%v)", EnvVar, b, err)
	}
	t.Setenv(EnvVar, "")
	Check(t, path, []byte("one\n"))
	r := &recorder{TB: t}
	Check(r, path, []byte("two\n"))
	if !r.failed {
		t.Error("a different output passed")
	}
	if b, _ := os.ReadFile(path); string(b) != "one\n" {
		t.Errorf("without %s the golden file was rewritten: %q", EnvVar, b)
	}
	r = &recorder{TB: t}
	Check(r, filepath.Join(t.TempDir(), "none.golden"), []byte("x"))
	if !r.failed {
		t.Error("a missing golden file passed")
	}
}
