package server

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/enginetest"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/engine/present"
)

// TestDecisionReport: GET /v1/decisions/{id}/report words a recorded decision with
// engine/present's JSON document and Markdown report (what assess --format json|markdown
// writes), in the language asked for, with the access and errors of GET /v1/decisions/{id}.
func TestDecisionReport(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
	if rec.Code != 201 {
		t.Fatalf("assess: %d %s", rec.Code, rec.Body.String())
	}
	id := decode[AssessmentJSON](t, rec).DecisionID
	rec = ts.do(t, "GET", "/v1/decisions/"+id, auditorToken, nil)
	r := decode[audit.RecordV1](t, rec)
	res, err := r.DecodeResult()
	if err != nil {
		t.Fatal(err)
	}
	pr, err := present.New(ts.Engine())
	if err != nil {
		t.Fatal(err)
	}

	// JSON: the document of assess --format json, the recorded decision's id.
	for _, q := range []string{"", "?format=json", "?format=json&lang=de"} {
		rec = ts.do(t, "GET", "/v1/decisions/"+id+"/report"+q, auditorToken, nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s %s", q, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
		doc, err := pr.Document(res)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer // as the CLI writes JSON: indented, no HTML escaping
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(present.Assessment{Document: doc, DecisionID: id, Recorded: true}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), rec.Body.String()); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", q, diff)
		}
	}

	// Markdown in each language: the report of assess --format markdown, ending with the id.
	for _, lang := range present.Languages {
		rec = ts.do(t, "GET", "/v1/decisions/"+id+"/report?format=markdown&lang="+lang, officerToken, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/markdown; charset=utf-8" || rec.Header().Get("Content-Language") != lang || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("markdown %s: %d %v %s", lang, rec.Code, rec.Header(), rec.Body.String())
		}
		var want bytes.Buffer
		if err := pr.Markdown(&want, res, present.Options{Lang: lang}); err != nil {
			t.Fatal(err)
		}
		want.WriteString("\n" + present.DecisionLine(lang, id, true) + "\n")
		if diff := cmp.Diff(want.String(), rec.Body.String()); diff != "" {
			t.Errorf("markdown %s (-want +got):\n%s", lang, diff)
		}
	}
	body := rec.Body.String() // German
	for _, want := range []string{"# Kasachstan (KAZ)", "Ausschlaggebend", "Anmerkung: Zeile „", "_Entscheidungs-ID: `" + id + "` (im Prüfprotokoll aufgezeichnet)_"} {
		if !strings.Contains(body, want) {
			t.Errorf("German Markdown report lacks %q", want)
		}
	}

	for _, tc := range []struct {
		target, token string
		status        int
		code          string
	}{
		{"/v1/decisions/" + id + "/report?format=pdf", auditorToken, 400, CodeInvalidRequest},
		{"/v1/decisions/" + id + "/report?format=markdown&lang=fr", auditorToken, 400, CodeInvalidRequest},
		{"/v1/decisions/" + id + "/report?locale=de", auditorToken, 400, CodeInvalidRequest},
		{"/v1/decisions/not-a-uuid/report", auditorToken, 400, CodeInvalidDecisionID},
		{"/v1/decisions/01a209df-94c4-7b86-87e3-843313333a42/report", auditorToken, 404, CodeUnknownDecision},
		{"/v1/decisions/" + id + "/report", "", 401, CodeUnauthorized},
	} {
		rec := ts.do(t, "GET", tc.target, tc.token, nil)
		if e := decode[ErrorBody](t, rec).Error; rec.Code != tc.status || e.Code != tc.code {
			t.Errorf("%s: %d %s (%s), want %d %s", tc.target, rec.Code, e.Code, e.Message, tc.status, tc.code)
		}
	}
}

// TestDecisionWordedByItsPolicies: after the server switches to policies that word a reason
// differently, a decision made before is still worded as its own (archived) policies word
// it, in the API report and on the decision page; a new decision has the new words.
func TestDecisionWordedByItsPolicies(t *testing.T) {
	ts := newTestServer(t, smallLibrary(t), nil)
	assess := func() string {
		rec := ts.do(t, "POST", "/v1/assessments", officerToken, strings.NewReader(`{"country": "KAZ"}`))
		if rec.Code != 201 {
			t.Fatalf("assess: %d %s", rec.Code, rec.Body.String())
		}
		return decode[AssessmentJSON](t, rec).DecisionID
	}
	const before, after = `Severe signal: Freedom House rates`, `Severe signal (reworded): Freedom House rates`
	old := assess()

	fsys := enginetest.Policies(t)
	c2 := string(fsys["criteria/c2/c2.rego"].Data)
	if !strings.Contains(c2, before) {
		t.Fatalf("c2.rego has no %q", before)
	}
	fsys["criteria/c2/c2.rego"].Data = []byte(strings.Replace(c2, before, after, 1))
	ps, err := policy.New(fsys, "reworded")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.Reload(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	current := assess()

	for _, tc := range []struct{ id, want, not string }{{old, before, after}, {current, after, before}} {
		report := ts.do(t, "GET", "/v1/decisions/"+tc.id+"/report?format=markdown", auditorToken, nil)
		page := ts.do(t, "GET", "/decisions/"+tc.id, auditorToken, nil)
		for _, got := range []*httptest.ResponseRecorder{report, page} {
			if body := html.UnescapeString(got.Body.String()); got.Code != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, tc.not) {
				t.Errorf("decision %s: %d, want %q and not %q in:\n%.400s", tc.id, got.Code, tc.want, tc.not, body)
			}
		}
	}
}
