package policyfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKinds: which files a policy directory holds, which of them take part in evaluation.
func TestKinds(t *testing.T) {
	type kinds struct{ Rego, Test, Data, Policy, Evaluated bool }
	tests := map[string]kinds{
		"criteria/c1/c1.rego":      {Rego: true, Policy: true, Evaluated: true},
		"criteria/c1/c1_test.rego": {Rego: true, Test: true, Policy: true},
		"data.yaml":                {Data: true, Policy: true, Evaluated: true},
		"criteria/c1/data.yml":     {Data: true, Policy: true, Evaluated: true},
		"data.json":                {Data: true, Policy: true, Evaluated: true},
		".manifest":                {},
		".signatures.json":         {},
		"README.md":                {},
		"other.yaml":               {},
		"rego":                     {},
	}
	for p, want := range tests {
		got := kinds{IsRego(p), IsTest(p), IsData(p), IsPolicy(p), Evaluated(p)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", p, diff)
		}
	}
}

// TestRevision: the digest covers every path and content, and is independent of map order.
func TestRevision(t *testing.T) {
	a := map[string][]byte{"a.rego": []byte("package a\n"), "data.yaml": []byte("x: 1\n")}
	base := Revision(a)
	if got := Revision(map[string][]byte{"data.yaml": []byte("x: 1\n"), "a.rego": []byte("package a\n")}); got != base {
		t.Errorf("same files, another revision: %s, %s", got, base)
	}
	for name, files := range map[string]map[string][]byte{
		"content":  {"a.rego": []byte("package a\n"), "data.yaml": []byte("x: 2\n")},
		"path":     {"b.rego": []byte("package a\n"), "data.yaml": []byte("x: 1\n")},
		"boundary": {"a.rego": []byte("package a\nd"), "ata.yaml": []byte("x: 1\n")},
	} {
		if Revision(files) == base {
			t.Errorf("%s changed, revision did not", name)
		}
	}
}
