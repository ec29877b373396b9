package indicators

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/exportrisk/exportrisk/internal/golden"
)

// TestSchemaUpToDate keeps the published schema in step with the catalog.
func TestSchemaUpToDate(t *testing.T) {
	got, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("schema", "bundle.schema.json"), got)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("schema", "bundle.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("bundle.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("bundle.schema.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

// TestSchemaAgreesWithValidator: bundles the Go validator accepts satisfy the schema, and
// invalid bundles that a schema can judge (structure, types, ranges) fail it.
func TestSchemaAgreesWithValidator(t *testing.T) {
	s := compileSchema(t)
	valid, _ := filepath.Glob("testdata/valid/*")
	curated, _ := filepath.Glob("../fixtures/curated/*.yaml")
	for _, f := range append(valid, curated...) {
		if filepath.Ext(filepath.Base(f[:len(f)-len(filepath.Ext(f))])) == ".expected" {
			continue
		}
		t.Run(f, func(t *testing.T) {
			b, err := LoadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(asJSON(t, b)); err != nil {
				t.Errorf("schema rejects a valid bundle: %v", err)
			}
		})
	}
	// a built bundle with evidence register items merged, from the shipped history
	t.Run("PER 2023 (built, with register items)", func(t *testing.T) {
		lib, err := OpenLibrary(os.DirFS("../fixtures"), "fixtures")
		if err != nil {
			t.Fatal(err)
		}
		e, err := lib.Find("PER", "2023-12-31")
		if err != nil {
			t.Fatal(err)
		}
		b, err := lib.Load(e)
		if err != nil {
			t.Fatal(err)
		}
		if b.EvidenceRegister == nil || len(b.Evidence) == 0 {
			t.Fatalf("%s: no register items merged", e.Path)
		}
		if err := s.Validate(asJSON(t, b)); err != nil {
			t.Errorf("schema rejects a valid bundle: %v", err)
		}
	})
	// Semantic-only problems (dates after as_of, duplicate ids, unknown codes with the right
	// shape, embargo record conflicts) are beyond a JSON Schema.
	schemaChecks := []string{"unknown-field.yaml", "wrong-type.yaml", "wrong-type.json", "out-of-range.yaml",
		"missing-source.yaml", "unknown-ids.yaml", "torture-without-reporter.yaml", "schema-version.yaml", "missing-sections.yaml"}
	for _, name := range schemaChecks {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "invalid", name))
			if err != nil {
				t.Fatal(err)
			}
			doc := yamlToJSON(t, raw)
			if err := s.Validate(doc); err == nil {
				t.Errorf("schema accepts invalid bundle %s", name)
			}
		})
	}
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	c, err := Canonicalize(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(c))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// yamlToJSON decodes a YAML test file into JSON values (dates as strings).
func yamlToJSON(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := yamlUnmarshalJSONCompatible(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// yamlUnmarshalJSONCompatible decodes YAML keeping timestamps as strings.
func yamlUnmarshalJSONCompatible(raw []byte, out *any) error {
	var n yaml.Node
	if err := yaml.Unmarshal(raw, &n); err != nil {
		return err
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Tag == "!!timestamp" {
			n.Tag = "!!str"
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&n)
	return n.Decode(out)
}
