package check

import (
	"context"
	"strings"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/policies"
)

// shippedLibrary opens the shipped bundle library.
func shippedLibrary(t *testing.T) *indicators.Library {
	t.Helper()
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// TestAgreeShipped: on the shipped policies, the compiled evaluator and OPA's interpreter
// agree on the latest bundle of every country.
func TestAgreeShipped(t *testing.T) {
	ctx := context.Background()
	p, err := Load(policies.FS, "policies")
	if err != nil {
		t.Fatal(err)
	}
	e, err := PrepareEngine(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Agree(ctx, e, shippedLibrary(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.Bundles < 190 || len(a.Differ) != 0 {
		t.Errorf("%d bundles compared, differences %q; want the world, none", a.Bundles, a.Differ)
	}
	ref, err := engine.New(ctx, e.Policies(), engine.WithEvaluator(engine.EvaluatorOPA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Agree(ctx, ref, shippedLibrary(t)); err == nil || !strings.Contains(err.Error(), "not the compiled evaluator") {
		t.Errorf("Agree with OPA's interpreter: %v, want refused", err)
	}
}

// TestCompareWorldsNamesDifferences: results that differ are named by country, bundle date,
// criterion and both verdicts. Here the compiled evaluator runs policies whose criterion 8
// bound was raised, against OPA's interpreter on the shipped ones: only criterion 8 differs.
func TestCompareWorldsNamesDifferences(t *testing.T) {
	ctx := context.Background()
	fsys := copyPolicies(t, nil)
	data := string(fsys["data.yaml"].Data)
	edited := strings.Replace(data, "critical_hdi_below: 0.55", "critical_hdi_below: 0.65", 1)
	if edited == data {
		t.Fatal("data.yaml: critical_hdi_below: 0.55 not found")
	}
	fsys = copyPolicies(t, map[string]string{"data.yaml": edited})
	p, err := Load(fsys, "edited")
	if err != nil {
		t.Fatal(err)
	}
	got, err := PrepareEngine(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := Load(policies.FS, "policies")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Engine(ctx, shipped)
	if err != nil {
		t.Fatal(err)
	}
	want, err := engine.New(ctx, ps, engine.WithEvaluator(engine.EvaluatorOPA))
	if err != nil {
		t.Fatal(err)
	}
	a, err := compareWorlds(ctx, got, want, shippedLibrary(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Differ) == 0 {
		t.Fatal("no difference found")
	}
	verdicts := 0
	for _, d := range a.Differ {
		// Other policies, so another revision in every result; criterion 8 is the only
		// criterion whose verdict or reasons may differ.
		switch {
		case strings.Contains(d, ": criterion 8: "):
			if strings.Contains(d, " (compiled) vs ") {
				verdicts++
			}
		case !strings.HasSuffix(d, ": the results differ outside the criteria' verdicts and reasons"):
			t.Errorf("difference %q: want criterion 8 or the revision", d)
		}
	}
	if verdicts == 0 {
		t.Errorf("no verdict change of criterion 8 named in %q", a.Differ)
	}
}
