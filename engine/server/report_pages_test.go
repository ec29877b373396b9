package server

import (
	"fmt"
	"html"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

// TestDecisionPagesReadAsReports: the decision page carries the reasons and, for print, the
// decision id, policy revision and input digest on every page; the list is newest first
// with readable times and country names; German pages have no English labels left.
func TestDecisionPagesReadAsReports(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	var ids []string
	for _, body := range []string{`{"country": "KAZ", "case_ref": "AG-1"}`, `{"country": "DEU"}`, `{"country": "RUS"}`} {
		rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(body))
		ids = append(ids, decode[AssessmentJSON](t, rec).DecisionID)
	}
	get := func(target, lang string) string {
		t.Helper()
		rec := ts.do(t, "GET", target, officerToken, nil, "Accept-Language", lang)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", target, rec.Code)
		}
		checkAccessible(t, rec.Body.String())
		return rec.Body.String()
	}

	body := get("/decisions/"+ids[0], "en")
	for _, want := range []string{
		`<h1>Kazakhstan <span class="iso">(KAZ)</span></h1>`,
		`<section class="criterion" id="c2"`, // the reasons, criterion by criterion
		`C2-FH-NOT-FREE`,
		`<div class="print-foot" aria-hidden="true">Decision ` + ids[0] + ` · Policy revision sha256:`,
		` · Input digest sha256:`,
		`(14 files archived)`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the decision page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<dd>\d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d UTC</dd>`).MatchString(body) {
		t.Error("the decision page gives no readable recording time")
	}

	body = get("/decisions", "en")
	var order []string
	for _, m := range regexp.MustCompile(`<a href="/decisions/([0-9a-f-]+)">`).FindAllStringSubmatch(body, -1) {
		order = append(order, m[1])
	}
	if len(order) != 3 || order[0] != ids[2] || order[2] != ids[0] {
		t.Errorf("the list is not newest first: %v (recorded %v)", order, ids)
	}
	for _, want := range []string{`>Russia</a> <code>RUS</code>`, `>Germany</a>`, ` UTC</time>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the decision list lacks %q", want)
		}
	}

	de := get("/decisions/"+ids[0]+"?lang=de", "de")
	for _, want := range []string{`(Sachbearbeitung)`, `schwerwiegendes Signal`, `Ausschlaggebend`, `Grundlage: Kalibrierungsannahme`, `Entscheidung ` + ids[0] + ` · Regelstand`, `Kasachstan`, `(14 Dateien archiviert)`} {
		if !strings.Contains(de, want) {
			t.Errorf("the German decision page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<dd>\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ 20\d\d, \d\d:\d\d UTC</dd>`).MatchString(de) {
		t.Error("the German decision page gives no German recording time")
	}
	for _, english := range []string{"(officer)", "Decision ", "Policy revision", "Input digest", "Recorded"} {
		if strings.Contains(de, english) {
			t.Errorf("the German decision page says %q", english)
		}
	}
	deList := get("/decisions?lang=de", "de")
	for _, want := range []string{`>Russland</a>`, `<option value="dark_red">dunkelrot</option>`, `<option value="critical">kritisch</option>`} {
		if !strings.Contains(deList, want) {
			t.Errorf("the German decision list lacks %q", want)
		}
	}
}

// TestNewestDecisionsPages walks the decision list page by page, newest first.
func TestNewestDecisionsPages(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	for range 5 {
		ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "DEU"}`))
	}
	ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
	f, _ := decisionFilter(nil, 2)
	f.Country = "DEU"
	var seqs []int64
	var toSeq int64
	for range 5 {
		list, more, err := ts.newestDecisions(t.Context(), f, toSeq)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			seqs = append(seqs, s.Seq)
		}
		if !more || len(list) == 0 {
			break
		}
		toSeq = list[len(list)-1].Seq - 1
	}
	if got := fmt.Sprint(seqs); got != "[5 4 3 2 1]" {
		t.Errorf("DEU decisions page by page: %s, want [5 4 3 2 1]", got)
	}
}

// TestPagesNameNoFieldPaths: the country pages of the countries the issue names, in both
// languages, show indicators by name: no bundle field path (indices.pts) and none of our
// file paths in the text a reader sees.
func TestPagesNameNoFieldPaths(t *testing.T) {
	ts := newTestServer(t, historyLibrary(t, true), nil)
	tags := regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)
	fieldPath := regexp.MustCompile(`\b(indices|memberships|embargoes)\.[A-Za-z_]|importers/curated|shared/data`)
	for _, iso := range []string{"KAZ", "PRK", "NLD", "EGY", "TUV", "UKR", "MLI"} {
		for _, lang := range []string{"en", "de"} {
			rec := ts.do(t, "GET", "/countries/"+iso+"?lang="+lang, officerToken, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s %s: %d", iso, lang, rec.Code)
			}
			text := tags.ReplaceAllString(rec.Body.String(), " ")
			if m := fieldPath.FindAllString(text, 5); len(m) > 0 {
				i := fieldPath.FindStringIndex(text)
				t.Errorf("%s (%s) shows field or file paths %q: …%s…", iso, lang, m, text[max(0, i[0]-80):min(len(text), i[1]+80)])
			}
		}
	}
}

// TestPagesShowMeaningsInTheirLanguage: the country page explains each index in the page's
// language, in the indicator table (the note begins with the meaning) and in "what is
// missing" (the meaning beside the name); a German page gives no English meaning of the
// catalog.
func TestPagesShowMeaningsInTheirLanguage(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	indexRow := regexp.MustCompile(`<tr><th scope="row">([^<]*)</th><td class="num">.*?<td class="note">([^<]*)</td></tr>`)
	missingRow := regexp.MustCompile(`<tr><th scope="row">([^<]*) <span class="note">([^<]*)</span></th>`)
	// meanings are the row names and their notes or meanings on a page, unescaped.
	meanings := func(iso, lang string) (map[string]string, map[string]string) {
		t.Helper()
		rec := ts.do(t, "GET", "/countries/"+iso+"?lang="+lang, officerToken, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d", iso, lang, rec.Code)
		}
		rows := func(re *regexp.Regexp) map[string]string {
			m := map[string]string{}
			for _, r := range re.FindAllStringSubmatch(rec.Body.String(), -1) {
				m[html.UnescapeString(r[1])] = html.UnescapeString(r[2])
			}
			return m
		}
		return rows(indexRow), rows(missingRow)
	}
	tests := []struct {
		iso, lang string
		missing   bool   // the row of "what is missing", else of the indicator table
		row       string // the indicator's display name
		want      string // the meaning (a note goes on with the bundle's own note)
	}{
		{"KAZ", "de", false, "Freedom-House-Status", "Freedom-House-Status: frei, teilweise frei, nicht frei"},
		{"KAZ", "de", false, "Rang im Globalen Militarisierungsindex", "Rang im Globalen Militarisierungsindex (1 = am stärksten militarisiert)"},
		{"KAZ", "de", false, "Nachbarländer mit bewaffnetem Konflikt (UCDP)", "Nachbarländer mit gemeinsamer Landgrenze und einem aktiven bewaffneten Konflikt im Datenjahr. "},
		{"KAZ", "en", false, "Freedom House status", "Freedom House status: Free, Partly Free, Not Free. "},
		{"RUS", "de", false, "Political Terror Scale", "Political Terror Scale (5 = schlechtester Wert)"},
		{"RUS", "de", false, "Putschversuche in den letzten 20 Jahren", "Putschversuche in den letzten zwanzig Jahren (Powell & Thyne)"},
		{"RUS", "de", true, "Government-Defence-Integrity-Stufe", "Stufe im Government Defence Integrity Index (A = beste, F = schlechteste)"},
		{"RUS", "en", true, "Government Defence Integrity band", "Government Defence Integrity band (A best, F worst)"},
	}
	for _, tc := range tests {
		t.Run(tc.iso+"/"+tc.lang+"/"+tc.row, func(t *testing.T) {
			ind, miss := meanings(tc.iso, tc.lang)
			rows := ind
			if tc.missing {
				rows = miss
			}
			got, ok := rows[tc.row]
			if !ok {
				t.Fatalf("no row %q (indicator table %q, missing %q)", tc.row, slices.Sorted(maps.Keys(ind)), slices.Sorted(maps.Keys(miss)))
			}
			if !tc.missing {
				got = got[:min(len(got), len(tc.want))]
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("meaning of %q (-want +got):\n%s", tc.row, d)
			}
		})
	}
	// An index the policies do not label is named by its meaning, not by its id, and the
	// meaning is not said twice.
	for _, lang := range []string{"de", "en"} {
		ind, miss := meanings("KAZ", lang)
		want := present.Meaning(lang, "indices.milex_usd_m")
		if _, ok := ind[want]; !ok {
			t.Errorf("KAZ (%s): no indicator row named %q: %q", lang, want, slices.Sorted(maps.Keys(ind)))
		}
		for _, rows := range []map[string]string{ind, miss} {
			for row, note := range rows {
				if note == row || strings.HasPrefix(note, row+". ") {
					t.Errorf("KAZ (%s): the row %q repeats its name as its meaning: %q", lang, row, note)
				}
				if _, ok := indicators.IndexByID(row); ok {
					t.Errorf("KAZ (%s): a row is named by the index id %q", lang, row)
				}
			}
		}
	}
	for _, iso := range []string{"KAZ", "DEU", "RUS"} {
		ind, miss := meanings(iso, "de")
		for _, rows := range []map[string]string{ind, miss} {
			for row, note := range rows {
				for _, spec := range indicators.Indices {
					if note == spec.Meaning || strings.HasPrefix(note, spec.Meaning+". ") {
						t.Errorf("%s (de): the row %q gives the English meaning %q", iso, row, spec.Meaning)
					}
				}
			}
		}
	}
}
