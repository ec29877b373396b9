package engine

import (
	"bytes"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/plan"
	"github.com/exportrisk/exportrisk/indicators"
)

// TestInputValueMatchesCanonicalJSON: the input Assess builds from the bundle struct is the
// AST value of the bundle's canonical JSON, as AssessInput of a recorded input (replay) reads it, for every
// shipped bundle, the test bundles, and bundles with absent sections and unusual values.
func TestInputValueMatchesCanonicalJSON(t *testing.T) {
	var bundles []*indicators.Bundle
	for _, b := range enginetest.Shipped(t) {
		bundles = append(bundles, b)
	}
	for _, f := range []string{"full.yaml", "minimal.yaml", "minimal.json"} {
		b, err := indicators.LoadFile("../indicators/testdata/valid/" + f)
		if err != nil {
			t.Fatal(err)
		}
		bundles = append(bundles, b)
	}
	yes := true
	bundles = append(bundles,
		&indicators.Bundle{SchemaVersion: 1, AsOf: "2026-01-01"}, // every section nil
		&indicators.Bundle{
			SchemaVersion: 1, AsOf: "2026-01-01", Description: "<&> \u2028 \"quoted\" \x01",
			Indices: map[string]indicators.Index{
				"hdi": {Value: 1e-7, Year: 2020}, "gmi_score": {Value: 1e22}, "pts": {Value: 4.0},
				"fh_status": {Value: "NF"}, "allied_forces_present": {Value: false}, "x": {Value: nil},
			},
			Memberships: map[string]indicators.Membership{"att": {Status: "party"}},
			Embargoes:   []indicators.Embargo{{Authority: "UN", InForce: true, Addressee: "state", Since: "2020-01-01", Unconfirmed: true}},
			Evidence: []indicators.Evidence{{
				ID: "a", ByState: &yes, Figures: map[string]int{"deaths": 3, "cases": 0},
				Provenance: indicators.Provenance{Source: "s", CitedSource: "c", URL: "u", Note: "n"},
			}, {ID: "b", Figures: map[string]int{}, DatePrecision: "month", Quote: "q", AddedBy: "x", AddedOn: "2025-01-01", ApprovedBy: "y"}},
			EvidenceRegister: &indicators.RegisterRef{Revision: "sha256:00", Items: []string{"b"}},
		},
		&indicators.Bundle{SchemaVersion: 1, AsOf: "2026-01-01", EvidenceRegister: &indicators.RegisterRef{}},
	)
	for _, b := range bundles {
		canonical, err := b.CanonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want, err := ast.ValueFromReader(bytes.NewReader(canonical))
		if err != nil {
			t.Fatal(err)
		}
		got, err := inputValue(b)
		if err != nil {
			t.Fatalf("%s: %v", b.Country.ISO3, err)
		}
		if got.String() != want.String() {
			t.Errorf("%s %s: input differs from the canonical JSON:\n got %.2000s\nwant %.2000s", b.Country.ISO3, b.AsOf, got, want)
		}
		// The compiled evaluator's input, built from the bundle, is the canonical JSON's too.
		gotPlan, err := planInput(b)
		if err != nil {
			t.Fatalf("%s: %v", b.Country.ISO3, err)
		}
		wantPlan, err := plan.FromAST(want)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := plan.AppendJSON(nil, gotPlan), plan.AppendJSON(nil, wantPlan); plan.Compare(gotPlan, wantPlan) != 0 || !bytes.Equal(g, w) {
			t.Errorf("%s %s: compiled input differs from the canonical JSON:\n got %.2000s\nwant %.2000s", b.Country.ISO3, b.AsOf, g, w)
		}
	}
}
