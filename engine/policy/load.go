package policy

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"testing/fstest"

	"github.com/exportrisk/exportrisk/engine/policy/bundle"
	"github.com/exportrisk/exportrisk/engine/policy/calibration"
)

// Load loads the policies at path and validates their data file:
//
//   - "" is the policies embedded in the binary;
//   - a bundle file (bundle.IsBundle: .tar.gz, .tgz, or any regular file) is read with
//     bundle.Open: with key its signature must verify (an unsigned bundle is refused);
//     without one a signed bundle is refused (*bundle.SignedError) and an unsigned one used;
//   - anything else is a policy directory.
//
// Set.Source names what was loaded ("embedded", the directory, or the bundle with its
// manifest revision and whether its signature was verified). A data file that does not
// validate is refused with every problem as file:line: key: message, the file named under
// path ("policies/data.yaml" for the embedded policies).
func Load(path string, key *bundle.Key) (*Set, error) {
	ps, err := Open(path, key)
	if err != nil {
		return nil, err
	}
	if err := Check(ps, path); err != nil {
		return nil, err
	}
	return ps, nil
}

// Open is Load without the data file check (Check): the policies at path as they are, for
// a caller that reports which bundle it opened before the check.
func Open(path string, key *bundle.Key) (*Set, error) {
	switch {
	case path == "":
		return Embedded()
	case bundle.IsBundle(path):
		return loadBundle(path, key)
	default:
		return NewDir(path)
	}
}

// FS loads the policies of fsys and validates their data file, for policies that are not
// a path a user gave as such (the working tree's policies/, a git revision extracted to a
// temporary directory). source names them in Set.Source; dir names where they are
// in data file messages.
func FS(fsys fs.FS, source, dir string) (*Set, error) {
	ps, err := New(fsys, source)
	if err != nil {
		return nil, err
	}
	if err := Check(ps, dir); err != nil {
		return nil, err
	}
	return ps, nil
}

// Check validates the policy data file of a loaded policy set; dir prefixes the file name
// in messages ("" for the embedded policies, named "policies").
func Check(ps *Set, dir string) error {
	if dir == "" {
		dir = "policies"
	}
	if err := calibration.CheckFiles(ps.Files, filepath.ToSlash(dir)); err != nil {
		return fmt.Errorf("the policy data file is invalid; the engine refuses it:\n%w", err)
	}
	return nil
}

// loadBundle reads a policy bundle, verifying its signature with key; Set.Bundle
// describes it.
func loadBundle(file string, key *bundle.Key) (*Set, error) {
	files, info, err := bundle.Open(file, key)
	if err != nil {
		return nil, err
	}
	ps, err := New(mapFS(files), info.Source(file))
	if err != nil {
		return nil, err
	}
	ps.Bundle = info
	return ps, nil
}

func mapFS(files map[string][]byte) fs.FS {
	fsys := fstest.MapFS{}
	for p, b := range files {
		fsys[p] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return fsys
}
