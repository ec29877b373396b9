package engine

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/indicators"
)

func embeddedEngine(t testing.TB) *Engine {
	t.Helper()
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryCodeFires assesses the shipped bundles and the synthetic ones and requires that every
// reason code declared in METADATA fires at least once, with its basis and every indicator path
// and evidence id expanded. (package present renders every message: TestEveryMessageRenders.)
func TestEveryCodeFires(t *testing.T) {
	e := embeddedEngine(t)
	if len(e.rules) < 60 {
		t.Fatalf("%d reason codes declared in METADATA, want the default policies' 60 and more", len(e.rules))
	}
	fired := map[string]int{}
	check := func(name string, b *indicators.Bundle) {
		a, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		res := a.Result
		if res.Contract != ResultContract {
			t.Errorf("%s: contract %d, want %d", name, res.Contract, ResultContract)
		}
		for _, c := range res.Criteria {
			if c.Basis != Published && c.Basis != CalibrationDefault {
				t.Errorf("%s: criterion %d: basis %q", name, c.Criterion, c.Basis)
			}
			for _, r := range c.Reasons {
				fired[r.Code]++
				if r.Basis != e.rules[r.Code].Basis || r.Vars == nil {
					t.Errorf("%s: %s: basis %q (METADATA %q), vars %v", name, r.Code, r.Basis, e.rules[r.Code].Basis, r.Vars)
				}
				if r.Indicators == nil || r.Evidence == nil {
					t.Errorf("%s: %s: indicators and evidence must be arrays", name, r.Code)
				}
			}
		}
	}
	for name, b := range enginetest.Shipped(t) {
		check(name, b)
	}
	for name, b := range enginetest.Synthetic() {
		check(name, b)
	}
	var never []string
	for code := range e.rules {
		if fired[code] == 0 {
			never = append(never, code)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Errorf("reason codes that never fire (add a synthetic bundle that triggers them): %v", never)
	}
}

// TestContractErrors: a reason the engine cannot present is an error of the assessment.
func TestContractErrors(t *testing.T) {
	e := embeddedEngine(t)
	b := enginetest.Synthetic()["hot"]
	tests := map[string]struct {
		r    rawReason
		n    int
		want string
	}{
		"unknown code":    {rawReason{code: "C1-NOPE", verdict: "critical"}, 1, `reason code "C1-NOPE" is not declared`},
		"wrong criterion": {rawReason{code: "C2-PASS", verdict: "not_critical", vars: map[string]any{}}, 3, "reason of criterion 3 is declared in criteria.c2"},
		"wrong verdict":   {rawReason{code: "C8-NO-DATA", verdict: "critical"}, 8, `says verdict "critical"`},
		"unknown path":    {rawReason{code: "C3-PTS", verdict: "possibly_critical", vars: map[string]any{"limit": 3}, indicators: []string{"indices.pts"}}, 3, "indices.pts: the bundle has no such value"},
		"bad section":     {rawReason{code: "C3-PTS", verdict: "possibly_critical", indicators: []string{"pts"}}, 3, `"pts": want a path`},
		"ambiguous":       {rawReason{code: "C1-EMBARGO-STATE", verdict: "critical", indicators: []string{"embargoes.EU"}}, 1, "several records for EU"},
		"unknown item":    {rawReason{code: "C3-UNREST", verdict: "possibly_critical", vars: map[string]any{"years": 5}, evidence: []string{"nope"}}, 3, `"nope": the bundle has no evidence item`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			bb := b
			if name == "unknown path" {
				bb = enginetest.Synthetic()["empty"]
			}
			_, err := e.reason(tc.n, &tc.r, &bundleIndex{b: bb})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestNewRejectsBadMetadata: New fails on a duplicate code, an unknown verdict or basis, or a
// missing message (package present parses the messages).
func TestNewRejectsBadMetadata(t *testing.T) {
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c8 := string(p.Files["criteria/c8/c8.rego"])
	tests := map[string]struct{ old, new, want string }{
		"duplicate": {"code: C8-MILEX-HIGH", "code: C8-MILITARISED", "custom.code C8-MILITARISED is already declared at criteria/c8/c8.rego"},
		"verdict":   {"code: C8-MILEX-HIGH\n#   verdict: possibly_critical", "code: C8-MILEX-HIGH\n#   verdict: high", "C8-MILEX-HIGH: custom.verdict: want critical"},
		"message":   {"#     de: >-\n#       Hohe Militärausgaben", "#     fr: >-\n#       Hohe Militärausgaben", "C8-MILEX-HIGH: custom.message.en and custom.message.de must both be given"},
		"basis":     {"code: C8-MILEX-HIGH\n#   verdict: possibly_critical\n#   basis: calibration_default", "code: C8-MILEX-HIGH\n#   verdict: possibly_critical\n#   basis: ours", "C8-MILEX-HIGH: custom.basis: want published or calibration_default"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(c8, tc.old) {
				t.Fatalf("criteria/c8/c8.rego has no %q", tc.old)
			}
			files := map[string][]byte{}
			for k, v := range p.Files {
				files[k] = v
			}
			files["criteria/c8/c8.rego"] = []byte(strings.Replace(c8, tc.old, tc.new, 1))
			mfs := fstestMap(files)
			ps, err := policy.New(mfs, "test")
			if err != nil {
				t.Fatal(err)
			}
			_, err = New(context.Background(), ps)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestTitlesHaveNoNumber: titles come without a "Criterion N:" prefix in both languages;
// the reports add the number.
func TestTitlesHaveNoNumber(t *testing.T) {
	for _, c := range embeddedEngine(t).Criteria() {
		for _, title := range []string{c.Title.EN, c.Title.DE} {
			if strings.HasPrefix(title, "Criterion") || strings.HasPrefix(title, "Kriterium") || slices.Contains([]byte(title), ':') {
				t.Errorf("criterion %d: title %q should not carry a number or prefix", c.Number, title)
			}
		}
	}
}

func fstestMap(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: v}
	}
	return m
}

// TestAssessContractErrors: policies whose reasons the engine cannot present, or whose
// evaluation hits a builtin error, fail the assessment instead of dropping a reason.
func TestAssessContractErrors(t *testing.T) {
	p, err := policy.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c8 := string(p.Files["criteria/c8/c8.rego"])
	noData := "r := reason.make(rego.metadata.chain(), {}, [], [])\n}\n"
	tests := map[string]struct {
		old, new string
		bundle   *indicators.Bundle
		want     string
	}{
		"unknown code": {
			noData, `r := {"code": "C8-NOPE", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}` + "\n}\n",
			enginetest.Synthetic()["empty"], `criterion 8: reason code "C8-NOPE" is not declared`,
		},
		"path not in the bundle": {
			`{"limit": _t.hdi_below}, ["indices.hdi"]`, `{"limit": _t.hdi_below}, ["indices.hdi", "indices.gmi_rank"]`,
			enginetest.Synthetic()["graded"], "C8-HDI-HIGH: indicators[1]: indices.gmi_rank: the bundle has no such value",
		},
		"evidence id not in the bundle": {
			noData, `r := reason.make(rego.metadata.chain(), {}, [], ["nope"])` + "\n}\n",
			enginetest.Synthetic()["empty"], `C8-NO-DATA: evidence[0]: "nope": the bundle has no evidence item`,
		},
		"builtin error": {
			"_rateable if bundle.indices.hdi\n", "_rateable if to_number(bundle.indices.hdi.value) > to_number(\"high\")\n",
			enginetest.Synthetic()["graded"], `evaluate policies: criteria/c8/c8.rego`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(c8, tc.old) {
				t.Fatalf("criteria/c8/c8.rego has no %q", tc.old)
			}
			files := map[string][]byte{}
			for k, v := range p.Files {
				files[k] = v
			}
			files["criteria/c8/c8.rego"] = []byte(strings.Replace(c8, tc.old, tc.new, 1))
			ps, err := policy.New(fstestMap(files), "test")
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(context.Background(), ps)
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Assess(context.Background(), tc.bundle)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestIndicatorExpansion: a reason's indicator paths expand to the bundle's values with their
// provenance.
func TestIndicatorExpansion(t *testing.T) {
	prov := indicators.Provenance{Source: "src", URL: "u"}
	x := &bundleIndex{b: &indicators.Bundle{
		Indices:     map[string]indicators.Index{"hdi": {Value: 0.8, Year: 2023, Provenance: prov}},
		Memberships: map[string]indicators.Membership{"att": {Status: "party", Year: 2014, Provenance: prov}},
		Embargoes: []indicators.Embargo{
			{Authority: "UN", InForce: false, Provenance: prov},
			{Authority: "EU", InForce: true, Addressee: "non_state", Since: "2014-07-31", Unconfirmed: true, Provenance: prov},
		},
	}}
	for path, want := range map[string]IndicatorValue{
		"indices.hdi":            {ID: "indices.hdi", Value: 0.8, Year: 2023, Provenance: prov},
		"memberships.att":        {ID: "memberships.att", Value: "party", Year: 2014, Provenance: prov},
		"embargoes.UN":           {ID: "embargoes.UN", Value: false, Provenance: prov},
		"embargoes.EU":           {ID: "embargoes.EU", Value: true, Addressee: "non_state", Since: "2014-07-31", Unconfirmed: true, Provenance: prov},
		"embargoes.EU.non_state": {ID: "embargoes.EU", Ref: "embargoes.EU.non_state", Value: true, Addressee: "non_state", Since: "2014-07-31", Unconfirmed: true, Provenance: prov},
	} {
		got, err := x.indicator(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
	for _, path := range []string{"indices.gdp", "embargoes.OSCE", "embargoes.EU.state", "treaties.att"} {
		if _, err := x.indicator(path); err == nil {
			t.Errorf("%s: no error", path)
		}
	}
}
