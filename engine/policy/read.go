package policy

import (
	"io/fs"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/loader"
)

// Files are policy files as OPA's loader reads them.
type Files struct {
	Bytes     map[string][]byte      // every file read, by slash-separated path
	Modules   map[string]*ast.Module // the Rego files among them, parsed with METADATA
	Documents map[string]any         // the data files among them, merged (data.thresholds, data.labels)
}

// ReadFiles reads the files of fsys that keep selects (policyfile.Evaluated for evaluation,
// policyfile.IsPolicy to check a directory, tests included) and loads them with OPA's loader:
// Rego v1, METADATA processed. It is the one way policy files are read: New and
// check.Load both call it. An error of the walk is returned as it is; the loader's errors
// as loader.Errors, each with file and row.
func ReadFiles(fsys fs.FS, keep func(path string) bool) (*Files, error) {
	f := &Files{Bytes: map[string][]byte{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(p) {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f.Bytes[p] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	res, err := loader.NewFileLoader().
		WithFS(fsys).
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		Filtered([]string{"."}, func(abspath string, info fs.FileInfo, _ int) bool {
			return !info.IsDir() && !keep(abspath)
		})
	if err != nil {
		return nil, err
	}
	f.Modules, f.Documents = res.ParsedModules(), res.Documents
	return f, nil
}
