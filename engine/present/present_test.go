package present_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/internal/golden"
)

var (
	once sync.Once
	eng  *engine.Engine
	pr   *present.Presenter
	err0 error
)

func setup(t testing.TB) (*engine.Engine, *present.Presenter) {
	t.Helper()
	once.Do(func() {
		var p *policy.Set
		if p, err0 = policy.Embedded(); err0 != nil {
			return
		}
		if eng, err0 = engine.New(context.Background(), p); err0 != nil {
			return
		}
		pr, err0 = present.New(eng)
	})
	if err0 != nil {
		t.Fatal(err0)
	}
	return eng, pr
}

func TestPlurals(t *testing.T) {
	tests := []struct {
		lang string
		n    int
		key  string
		want string
	}{
		{"de", 1, "concern_signal", "1 bedenkliches Signal"},
		{"de", 2, "concern_signal", "2 bedenkliche Signale"},
		{"de", 0, "severe_signal", "0 schwerwiegende Signale"},
		{"de", 1, "severe_signal", "1 schwerwiegendes Signal"},
		{"en", 1, "concern_signal", "1 concern signal"},
		{"en", 5, "severe_signal", "5 severe signals"},
		{"de", 1, "country", "1 Land"},
		{"en", 1, "country", "1 country"},
		{"en", 197, "country", "197 countries"},
	}
	for _, tc := range tests {
		if got := present.Count(tc.lang, tc.n, tc.key); got != tc.want {
			t.Errorf("Count(%s, %d, %s) = %q, want %q", tc.lang, tc.n, tc.key, got, tc.want)
		}
	}
}

func TestNumbersAndDates(t *testing.T) {
	tests := []struct{ got, want string }{
		{present.Number("en", 0.837, 3), "0.837"},
		{present.Number("de", 0.837, 3), "0,837"},
		{present.Number("en", -1.5718048, 2), "−1.57"},
		{present.Number("de", -1.5718048, 2), "−1,57"},
		{present.Number("en", 12345.5, 1), "12,345.5"},
		{present.Number("de", 12345.5, 1), "12.345,5"},
		{present.Number("de", 1234, 0), "1234"},
		{present.Number("en", -0.001, 2), "0.00"},
		{present.Number("de", 4, -1), "4"},
		{present.Date("en", "2022-01"), "January 2022"},
		{present.Date("de", "2022-01"), "Januar 2022"},
		{present.Date("en", "2006-10-14"), "14 October 2006"},
		{present.Date("de", "2006-10-14"), "14. Oktober 2006"},
		{present.Date("de", "2022"), "2022"},
		{present.Date("en", "soon"), "soon"},
		{present.DateAt("en", "2022-01-01", "month"), "January 2022"},
		{present.DateAt("de", "2016-01-01", "year"), "2016"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

// TestDecisionLine: the line that ends a report, recorded or not, in text and Markdown.
func TestDecisionLine(t *testing.T) {
	id := "01a209df-94c4-7b86-87e3-843313333a42"
	tests := []struct{ got, want string }{
		{present.DecisionLine("en", id, false), "Decision ID: " + id + " (recorded in the audit log)"},
		{present.DecisionLine("de", id, true), "_Entscheidungs-ID: `" + id + "` (im Prüfprotokoll aufgezeichnet)_"},
		{present.DecisionLine("en", "", false), "Not recorded (dry run)."},
		{present.DecisionLine("de", "", true), "_Nicht aufgezeichnet (Probelauf)._"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestValuesTranslated(t *testing.T) {
	_, p := setup(t)
	tests := []struct {
		lang string
		v    engine.IndicatorValue
		want string
	}{
		{"en", engine.IndicatorValue{ID: "indices.fh_status", Value: "NF"}, "Not Free"},
		{"de", engine.IndicatorValue{ID: "indices.fh_status", Value: "NF"}, "nicht frei"},
		{"en", engine.IndicatorValue{ID: "memberships.att", Value: "party"}, "party"},
		{"de", engine.IndicatorValue{ID: "memberships.att", Value: "party"}, "Vertragspartei"},
		{"en", engine.IndicatorValue{ID: "indices.wgi_rule_of_law", Value: 1.5718048}, "1.57"},
		{"de", engine.IndicatorValue{ID: "indices.hdi", Value: 0.837}, "0,837"},
		{"en", engine.IndicatorValue{ID: "indices.pts", Value: 5.0}, "5"},
		{"en", engine.IndicatorValue{ID: "embargoes.UN", Value: true, Since: "2006-10-14", Addressee: "state"}, "in force since 14 October 2006 (state as a whole)"},
		{"de", engine.IndicatorValue{ID: "embargoes.EU", Value: true, Since: "2006-11-22", Addressee: "non_state"}, "in Kraft seit 22. November 2006 (nur nichtstaatliche Akteure)"},
	}
	for _, tc := range tests {
		if got := p.Value(tc.lang, tc.v); got != tc.want {
			t.Errorf("Value(%s, %s=%v) = %q, want %q", tc.lang, tc.v.ID, tc.v.Value, got, tc.want)
		}
	}
	if got := p.Name("de", "indices.hdi"); got != "Index der menschlichen Entwicklung (HDI)" {
		t.Errorf("Name = %q", got)
	}
	if got := p.OverallLabel("en", engine.DarkRed); got != "dark red (critical on 4 or more criteria)" {
		t.Errorf("OverallLabel = %q (the count comes from thresholds.overall)", got)
	}
}

func TestCite(t *testing.T) {
	tests := []struct {
		p    indicators.Provenance
		want string
	}{
		{indicators.Provenance{Source: "Freedom House, Freedom in the World 2024 (data year 2023), all-data workbook FIW13-25"}, "Freedom House, Freedom in the World 2024 (data year 2023), all-data workbook FIW13-25"},
		{indicators.Provenance{Source: "exportrisk curated table indicators/importers/curated/untc/XVIII-12-b.csv (UN Treaty Collection XVIII-12-b, list as of 2013-06-20)", CitedSource: "UN Treaty Collection status lists, as scraped by zmjones/untreaties (lists of 2006-2013)"}, "UN Treaty Collection, status of XVIII-12-b (list as of 2013-06-20)"},
		{indicators.Provenance{Source: "shared/data memberships_curated.csv (cwc list as of 2022-08)", CitedSource: "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)"}, "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018) (list as of 2022-08)"},
		{indicators.Provenance{Source: "exportrisk curated table indicators/importers/curated/att.csv (row as of 2026)"}, "UN Treaty Collection, status of XXVI-8 (Arms Trade Treaty) (as of 2026)"},
		{indicators.Provenance{Source: "bicc, Länderinformationen Kasachstan (Juni 2026), Tabelle 21", CitedSource: "UNDP"}, "UNDP (bicc, Länderinformationen Kasachstan (Juni 2026), Tabelle 21)"},
	}
	for _, tc := range tests {
		if got := present.Cite(tc.p); got != tc.want {
			t.Errorf("Cite(%q) = %q, want %q", tc.p.Source, got, tc.want)
		}
	}
}

// TestGermanNotes: the Kazakhstan reference has a German note wherever it has a note, and its
// German report shows them and no English one; a German report of a bundle whose notes are
// only in English marks each as English ("Anmerkung (englisch): …"), never as a plain
// "Anmerkung"; the English report is unchanged by note_de.
func TestGermanNotes(t *testing.T) {
	e, p := setup(t)
	kaz, err := indicators.LoadFile("../../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var provs []indicators.Provenance
	for id, v := range kaz.Indices {
		provs = append(provs, v.Provenance)
		if v.Note != "" && v.NoteDE == "" {
			t.Errorf("KAZ fixture: indices.%s has a note but no note_de", id)
		}
	}
	for id, v := range kaz.Memberships {
		provs = append(provs, v.Provenance)
		if v.Note != "" && v.NoteDE == "" {
			t.Errorf("KAZ fixture: memberships.%s has a note but no note_de", id)
		}
	}
	for _, v := range kaz.Embargoes {
		if v.Note != "" && v.NoteDE == "" {
			t.Errorf("KAZ fixture: embargo %s has a note but no note_de", v.Authority)
		}
	}
	for _, v := range kaz.Evidence {
		if v.Note != "" && v.NoteDE == "" {
			t.Errorf("KAZ fixture: evidence %s has a note but no note_de", v.ID)
		}
	}
	render := func(b *indicators.Bundle, lang string) string {
		a, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := p.Markdown(&out, a.Result, present.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(out.String()), " ")
	}
	de := render(kaz, "de")
	if strings.Contains(de, "englisch") {
		t.Error("KAZ German report shows a note marked English")
	}
	shown := 0
	for _, pv := range provs {
		if pv.Note == "" {
			continue
		}
		if strings.Contains(de, strings.Join(strings.Fields(present.MD(pv.NoteDE)), " ")) {
			shown++
		}
		if strings.Contains(de, strings.Join(strings.Fields(present.MD(pv.Note)), " ")) && pv.Note != pv.NoteDE {
			t.Errorf("KAZ German report shows the English note %q", pv.Note)
		}
	}
	if shown == 0 {
		t.Error("KAZ German report shows no German note")
	}
	english := *kaz
	english.Indices = map[string]indicators.Index{}
	for id, v := range kaz.Indices {
		v.NoteDE = ""
		english.Indices[id] = v
	}
	if en, en2 := render(kaz, "en"), render(&english, "en"); digest.ReplaceAllString(en, "") != digest.ReplaceAllString(en2, "") {
		t.Error("note_de changes the English report")
	}
	de = render(&english, "de")
	hdi := english.Indices["hdi"].Note
	if !strings.Contains(de, "Anmerkung (englisch): "+present.MD(hdi)) {
		t.Errorf("an English-only note in a German report is not marked as English: want %q in the report", "Anmerkung (englisch): "+hdi)
	}
	if strings.Contains(de, "Anmerkung: "+present.MD(hdi)) {
		t.Error("an English-only note in a German report is shown as a German one")
	}
}

// TestSourcesNamedOnce: every criterion of every shipped bundle (197 countries and the
// Kazakhstan reference) names each publication once in both languages, with every locator its
// values cite kept ("Tabelle 11" and "Tabelle 11 mit Kommentar" of one publication: one entry).
func TestSourcesNamedOnce(t *testing.T) {
	e, p := setup(t)
	bundles := enginetest.Shipped(t)
	if _, ok := bundles["curated/KAZ-2026-06-01.yaml"]; !ok || len(bundles) < 197 {
		t.Fatalf("want the 197 countries and the KAZ reference, got %d bundles", len(bundles))
	}
	merged := 0
	for name, b := range bundles {
		a, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, lang := range present.Languages {
			rep, err := p.Report(a.Result, lang)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range rep.Criteria {
				pubs := map[string]bool{}
				var provs []indicators.Provenance
				for _, r := range a.Result.Criteria[i].Reasons {
					for _, v := range r.Indicators {
						provs = append(provs, v.Provenance)
					}
					for _, ev := range r.Evidence {
						provs = append(provs, ev.Provenance)
					}
				}
				for _, pv := range provs {
					pubs[present.Publication(pv)] = true
				}
				if len(c.Sources) != len(pubs) {
					t.Errorf("%s %s criterion %d: %d publications cited, %d sources listed:\n%s", name, lang, c.Number, len(pubs), len(c.Sources), strings.Join(c.Sources, "\n"))
				}
				merged += len(provs) - len(c.Sources)
				for j, s := range c.Sources {
					for k, o := range c.Sources {
						if j != k && strings.HasPrefix(o, strings.TrimSuffix(s, ")")) {
							t.Errorf("%s %s criterion %d: source named twice:\n  %s\n  %s", name, lang, c.Number, s, o)
						}
					}
				}
				all := strings.Join(c.Sources, "\n")
				for _, pv := range provs {
					for _, l := range present.Locators(pv) {
						if !strings.Contains(all, l) {
							t.Errorf("%s %s criterion %d: locator %q of %q lost", name, lang, c.Number, l, present.Cite(pv))
						}
					}
				}
			}
		}
	}
	if merged == 0 {
		t.Error("no citation was merged: the test would pass without merging")
	}
}

var digest = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// internal matches what no human output may contain: bundle field paths and our file paths.
var internal = regexp.MustCompile(`\b(indices|memberships|embargoes)\.[A-Za-z_]+|indicators/importers|shared/data|\.csv\b|\.gen\.ts|<no value>|%!|map\[`)

// TestEveryCountryReadsAsAReport renders every shipped bundle and the synthetic ones in every
// text format and both languages, and checks the reviewer's list: no field path or internal file
// path, the deciding reason first, every verdict with its basis, notes shown, no insufficient-data
// verdict carrying a reason that supports a level, every message rendered.
func TestEveryCountryReadsAsAReport(t *testing.T) {
	e, p := setup(t)
	bundles := enginetest.Shipped(t)
	for name, b := range enginetest.Synthetic() {
		bundles["synthetic/"+name] = b
	}
	rendered := map[string]bool{}
	for name, b := range bundles {
		a, err := e.Assess(context.Background(), b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		res := a.Result
		for _, c := range res.Criteria {
			for _, r := range c.Reasons {
				rendered[r.Code] = true
				if c.Verdict == engine.InsufficientData && (r.Verdict == engine.Critical || r.Verdict == engine.PossiblyCritical) {
					t.Errorf("%s: criterion %d is insufficient_data but %s supports %s", name, c.Criterion, r.Code, r.Verdict)
				}
			}
		}
		for _, lang := range present.Languages {
			rep, err := p.Report(res, lang)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, c := range rep.Criteria {
				if len(c.Decided) == 0 {
					t.Errorf("%s %s: criterion %d (%s): no deciding reason", name, lang, c.Number, c.Verdict)
				}
				for _, r := range c.Decided {
					if r.Verdict != c.Verdict {
						t.Errorf("%s: criterion %d: deciding reason %s supports %s, verdict %s", name, c.Number, r.Code, r.Verdict, c.Verdict)
					}
				}
				if c.BasisLabel == "" || c.BasisLabel == c.Basis {
					t.Errorf("%s: criterion %d: basis %q not worded", name, c.Number, c.Basis)
				}
			}
			var out bytes.Buffer
			o := present.Options{Lang: lang}
			if err := p.Markdown(&out, res, o); err != nil {
				t.Fatal(err)
			}
			if err := p.Table(&out, res, o); err != nil {
				t.Fatal(err)
			}
			if err := p.Explain(&out, res, 2, o); err != nil { // Markdown has what every explain has
				t.Fatal(err)
			}
			text := out.String()
			if m := internal.FindString(text); m != "" {
				i := strings.Index(text, m)
				t.Errorf("%s %s: internal name %q in a report: …%s…", name, lang, m, text[max(0, i-80):min(len(text), i+80)])
			}
			for _, word := range []string{"published rule", "calibration default", "veröffentlichte Regel", "Kalibrierungsannahme"} {
				if strings.Contains(text, word) {
					goto basisShown
				}
			}
			t.Errorf("%s %s: no basis shown", name, lang)
		basisShown:
			flat := strings.Join(strings.Fields(text), " ")
			for _, c := range res.Criteria {
				for _, r := range c.Reasons {
					for _, v := range r.Indicators {
						// a long membership list is grouped; joined ones are listed by name only
						if len(r.Indicators) > 8 && v.Value == "party" {
							continue
						}
						n, _ := present.NoteIn(lang, v.Provenance)
						note := present.MD(n)
						if n != "" && !strings.Contains(flat, strings.Join(strings.Fields(note), " ")) {
							t.Errorf("%s %s: note of %s not shown: %q", name, lang, v.ID, n)
						}
					}
				}
			}
		}
	}
	var never []string
	for _, r := range e.Rules() {
		if !rendered[r.Code] {
			never = append(never, r.Code)
		}
	}
	if len(never) > 0 {
		t.Errorf("messages never rendered: %v", never)
	}
}

// TestMessagesGolden pins every message of the synthetic bundles in both languages
// (testdata/messages.golden; make golden rewrites it: read the diff).
func TestMessagesGolden(t *testing.T) {
	e, p := setup(t)
	bundles := enginetest.Synthetic()
	names := make([]string, 0, len(bundles))
	for n := range bundles {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		a, err := e.Assess(context.Background(), bundles[n])
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		res := a.Result
		fmt.Fprintf(&sb, "## %s\n", n)
		for _, c := range res.Criteria {
			fmt.Fprintf(&sb, "\n%d. %s / %s: %s (%s)\n", c.Criterion, c.Title.EN, c.Title.DE, c.Verdict, c.Basis)
			for i := range c.Reasons {
				r := &c.Reasons[i]
				en, err := p.Message("en", r)
				if err != nil {
					t.Fatal(err)
				}
				de, err := p.Message("de", r)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&sb, "- %s (%s, %s", r.Code, r.Verdict, r.Basis)
				if r.Signal != "" {
					fmt.Fprintf(&sb, ", %s", r.Signal)
				}
				fmt.Fprintf(&sb, ")\n  en: %s\n  de: %s\n", en, de)
			}
		}
		sb.WriteString("\n")
	}
	golden.Check(t, "testdata/messages.golden", []byte(sb.String()))
}

// TestReportsGolden: one reviewed report per format and language (Kazakhstan, the reference).
func TestReportsGolden(t *testing.T) {
	e, p := setup(t)
	b, err := indicators.LoadFile("../../fixtures/curated/KAZ-2026-06-01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Assess(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	res := a.Result
	for _, lang := range present.Languages {
		o := present.Options{Lang: lang, Bundle: "fixtures/curated/KAZ-2026-06-01.yaml", Explain: "--explain N"}
		for format, write := range map[string]func(*bytes.Buffer) error{
			"table":     func(w *bytes.Buffer) error { return p.Table(w, res, o) },
			"explain-2": func(w *bytes.Buffer) error { return p.Explain(w, res, 2, o) },
			"markdown":  func(w *bytes.Buffer) error { return p.Markdown(w, res, o) },
		} {
			var out bytes.Buffer
			if err := write(&out); err != nil {
				t.Fatal(err)
			}
			// digests change with every policy or fixture edit and say nothing about the wording
			golden.Check(t, "testdata/kaz-"+format+"-"+lang+".golden", []byte(digest.ReplaceAllString(out.String(), "sha256:<digest>")))
		}
	}
}
