// Package calibration validates the policy data file (policies/data.yaml): every threshold,
// time window and list the criteria read (data.thresholds) and the display names used in
// messages (data.labels).
//
// The structure, types, ranges and closed lists are described by a JSON Schema
// (data.schema.json, embedded, draft 2020-12), which this package interprets over the YAML
// node tree so that every problem names its line and key. What a schema cannot express is
// checked in Go (checks.go): pairs that must agree, such as a critical bound that may not be
// looser than its possibly-critical bound, and lists that must be subsets of other lists.
package calibration

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/engine/policy/policyfile"
	"github.com/exportrisk/exportrisk/indicators"
)

// SchemaFile is the JSON Schema of the policy data file, as published in the repository.
const SchemaFile = "engine/policy/calibration/data.schema.json"

//go:embed data.schema.json
var schemaJSON []byte

// Schema returns the JSON Schema (draft 2020-12) of the policy data file.
func Schema() []byte { return bytes.Clone(schemaJSON) }

// Problem is one thing wrong with a data file: where (line, key path) and what.
type Problem = indicators.Problem

// Error lists every problem found in one data file, one "file:line: path: problem" per line.
type Error = indicators.ValidationError

// RootDataFile returns the name and content of the data file at the top of a policy set's
// files (keyed by slash-separated path, as policy.Set.Files). There must be exactly
// one: it holds data.thresholds and data.labels.
func RootDataFile(files map[string][]byte) (string, []byte, error) {
	var found []string
	for _, n := range policyfile.DataNames {
		if _, ok := files[n]; ok {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return "", nil, errors.New("no data file: want data.yaml at the top of the policies (it holds data.thresholds and data.labels)")
	case 1:
		return found[0], files[found[0]], nil
	}
	return "", nil, fmt.Errorf("more than one data file at the top of the policies (%s): keep one", strings.Join(found, ", "))
}

// CheckFiles validates the root data file of a policy set. dir names where the files are
// (a directory, "policies" for the embedded ones, a bundle file) and prefixes the file
// name in messages. It returns nil, or an error listing every problem.
func CheckFiles(files map[string][]byte, dir string) error {
	name, data, err := RootDataFile(files)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return Validate(path.Join(dir, name), data)
}

// Validate checks a policy data document (YAML or JSON); name is used in messages. It
// returns nil or an *Error listing every problem, sorted by line.
func Validate(name string, data []byte) error {
	doc, err := indicators.ReadYAML(name, data)
	if err != nil {
		return err
	}
	root, err := loadSchema()
	if err != nil {
		return err
	}
	v := &validator{root: root, nodes: map[string]*yaml.Node{}, bad: map[string]bool{}}
	v.validate(root, doc, "", 0)
	v.check()
	if len(v.problems) == 0 {
		return nil
	}
	sort.SliceStable(v.problems, func(i, j int) bool {
		a, b := v.problems[i], v.problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Path < b.Path
	})
	return &Error{File: name, Problems: v.problems}
}
