package server

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute: the hand-written OpenAPI document describes every
// registered route with its method, and nothing else; every error code of errors.go is
// in its Error schema; every $ref resolves.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `json:"enum"`
								} `json:"code"`
							} `json:"properties"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	s := &Server{}
	registered := map[string]bool{}
	for _, rt := range s.routeTable() {
		path := strings.ReplaceAll(rt.path, "{$}", "")
		if path == "" {
			path = "/"
		}
		op := strings.ToLower(rt.method) + " " + path
		registered[op] = true
		if _, ok := doc.Paths[path][strings.ToLower(rt.method)]; !ok {
			t.Errorf("route %s is not described in openapi.json (%s)", rt.pattern(), op)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[method+" "+path] {
				t.Errorf("openapi.json describes %s %s, which is not a route", strings.ToUpper(method), path)
			}
		}
	}

	// Every Code... constant of errors.go is in the enum.
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if strings.HasPrefix(name.Name, "Code") {
					v, _ := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
					codes = append(codes, v)
				}
			}
		}
	}
	enum := doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum
	for _, c := range codes {
		if !slices.Contains(enum, c) {
			t.Errorf("error code %s is not in the Error schema", c)
		}
	}
	if len(enum) != len(codes) {
		t.Errorf("the Error schema lists %d codes, errors.go has %d", len(enum), len(codes))
	}

	// Every $ref points at something.
	var all any
	if err := json.Unmarshal(openAPI, &all); err != nil {
		t.Fatal(err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "$ref" {
					ref := e.(string)
					var cur any = all
					for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
						m, ok := cur.(map[string]any)
						if !ok {
							cur = nil
							break
						}
						cur = m[part]
					}
					if cur == nil {
						t.Errorf("$ref %s resolves to nothing", ref)
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(all)
}
