package policy

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
	"github.com/exportrisk/exportrisk/policies"
)

// EmbeddedSource is the Source of the policies embedded in the binary.
const EmbeddedSource = "embedded"

// Set is a loaded set of Rego policies and their data, identified by a revision.
type Set struct {
	// Source says where the policies came from: EmbeddedSource, a directory path, or
	// whatever New was given (a bundle with its manifest revision, for one).
	Source string
	// Revision is "sha256:<hex>" over the path and content of every file that takes
	// part in evaluation (Rego modules other than tests, and data files), in path order.
	Revision string
	// Files holds those files by slash-separated path, for archiving and replay.
	Files map[string][]byte
	// Bundle describes the policy bundle the set was loaded from (Load); nil otherwise.
	Bundle *bundle.Info

	modules   map[string]*ast.Module
	documents map[string]any
}

// Embedded returns the default policies compiled into the binary.
func Embedded() (*Set, error) {
	return New(policies.FS, EmbeddedSource)
}

// NewDir loads the policies of a directory (it replaces the embedded ones).
func NewDir(dir string) (*Set, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load policies: %s is not a directory", dir)
	}
	return New(os.DirFS(dir), dir)
}

// New loads Rego modules and data files from fsys; test modules are left out. It does not
// validate the data file (Load and FS do): archived revisions replay exactly as recorded.
func New(fsys fs.FS, source string) (*Set, error) {
	f, err := ReadFiles(fsys, policyfile.Evaluated)
	if err != nil {
		return nil, fmt.Errorf("load policies from %s: %w", source, err)
	}
	if len(f.Bytes) == 0 {
		return nil, fmt.Errorf("load policies from %s: no .rego files", source)
	}
	return &Set{
		Source:    source,
		Revision:  policyfile.Revision(f.Bytes),
		Files:     f.Bytes,
		modules:   f.Modules,
		documents: f.Documents,
	}, nil
}

// Data returns the policy data document under key (e.g. "labels", "thresholds"), as loaded
// from the data files; nil if there is none. Callers must not modify it.
func (p *Set) Data(key string) any { return p.documents[key] }

// Modules returns the parsed Rego modules by file name, for the evaluators. Callers must
// not modify them.
func (p *Set) Modules() map[string]*ast.Module { return p.modules }

// Documents returns the whole data document, for the evaluators. Callers must not modify it.
func (p *Set) Documents() map[string]any { return p.documents }
