package plan

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/compile"
	"github.com/open-policy-agent/opa/v1/ir"
)

// shippedModules parses the project's policies (policies/, tests left out).
func shippedModules(tb testing.TB) map[string]*ast.Module {
	tb.Helper()
	modules := map[string]*ast.Module{}
	err := filepath.WalkDir(filepath.Join("..", "..", "policies"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") || strings.HasSuffix(path, "_test.rego") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		modules[path], err = ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		return err
	})
	if err != nil || len(modules) < 10 {
		tb.Fatalf("the shipped policies: %d modules, %v", len(modules), err)
	}
	return modules
}

// buildPlan is the plan `opa build -t plan -e ENTRY` writes (compile.Build with unused
// rules pruned), as JSON: what Compile used before it asked package rego for the plan.
func buildPlan(tb testing.TB, query string, modules map[string]*ast.Module, caps *ast.Capabilities) (entry string, plan []byte) {
	tb.Helper()
	var path []string
	for _, term := range ast.MustParseRef(query)[1:] {
		path = append(path, string(term.Value.(ast.String)))
	}
	entry = strings.Join(path, "/")
	b := &bundle.Bundle{}
	b.SetRegoVersion(ast.RegoV1)
	b.Manifest.Init()
	for name, m := range modules {
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Parsed: m.Copy()})
	}
	c := compile.New().WithTarget(compile.TargetPlan).WithEntrypoints(entry).WithPruneUnused(true).
		WithCapabilities(caps).WithRegoVersion(ast.RegoV1).WithBundle(b)
	if err := c.Build(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return entry, c.Bundle().PlanModules[0].Raw
}

// TestCompilePlansAsBuild: the plan Compile takes from package rego is, but for the plan's
// name, the plan `opa build -t plan` makes of the same query — for the project's policies and
// for a small policy set.
func TestCompilePlansAsBuild(t *testing.T) {
	small, err := ast.ParseModuleWithOpts("p.rego", `package p
out contains x if { some x in input.xs; x > data.limit }
`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	caps := ast.CapabilitiesForThisVersion()
	for _, tc := range []struct {
		name    string
		query   string
		modules map[string]*ast.Module
	}{
		{"shipped", "data.main.assessment", shippedModules(t)},
		{"small", "data.p.out", map[string]*ast.Module{"p.rego": small}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry, want := buildPlan(t, tc.query, tc.modules, caps)
			policy, err := planQuery(context.Background(), tc.query, tc.modules, caps)
			if err != nil {
				t.Fatal(err)
			}
			named := *policy.Plans.Plans[0]
			named.Name = entry
			policy.Plans.Plans[0] = &named
			got, err := json.Marshal(policy)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("plan differs from opa build's (-build +rego):\n%s", diff)
			}
		})
	}
}

// BenchmarkCompile measures preparing the project's policies for evaluation (what every
// command and every replayed revision pays once): Compile as it is, and the plan made by
// compile.Build and read back from its JSON as Compile made it before.
func BenchmarkCompile(b *testing.B) {
	modules, caps := shippedModules(b), ast.CapabilitiesForThisVersion()
	data := map[string]any{}
	b.Run("rego-target", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compile(context.Background(), "data.main.assessment", modules, data, caps); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("opa-build-json", func(b *testing.B) {
		for b.Loop() {
			_, raw := buildPlan(b, "data.main.assessment", modules, caps)
			var policy ir.Policy
			if err := json.Unmarshal(raw, &policy); err != nil {
				b.Fatal(err)
			}
			if _, err := link(&policy, ObjectOf()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
