// Package policies embeds the default assessment policies: the Rego modules of the eight
// criteria, their shared library and the entrypoint, their Rego tests, and data.yaml with every
// threshold, window and list the rules read (data.thresholds) and the display names used in
// messages (data.labels).
package policies

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/open-policy-agent/opa/v1/util"
)

// FS holds data.yaml and every .rego file, tests (*_test.rego) included, under their paths
// relative to this directory (e.g. "criteria/c2/c2.rego").
//
//go:embed data.yaml lib/*.rego main/*.rego criteria/*/*.rego
var FS embed.FS

// Entrypoint is the query that evaluates one bundle (input) against the policies.
const Entrypoint = "data.main.assessment"

// DataFile is the name of the policy data file in FS.
const DataFile = "data.yaml"

// Modules returns the source of every non-test .rego file in fsys, keyed by path.
func Modules(fsys fs.FS) (map[string]string, error) {
	return regoFiles(fsys, false)
}

// TestModules returns the source of every .rego file in fsys, tests included, keyed by path.
func TestModules(fsys fs.FS) (map[string]string, error) {
	return regoFiles(fsys, true)
}

func regoFiles(fsys fs.FS, tests bool) (map[string]string, error) {
	modules := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return nil
		}
		if !tests && strings.HasSuffix(path, "_test.rego") {
			return nil
		}
		bs, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		modules[path] = string(bs)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return modules, nil
}

// Data parses data.yaml in fsys into the document to load as data (numbers as json.Number).
func Data(fsys fs.FS) (map[string]any, error) {
	bs, err := fs.ReadFile(fsys, DataFile)
	if err != nil {
		return nil, fmt.Errorf("read policy data: %w", err)
	}
	var data map[string]any
	if err := util.Unmarshal(bs, &data); err != nil {
		return nil, fmt.Errorf("parse %s: %w", DataFile, err)
	}
	return data, nil
}
