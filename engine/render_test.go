package engine

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func embeddedEngine(t testing.TB) *Engine {
	t.Helper()
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// shippedBundles are the curated and world bundles of the fixtures.
func shippedBundles(t testing.TB) map[string]*indicators.Bundle {
	t.Helper()
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*indicators.Bundle{}
	for _, iso := range lib.Countries() {
		for _, e := range lib.Entries(iso) {
			if !sampleYears[e.AsOf[:4]] && !strings.HasPrefix(e.Path, "curated/") {
				continue
			}
			b, err := lib.Load(e)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Path] = b
		}
	}
	if len(out) < 4*190 {
		t.Fatalf("found %d shipped bundles, want the world of four years", len(out))
	}
	return out
}

// sampleYears are the years of the shipped history the engine tests read (every curated
// bundle too): the first, one in the middle and the last two, to keep the tests lean.
var sampleYears = map[string]bool{"2012": true, "2018": true, "2023": true, "2024": true}

func idx(v any, year int) indicators.Index {
	return indicators.Index{Value: v, Year: year, Provenance: indicators.Provenance{Source: "Test index source"}}
}

func member(status string) indicators.Membership {
	return indicators.Membership{Status: status, Provenance: indicators.Provenance{Source: "Test treaty source"}}
}

func members(status string, ids ...string) map[string]indicators.Membership {
	m := map[string]indicators.Membership{}
	for _, id := range ids {
		m[id] = member(status)
	}
	return m
}

func merge(ms ...map[string]indicators.Membership) map[string]indicators.Membership {
	out := map[string]indicators.Membership{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func event(id, date, category string, extra func(e *indicators.Evidence)) indicators.Evidence {
	e := indicators.Evidence{
		ID: id, Date: date, Category: category, Summary: "Test event " + id,
		Provenance: indicators.Provenance{Source: "Test evidence source"},
	}
	if extra != nil {
		extra(&e)
	}
	return e
}

var (
	conventions29 = []string{
		"geneva_protocol_1925", "ptbt", "outer_space", "npt", "seabed", "bwc", "enmod", "ccw", "cwc", "apmbc", "ccm", "att",
		"aircraft_seizure_1970", "protected_persons_1973", "hostages_1979", "nuclear_material_1980",
		"plastic_explosives_1991", "terrorist_bombings_1997", "terrorist_financing_1999", "nuclear_terrorism_2005",
		"untoc", "untoc_trafficking", "untoc_smuggling", "untoc_firearms",
		"genocide_convention", "geneva_conventions_1949", "additional_protocols_1977", "rome_statute", "uncac",
	}
	humanRights = []string{"cat", "iccpr", "icescr", "cerd", "cedaw", "crc"}
)

// syntheticBundles trigger the reason codes the shipped bundles do not reach: every
// critical and possibly critical rule, every pass and every no-data rule.
func syntheticBundles() map[string]*indicators.Bundle {
	base := func(iso, name string) *indicators.Bundle {
		return &indicators.Bundle{
			SchemaVersion: 1, AsOf: "2026-06-01",
			Country:     indicators.Country{ISO3: iso, NameEN: name, NameDE: name},
			Indices:     map[string]indicators.Index{},
			Memberships: map[string]indicators.Membership{},
			Embargoes:   []indicators.Embargo{},
			Evidence:    []indicators.Evidence{},
		}
	}
	yes, no := true, false

	empty := base("ZZA", "Empty")

	hot := base("ZZB", "Hot")
	hot.Embargoes = []indicators.Embargo{
		{Authority: "UN", InForce: true, Addressee: "state", Since: "2011-05-23", Unconfirmed: true, Provenance: indicators.Provenance{Source: "UNSC", CitedSource: "UN press release"}},
		{Authority: "EU", InForce: true, Addressee: "state", Since: "2012-01-02", Provenance: indicators.Provenance{Source: "EU sanctions map"}},
		{Authority: "EU", InForce: true, Addressee: "non_state", Since: "2013-03-04", Provenance: indicators.Provenance{Source: "EU sanctions map"}},
	}
	hot.Memberships = merge(
		members("not_party", conventions29[:12]...),
		members("signatory", conventions29[12:20]...),
		members("party", conventions29[20:]...),
		members("not_party", "hcoc", "wassenaar", "cat", "rome_statute", "iccpr"),
	)
	hot.Indices = map[string]indicators.Index{
		"fh_status": idx("NF", 2026), "pts": idx(5.0, 2025), "wgi_voice_accountability": idx(-1.52, 2024),
		"wgi_rule_of_law": idx(-0.25, 2024), "efw_military_interference": idx(2.75, 2023),
		"ucdp_gov_osv_years_5y": idx(3.0, 2025), "ucdp_internal_conflicts": idx(2.0, 2025),
		"ucdp_nonstate_conflicts": idx(1.0, 2025), "coups_20y": idx(2.0, 2025), "wgi_political_stability": idx(-1.8, 2024),
		"fsi_total": idx(101.5, 2025), "ucdp_interstate_conflicts": idx(1.0, 2025), "ucdp_international_conflicts_10y": idx(3.0, 2025),
		"ucdp_neighbour_conflicts": idx(4.0, 2025), "allied_forces_present": idx(true, 2025), "gdi_band": idx("F", 2020),
		"sats_barometer": idx(2.5, 2022), "att_bap_score": idx(4.0, 2021), "hdi": idx(0.451, 2023), "gmi_rank": idx(7.0, 2024),
		"milex_gdp": idx(6.5, 2024),
	}
	hot.Evidence = []indicators.Evidence{
		event("torture-1", "2025-03-01", "torture", func(e *indicators.Evidence) {
			e.ReportedBy, e.SummaryDE, e.CitedSource = "un_body", "Testereignis Folter", "UN Committee against Torture"
		}),
		event("repression-1", "2024-02-03", "lethal_repression", nil),
		event("unrest-1", "2023-04-05", "unrest", nil),
		event("emergency-1", "2023-04-06", "state_of_emergency", nil),
		event("clash-1", "2022-09-14", "border_clash", func(e *indicators.Evidence) { e.Counterpart = "KGZ" }),
		event("claim-1", "2024-01-01", "territorial_claim", nil),
		event("diversion-1", "2024-06-01", "diversion", func(e *indicators.Evidence) { e.ByState = &yes }),
		event("loss-1", "2001-07-08", "weapons_loss", func(e *indicators.Evidence) { e.ByState = &no }),
	}

	warm := base("ZZC", "Warm")
	warm.Embargoes = []indicators.Embargo{{Authority: "OSCE", InForce: true, Addressee: "non_state", Since: "1992-02-28", Provenance: indicators.Provenance{Source: "OSCE"}}}
	warm.Memberships = merge(
		members("party", conventions29...),
		members("not_party", "apmbc", "ccm", "ptbt", "seabed", "enmod", "npt", "bwc", "cwc"),
		members("party", humanRights...), members("party", "hcoc", "wassenaar"),
	)
	warm.Indices = map[string]indicators.Index{
		"fh_status": idx("PF", 2026), "pts": idx(3.0, 2025), "wgi_voice_accountability": idx(0.1, 2024), "wgi_rule_of_law": idx(0.4, 2024),
		"efw_military_interference": idx(5.25, 2023), "ucdp_internal_conflicts": idx(0.0, 2025),
		"allied_forces_present": idx(true, 2025), "fsi_total": idx(84.2, 2025), "gdi_band": idx("D", 2020),
		"sats_barometer": idx(8.5, 2022), "hdi": idx(0.712, 2023), "gmi_rank": idx(31.0, 2024), "milex_gdp": idx(2.1, 2024),
		"ucdp_interstate_conflicts": idx(0.0, 2025), "ucdp_neighbour_conflicts": idx(0.0, 2025),
	}

	calm := base("ZZD", "Calm")
	calm.Embargoes = []indicators.Embargo{
		{Authority: "UN", Provenance: indicators.Provenance{Source: "UNSC"}},
		{Authority: "EU", Provenance: indicators.Provenance{Source: "EU sanctions map", URL: "https://www.sanctionsmap.eu"}},
	}
	calm.Memberships = merge(members("party", conventions29...), members("party", humanRights...),
		members("party", "hcoc", "wassenaar"), members("not_party", "apmbc"))
	delete(calm.Memberships, "uncac")
	calm.Indices = map[string]indicators.Index{
		"fh_status": idx("F", 2026), "pts": idx(1.0, 2025), "wgi_voice_accountability": idx(1.2, 2024),
		"ucdp_internal_conflicts": idx(0.0, 2025), "ucdp_interstate_conflicts": idx(0.0, 2025), "ucdp_neighbour_conflicts": idx(0.0, 2025),
		"allied_forces_present": idx(true, 2025), "fsi_total": idx(40.5, 2025), "gdi_band": idx("B", 2020),
		"sats_barometer": idx(15.5, 2022), "att_bap_score": idx(12.0, 2021),
		"hdi": idx(0.712, 2023), "gmi_rank": idx(90.0, 2024), "milex_gdp": idx(1.25, 2024),
	}

	graded := base("ZZE", "Forces, no grading")
	graded.Indices = map[string]indicators.Index{"allied_forces_present": idx(true, 2025), "hdi": idx(0.9, 2023)}

	quiet := base("ZZF", "No forces")
	quiet.Indices = map[string]indicators.Index{"allied_forces_present": idx(false, 2025)}

	return map[string]*indicators.Bundle{"empty": empty, "hot": hot, "warm": warm, "calm": calm, "graded": graded, "quiet": quiet}
}

// TestEveryMessageRenders assesses the shipped bundles and the synthetic ones and requires that
// every reason code declared in METADATA is rendered at least once, in both languages, with
// every indicator path and evidence id expanded.
func TestEveryMessageRenders(t *testing.T) {
	e := embeddedEngine(t)
	if len(e.messages.codes) < 60 {
		t.Fatalf("%d reason codes declared in METADATA, want the default policies' 60 and more", len(e.messages.codes))
	}
	rendered := map[string]int{}
	check := func(name string, b *indicators.Bundle) {
		res, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		for _, c := range res.Criteria {
			for _, r := range c.Reasons {
				rendered[r.Code]++
				for lang, m := range map[string]string{"en": r.Message.EN, "de": r.Message.DE} {
					if strings.TrimSpace(m) == "" || strings.Contains(m, "<no value>") || strings.Contains(m, "%!") ||
						strings.Contains(m, "{{") || strings.Contains(m, "map[") || strings.Contains(m, "  ") {
						t.Errorf("%s: %s: message.%s is malformed: %q", name, r.Code, lang, m)
					}
				}
				if r.Indicators == nil || r.Evidence == nil {
					t.Errorf("%s: %s: indicators and evidence must be arrays", name, r.Code)
				}
			}
		}
	}
	for name, b := range shippedBundles(t) {
		check(name, b)
	}
	for name, b := range syntheticBundles() {
		check(name, b)
	}
	var never []string
	for code := range e.messages.codes {
		if rendered[code] == 0 {
			never = append(never, code)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Errorf("reason codes never rendered (add a synthetic bundle that triggers them): %v", never)
	}
	for code := range rendered {
		if e.messages.codes[code] == nil {
			t.Errorf("rendered code %s is not declared", code)
		}
	}
}

// TestMessagesGolden pins every message of the synthetic bundles in both languages
// (testdata/messages.golden; rewrite with -update and read the diff).
func TestMessagesGolden(t *testing.T) {
	e := embeddedEngine(t)
	bundles := syntheticBundles()
	names := make([]string, 0, len(bundles))
	for n := range bundles {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		res, err := e.Assess(context.Background(), bundles[n])
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		fmt.Fprintf(&sb, "## %s\n", n)
		for _, c := range res.Criteria {
			fmt.Fprintf(&sb, "\n%d. %s / %s: %s\n", c.Criterion, c.Title.EN, c.Title.DE, c.Verdict)
			for _, r := range c.Reasons {
				fmt.Fprintf(&sb, "- %s (%s", r.Code, r.Verdict)
				if r.Signal != "" {
					fmt.Fprintf(&sb, ", %s", r.Signal)
				}
				fmt.Fprintf(&sb, ")\n  en: %s\n  de: %s\n", r.Message.EN, r.Message.DE)
				for _, v := range r.Indicators {
					fmt.Fprintf(&sb, "  - %s = %v\n", v.ID, v.Value)
				}
				for _, ev := range r.Evidence {
					fmt.Fprintf(&sb, "  - evidence %s\n", ev.ID)
				}
			}
		}
		sb.WriteString("\n")
	}
	const golden = "testdata/messages.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -update)", err)
	}
	if diff := cmp.Diff(string(want), sb.String()); diff != "" {
		t.Errorf("messages differ from %s (-want +got):\n%s", golden, diff)
	}
}

func TestTemplateFunctions(t *testing.T) {
	lbl := &labels{
		names: map[string]map[string][2]string{
			"indices":     {"hdi": {"Human Development Index", "Index der menschlichen Entwicklung"}},
			"memberships": {"att": {"Arms Trade Treaty", "Vertrag über den Waffenhandel"}, "npt": {"NPT", "NVV"}},
			"embargoes":   {"OSCE": {"OSCE", "OSZE"}},
		},
		values: map[string]map[string][2]string{
			"memberships": {"signatory": {"signed", "unterzeichnet"}},
			"embargoes":   {"false": {"not in force", "nicht in Kraft"}},
		},
	}
	en, de := &language{labels: lbl}, &language{de: true, labels: lbl}
	hdi := IndicatorValue{ID: "indices.hdi", Value: 0.837, Year: 2023, Provenance: indicators.Provenance{Source: "BICC", CitedSource: "UNDP"}}
	att := IndicatorValue{ID: "memberships.att", Value: "signatory", Provenance: indicators.Provenance{Source: "UNODA"}}
	osce := IndicatorValue{ID: "embargoes.OSCE", Value: false, Provenance: indicators.Provenance{Source: "OSCE"}}
	ev := []indicators.Evidence{
		{ID: "a", Date: "2022-01-05", Summary: "Unrest", SummaryDE: "Unruhen", Provenance: indicators.Provenance{Source: "S"}},
		{ID: "b", Date: "2023-02-01", Summary: "Report", Provenance: indicators.Provenance{Source: "S", CitedSource: "HRW"}},
	}
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct{ got, want string }{
		{must(en.num(-1.25)), "-1.25"}, {must(de.num(-1.25)), "-1,25"}, {must(de.num(90)), "90"}, {must(de.num(4.0)), "4"},
		{must(en.date("2011-05-23")), "2011-05-23"}, {must(de.date("2011-05-23")), "23.05.2011"},
		{en.label("embargoes", "OSCE"), "OSCE"}, {de.label("embargoes", "OSCE"), "OSZE"}, {de.label("memberships", "no_such"), "no_such"},
		{must(de.names("memberships", []any{"npt", "att"})), "Vertrag über den Waffenhandel, NVV"},
		{must(en.names("memberships", []any{})), ""},
		{must(en.join([]any{"E", "F"}, ", ")), "E, F"}, {must(de.join([]any{2.5, 3}, "; ")), "2,5; 3"},
		{must(de.name(hdi)), "Index der menschlichen Entwicklung"},
		{must(en.value(hdi)), "0.837"}, {must(de.value(hdi)), "0,837"}, {must(de.value(att)), "unterzeichnet"},
		{must(en.value(osce)), "not in force"},
		{must(en.cite(hdi)), "2023; UNDP (BICC)"}, {must(en.cite(att)), "UNODA"},
		{must(source(hdi)), "UNDP (BICC)"}, {must(source(ev[1])), "HRW (S)"},
		{must(sources([]IndicatorValue{hdi, att, osce})), "BICC; OSCE; UNDP; UNODA"},
		{must(en.values([]IndicatorValue{hdi, att})), "Human Development Index: 0.837 (2023; UNDP (BICC)); Arms Trade Treaty: signed (UNODA)"},
		{must(de.values(map[string]IndicatorValue{"npt": att, "att": hdi})), "Index der menschlichen Entwicklung: 0,837 (2023; UNDP (BICC)); Vertrag über den Waffenhandel: unterzeichnet (UNODA)"},
		{must(de.values(map[string]IndicatorValue(nil))), ""},
		{must(en.items(ev)), "2022-01-05: Unrest (S); 2023-02-01: Report (HRW (S))"},
		{must(de.items(ev)), "05.01.2022: Unruhen (S); 01.02.2023: Report (HRW (S))"},
		{must(plural(1, "conflict", "conflicts")), "conflict"}, {must(plural(2.0, "conflict", "conflicts")), "conflicts"},
		{must(plural(IndicatorValue{Value: 1.0}, "Konflikt", "Konflikte")), "Konflikt"},
		{must(plural(IndicatorValue{Value: 0.0}, "Konflikt", "Konflikte")), "Konflikte"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
	for name, err := range map[string]error{
		"num":    second(en.num("x")),
		"date":   second(en.date("2011")),
		"names":  second(en.names("memberships", "att")),
		"join":   second(en.join("E", ", ")),
		"value":  second(en.value("x")),
		"source": second(source(1)),
		"values": second(en.values([]string{"x"})),
		"items":  second(en.items(hdi)),
		"plural": second(plural("x", "a", "b")),
	} {
		if err == nil {
			t.Errorf("%s with a wrong argument: no error", name)
		}
	}
}

func second(_ string, err error) error { return err }

// TestContractErrors: a reason the engine cannot present is an error of the assessment.
func TestContractErrors(t *testing.T) {
	e := embeddedEngine(t)
	b := syntheticBundles()["hot"]
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
		"reserved var":    {rawReason{code: "C8-NO-DATA", verdict: "insufficient_data", vars: map[string]any{"indices": 1}}, 8, "vars.indices: the name is reserved"},
		"missing var":     {rawReason{code: "C3-PTS", verdict: "possibly_critical", vars: map[string]any{}, indicators: []string{"indices.fsi_total"}}, 3, "render message.en"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			bb := b
			if name == "unknown path" {
				bb = syntheticBundles()["empty"]
			}
			_, err := e.messages.render(tc.n, &tc.r, &bundleIndex{b: bb}, &strings.Builder{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestNewRejectsBadMetadata: New fails on a template that does not parse, a duplicate code,
// an unknown verdict or a missing message.
func TestNewRejectsBadMetadata(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	c8 := string(p.Files["criteria/c8/c8.rego"])
	tests := map[string]struct{ old, new, want string }{
		"template":  {"{{num .limit}};", "{{num .limit};", "C8-HDI-HIGH: custom.message.en: template:"},
		"function":  {"{{num .limit}};", "{{nope .limit}};", `function "nope" not defined`},
		"duplicate": {"code: C8-MILEX-HIGH", "code: C8-MILITARISED", "custom.code C8-MILITARISED is already declared at criteria/c8/c8.rego"},
		"verdict":   {"code: C8-MILEX-HIGH\n#   verdict: possibly_critical", "code: C8-MILEX-HIGH\n#   verdict: high", "C8-MILEX-HIGH: custom.verdict: want critical"},
		"message":   {"#     de: >-\n#       Hohe Militärausgaben", "#     fr: >-\n#       Hohe Militärausgaben", "C8-MILEX-HIGH: custom.message.de is missing or empty"},
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
			ps, err := LoadPolicies(mfs, "test")
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
	p, err := Embedded()
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
			syntheticBundles()["empty"], `criterion 8: reason code "C8-NOPE" is not declared`,
		},
		"path not in the bundle": {
			`{"limit": _t.hdi_below}, ["indices.hdi"]`, `{"limit": _t.hdi_below}, ["indices.hdi", "indices.gmi_rank"]`,
			syntheticBundles()["graded"], "C8-HDI-HIGH: indicators[1]: indices.gmi_rank: the bundle has no such value",
		},
		"evidence id not in the bundle": {
			noData, `r := reason.make(rego.metadata.chain(), {}, [], ["nope"])` + "\n}\n",
			syntheticBundles()["empty"], `C8-NO-DATA: evidence[0]: "nope": the bundle has no evidence item`,
		},
		"template error": {
			"{{num .limit}};", "{{num .hdi_limit}};",
			syntheticBundles()["graded"], `C8-HDI-HIGH: render message.en: template: C8-HDI-HIGH.en:1:`,
		},
		"builtin error": {
			"_rateable if bundle.indices.hdi\n", "_rateable if to_number(bundle.indices.hdi.value) > to_number(\"high\")\n",
			syntheticBundles()["graded"], `evaluate policies: criteria/c8/c8.rego`,
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
			ps, err := LoadPolicies(fstestMap(files), "test")
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
