package calibration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/internal/golden"
	"github.com/exportrisk/exportrisk/policies"
)

// TestShippedDataValid: the embedded policies' data file and the test base file pass.
func TestShippedDataValid(t *testing.T) {
	files := map[string][]byte{}
	data, err := fs.ReadFile(policies.FS, "data.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files["data.yaml"] = data
	if err := CheckFiles(files, "policies"); err != nil {
		t.Errorf("policies/data.yaml: %v", err)
	}
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate("testdata/valid.yaml", valid); err != nil {
		t.Errorf("testdata/valid.yaml: %v", err)
	}
}

// TestInvalid checks the messages for each class of problem against
// testdata/invalid/NAME.yaml.err (make golden rewrites them).
func TestInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			err = Validate(filepath.ToSlash(f), data)
			var verr *Error
			if !errors.As(err, &verr) {
				t.Fatalf("want an *Error, got %v", err)
			}
			got := err.Error() + "\n"
			golden.Check(t, f+".err", []byte(got))
		})
	}
}

// TestRealFileMessage edits one value of the real data file and checks the message names
// the file, the line and the key, as a policy officer sees it.
func TestRealFileMessage(t *testing.T) {
	data, err := fs.ReadFile(policies.FS, "data.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	line := slices.Index(lines, "    pts_severe_min: 4")
	if line < 0 {
		t.Skip("policies/data.yaml has no line '    pts_severe_min: 4'")
	}
	lines[line] = "    pts_severe_min: 7"
	err = Validate("policies/data.yaml", []byte(strings.Join(lines, "\n")))
	want := fmt.Sprintf("policies/data.yaml:%d: thresholds.c2.pts_severe_min: want a whole number 1..5, got 7", line+1)
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestRootDataFile(t *testing.T) {
	tests := map[string]struct {
		files map[string][]byte
		want  string // file name, or the start of the error
	}{
		"yaml":           {files: map[string][]byte{"data.yaml": nil, "main/main.rego": nil}, want: "data.yaml"},
		"json":           {files: map[string][]byte{"data.json": nil, "lib/data.yaml": nil}, want: "data.json"},
		"none":           {files: map[string][]byte{"lib/data.yaml": nil}, want: "no data file"},
		"two at the top": {files: map[string][]byte{"data.yaml": nil, "data.json": nil}, want: "more than one data file"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, _, err := RootDataFile(tc.files)
			if err != nil {
				got = err.Error()
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestJSONSource: a data file written as JSON (as in a policy bundle) is validated the
// same way, with lines.
func TestJSONSource(t *testing.T) {
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(valid, &doc); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate("data.json", js); err != nil {
		t.Fatalf("valid data as JSON: %v", err)
	}
	bad := bytes.Replace(js, []byte(`"pts_severe_min": 4`), []byte(`"pts_severe_min": 9`), 1)
	err = Validate("data.json", bad)
	if err == nil || !strings.Contains(err.Error(), ": thresholds.c2.pts_severe_min: want a whole number 1..5, got 9") ||
		!strings.HasPrefix(err.Error(), "data.json:") {
		t.Errorf("got %v", err)
	}
}

// TestSchemaEnumsMatchCatalogs keeps the schema's closed lists equal to the catalogs of
// indicators/catalog.go.
func TestSchemaEnumsMatchCatalogs(t *testing.T) {
	root, err := loadSchema()
	if err != nil {
		t.Fatal(err)
	}
	var indexIDs []string
	for _, s := range indicators.Indices {
		indexIDs = append(indexIDs, s.ID)
	}
	fh, _ := indicators.IndexByID("fh_status")
	gdi, _ := indicators.IndexByID("gdi_band")
	want := map[string][]string{
		"instrument":        indicators.Instruments,
		"index":             indexIDs,
		"evidence_category": indicators.EvidenceCategories,
		"reporter":          indicators.Reporters,
		"authority":         indicators.Authorities,
		"fh_status":         fh.Values,
		"gdi_band":          gdi.Values,
	}
	for def, list := range want {
		s := root.Defs[def]
		if s == nil {
			t.Errorf("$defs.%s is missing", def)
			continue
		}
		if diff := cmp.Diff(list, s.Enum); diff != "" {
			t.Errorf("$defs.%s.enum differs from the catalog (-catalog +schema):\n%s", def, diff)
		}
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("data.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("data.schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSchemaAgreesWithValidator: the schema is a standard JSON Schema that a standard
// validator applies as this package does: the valid files pass it, the files with
// problems a schema can judge fail it, and the files with only Go-checked problems
// (pairs, subsets) pass it.
func TestSchemaAgreesWithValidator(t *testing.T) {
	s := compileSchema(t)
	shipped, err := fs.ReadFile(policies.FS, "data.yaml")
	if err != nil {
		t.Fatal(err)
	}
	valid, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"policies/data.yaml": shipped, "testdata/valid.yaml": valid} {
		if err := s.Validate(asJSON(t, data)); err != nil {
			t.Errorf("schema rejects %s: %v", name, err)
		}
	}
	schemaFails := map[string]bool{
		"unknown-key.yaml": true, "missing-key.yaml": true, "wrong-type.yaml": true, "out-of-range.yaml": true,
		"unknown-ids.yaml": true, "not-an-object.yaml": true,
		"inconsistent.yaml": false, // duplicate-key.yaml is not even valid YAML to a decoder into a map
	}
	for name, fails := range schemaFails {
		data, err := os.ReadFile(filepath.Join("testdata", "invalid", name))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Validate(asJSON(t, data))
		if fails && err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
		if !fails && err != nil {
			t.Errorf("%s: the schema rejects it, but only Go checks should: %v", name, err)
		}
	}
}
