package server

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
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
