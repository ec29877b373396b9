package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"

	"github.com/exportrisk/exportrisk/policies"
)

// EmbeddedSource is the Source of the policies embedded in the binary.
const EmbeddedSource = "embedded"

// PolicySet is a loaded set of Rego policies and their data, identified by a revision.
type PolicySet struct {
	// Source says where the policies came from: EmbeddedSource, a directory path, or
	// whatever LoadPolicies was given (a bundle with its manifest revision, for one).
	Source string
	// Revision is "sha256:<hex>" over the path and content of every file that takes
	// part in evaluation (Rego modules other than tests, and data files), in path order.
	Revision string
	// Files holds those files by slash-separated path, for archiving and replay.
	Files map[string][]byte

	modules   map[string]*ast.Module
	documents map[string]any
}

// Embedded returns the default policies compiled into the binary.
func Embedded() (*PolicySet, error) {
	return LoadPolicies(policies.FS, EmbeddedSource)
}

// LoadPoliciesDir loads the policies of a directory (it replaces the embedded ones).
func LoadPoliciesDir(dir string) (*PolicySet, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load policies: %s is not a directory", dir)
	}
	return LoadPolicies(os.DirFS(dir), dir)
}

// LoadPolicies loads Rego modules and data files from fsys; test modules are left out.
func LoadPolicies(fsys fs.FS, source string) (*PolicySet, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !evaluated(p) {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load policies from %s: %w", source, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load policies from %s: no .rego files", source)
	}
	res, err := loader.NewFileLoader().
		WithFS(fsys).
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(abspath string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && !evaluated(abspath)
		})
	if err != nil {
		return nil, fmt.Errorf("load policies from %s: %w", source, err)
	}
	return &PolicySet{
		Source:    source,
		Revision:  revision(files),
		Files:     files,
		modules:   res.ParsedModules(),
		documents: res.Documents,
	}, nil
}

// evaluated reports whether a file takes part in evaluation.
func evaluated(p string) bool {
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, "_test.rego"):
		return false
	case strings.HasSuffix(base, ".rego"):
		return true
	}
	return base == "data.yaml" || base == "data.yml" || base == "data.json"
}

// Revision returns the revision of a set of policy files, as LoadPolicies computes it.
func Revision(files map[string][]byte) string { return revision(files) }

func revision(files map[string][]byte) string {
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

// Data returns the policy data document under key (e.g. "labels", "thresholds"), as loaded
// from the data files; nil if there is none. Callers must not modify it.
func (p *PolicySet) Data(key string) any { return p.documents[key] }
