package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

// TestCriteriaFromPolicies: how many criteria there are comes from the policies (the
// criteria packages' METADATA and the entrypoint's result), not from the Go code. The
// shipped policies without criterion 8 give seven criteria everywhere: the engine's list,
// every result, the world's verdict columns.
func TestCriteriaFromPolicies(t *testing.T) {
	emb, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for k, v := range emb.Files {
		if !strings.HasPrefix(k, "criteria/c8/") {
			files[k] = v
		}
	}
	main := string(files["main/main.rego"])
	for _, line := range []string{"import data.criteria.c8\n", "\t_criterion(8, c8.verdict, c8.reasons, c8.missing),\n"} {
		if !strings.Contains(main, line) {
			t.Fatalf("main/main.rego has no line %q: update this test", line)
		}
		main = strings.Replace(main, line, "", 1)
	}
	files["main/main.rego"] = []byte(main)
	p, err := policy.New(mapFS(files), "seven criteria")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := engine.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(e.Criteria()); got != 7 {
		t.Fatalf("%d criteria, want 7", got)
	}
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	w, err := engine.AssessWorld(ctx, e, lib, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Countries {
		if len(c.Verdicts) != 7 {
			t.Fatalf("%s: %d verdicts, want 7", c.ISO3, len(c.Verdicts))
		}
	}
}
