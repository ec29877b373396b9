// Package policyfile says which files make up a set of policies, and computes the revision
// that identifies them. It is the one place that decides it: loading policies
// (engine/policy), building and reading bundles (engine/policy/bundle), the policy checks
// (engine/policy/check) and the data file validation (engine/policy/calibration) all ask it.
package policyfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
)

// DataNames are the names a policy data file may have, in the order they are looked for.
var DataNames = []string{"data.yaml", "data.yml", "data.json"}

// IsRego reports whether p is a Rego file (a module or a test).
func IsRego(p string) bool { return strings.HasSuffix(path.Base(p), ".rego") }

// IsTest reports whether p is a Rego test file (*_test.rego).
func IsTest(p string) bool { return strings.HasSuffix(path.Base(p), "_test.rego") }

// IsData reports whether p is a policy data file (data.yaml, data.yml or data.json).
func IsData(p string) bool {
	base := path.Base(p)
	for _, n := range DataNames {
		if base == n {
			return true
		}
	}
	return false
}

// IsPolicy reports whether p belongs to a policy directory: Rego files, tests included,
// and data files.
func IsPolicy(p string) bool { return IsRego(p) || IsData(p) }

// Evaluated reports whether p takes part in evaluation: Rego modules other than tests,
// and data files. These are the files a policy set holds, a bundle packs, and the audit
// log archives.
func Evaluated(p string) bool { return IsPolicy(p) && !IsTest(p) }

// Revision is "sha256:<hex>" over the path and content of every file, in path order:
// the policy revision results record. files are the evaluated files by slash-separated path.
func Revision(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
