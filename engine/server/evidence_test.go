package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// evidenceServer is a test server whose evidence register is an empty directory (returned),
// on 6 December 2026.
func evidenceServer(t *testing.T) (*testServer, *EvidenceRegister, string) {
	t.Helper()
	dir := t.TempDir()
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	reg, err := evidence.Load(os.DirFS(dir), dir, now)
	if err != nil {
		t.Fatal(err)
	}
	ev := &EvidenceRegister{Current: evidence.NewCurrent(reg), Dir: dir, Now: func() time.Time { return now }}
	return newTestServer(t, smallLibrary(t).WithEvidence(ev.Current), func(c *Config) { c.Evidence = ev }), ev, dir
}

// TestEvidenceFourEyes: an item proposed by one policy token does not count until a
// second person approves it; the proposer cannot approve it, an auditor cannot propose;
// after approval the country's assessment shows the item, and both steps are evidence
// events of the audit log, which verifies; a proposal waiting survives a restart.
func TestEvidenceFourEyes(t *testing.T) {
	ts, ev, dir := evidenceServer(t)

	form := url.Values{"country": {"KAZ"}, "category": {"torture"}, "date": {"2023-06"}, "reported_by": {"un_body"},
		"source": {"UN Committee against Torture, test finding"}, "url": {"https://example.org/cat/kaz"},
		"quote": {"The Committee is concerned about reports of torture."}, "summary": {"CAT concerned about torture (test)."}}

	// An auditor may not propose.
	if rec := ts.do(t, "POST", "/evidence/proposals", auditorToken, strings.NewReader(form.Encode())); rec.Code != http.StatusForbidden {
		t.Fatalf("auditor proposes: %d", rec.Code)
	}
	// A malformed item is refused with the problem, and nothing is kept.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("url", "not a url")
	rec := ts.do(t, "POST", "/evidence/proposals", policyToken, strings.NewReader(bad.Encode()))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "items[0].url: want an http(s) URL") {
		t.Fatalf("bad item: %d %s", rec.Code, rec.Body.String())
	}
	// Described as the API describes it: by field path, not by the server's register file.
	if body := rec.Body.String(); strings.Contains(body, dir) || strings.Contains(body, "KAZ.yaml") {
		t.Fatalf("the refusal shows the server's register file: %s", body)
	}
	// paul (policy) proposes.
	rec = ts.do(t, "POST", "/evidence/proposals", policyToken, strings.NewReader(form.Encode()))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
	}
	id := strings.TrimPrefix(rec.Header().Get("Location"), "/evidence/proposals/")
	if id != "kaz-2023-06-01-torture" {
		t.Fatalf("proposal id %q", id)
	}
	counted := func() bool {
		rec := ts.do(t, "GET", "/v1/countries/KAZ?as_of=2023-12-31", officerToken, nil)
		return strings.Contains(rec.Body.String(), `"C2-TORTURE"`)
	}
	if counted() {
		t.Fatal("the proposed item counts before approval")
	}
	// The pages pass the accessibility checks of every page, in both languages.
	for _, target := range []string{"/evidence", "/evidence?lang=de", "/evidence/proposals/" + id, "/evidence/proposals/" + id + "?lang=de"} {
		checkAccessible(t, ts.do(t, "GET", target, policyToken, nil).Body.String())
	}
	// The proposal page shows the impact; the proposer gets no approve button.
	page := ts.do(t, "GET", "/evidence/proposals/"+id, policyToken, nil).Body.String()
	for _, want := range []string{"The Committee is concerned about reports of torture.", `id="impact"`, `id="own"`, "<dd>June 2023</dd>"} {
		if !strings.Contains(page, want) {
			t.Errorf("proposal page lacks %q", want)
		}
	}
	// The proposer cannot approve; an auditor cannot either.
	if rec := ts.do(t, "POST", "/evidence/proposals/"+id+"/approve", policyToken, nil); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "second person") {
		t.Fatalf("proposer approves: %d %s", rec.Code, rec.Body.String())
	}
	if rec := ts.do(t, "POST", "/evidence/proposals/"+id+"/approve", auditorToken, nil); rec.Code != http.StatusForbidden {
		t.Fatalf("auditor approves: %d", rec.Code)
	}
	if counted() {
		t.Fatal("the item counts after refused approvals")
	}
	// olivia (officer) approves: the item counts.
	if rec := ts.do(t, "POST", "/evidence/proposals/"+id+"/approve", officerToken, nil); rec.Code != http.StatusSeeOther ||
		rec.Header().Get("Location") != "/countries/KAZ" {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
	}
	if !counted() {
		t.Fatal("the approved item does not count")
	}
	data, err := os.ReadFile(dir + "/KAZ.yaml")
	if err != nil || !strings.Contains(string(data), `approved_by: "olivia"`) || !strings.Contains(string(data), `added_by: "paul"`) {
		t.Fatalf("register file: %v\n%s", err, data)
	}
	// Approving again finds nothing waiting.
	if rec := ts.do(t, "POST", "/evidence/proposals/"+id+"/approve", policyToken, nil); rec.Code != http.StatusNotFound {
		t.Errorf("second approval: %d", rec.Code)
	}
	events, err := (&audit.EvidenceLog{Store: ts.store}).Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" "+e.ProposalID+" by "+e.By+" ("+e.Role+")")
	}
	want := "proposed kaz-2023-06-01-torture by paul (policy); approved kaz-2023-06-01-torture by olivia (officer)"
	if strings.Join(got, "; ") != want {
		t.Errorf("events: %q", strings.Join(got, "; "))
	}
	if events[1].RegisterBefore != "" || events[1].RegisterAfter != ev.Current.Load().File("KAZ").Revision || events[1].ProposedBy != "paul" {
		t.Errorf("approval event: %+v", events[1])
	}
	// The API lists the events apart from decisions.
	if body := ts.do(t, "GET", "/v1/decisions?kind=evidence_event", auditorToken, nil).Body.String(); strings.Count(body, `"kind": "evidence_event"`) != 2 {
		t.Errorf("GET /v1/decisions?kind=evidence_event: %s", body)
	}
	if rep, err := audit.Verify(context.Background(), ts.store, audit.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}

	// A second proposal waits; a server started again on the same audit log still has it.
	form.Set("date", "2024")
	form.Set("quote", "The Committee remains concerned.")
	if rec := ts.do(t, "POST", "/evidence/proposals", policyToken, strings.NewReader(form.Encode())); rec.Code != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
	}
	again, err := New(context.Background(), Config{Engine: ts.cfg.Engine, Library: ts.cfg.Library, Store: ts.store, EngineVersion: "test",
		Tokens: testTokens, Evidence: ev, Logger: ts.cfg.Logger, AccessLog: ts.cfg.Logger})
	if err != nil {
		t.Fatal(err)
	}
	if p := again.workflow.Pending(); len(p) != 1 || p[0].Item.ID != "kaz-2024-01-01-torture" || p[0].ProposedBy != "paul" {
		t.Fatalf("pending after a restart: %+v", p)
	}
}

// TestEvidenceAPI: the workflow through the JSON API — propose, list, impact, the proposer
// cannot approve, a second person does; another proposal is withdrawn by its proposer; a
// malformed item is refused with every problem; every step is an evidence event.
func TestEvidenceAPI(t *testing.T) {
	ts, ev, _ := evidenceServer(t)
	item := `{"country": "kaz", "category": "torture", "date": "2023-06", "reported_by": "un_body",
		"source": "UN Committee against Torture, test finding", "url": "https://example.org/cat/kaz",
		"quote": "The Committee is concerned about reports of torture.", "summary": "CAT concerned about torture (test)."}`

	bad := strings.Replace(strings.Replace(item, `"https://example.org/cat/kaz"`, `"ftp://x"`, 1), `"un_body"`, `"blog"`, 1)
	rec := ts.do(t, "POST", "/v1/evidence/proposals", policyToken, strings.NewReader(bad))
	if e := decode[ErrorBody](t, rec); rec.Code != http.StatusUnprocessableEntity || e.Error.Code != CodeInvalidEvidence || len(e.Error.Problems) != 2 {
		t.Fatalf("bad item: %d %s", rec.Code, rec.Body.String())
	}
	if rec := ts.do(t, "POST", "/v1/evidence/proposals", policyToken, strings.NewReader(`{"country": "KAZ", "colour": "red"}`)); rec.Code != http.StatusBadRequest ||
		decode[ErrorBody](t, rec).Error.Code != CodeUnknownField {
		t.Errorf("unknown field: %d %s", rec.Code, rec.Body.String())
	}
	rec = ts.do(t, "POST", "/v1/evidence/proposals", policyToken, strings.NewReader(item))
	p := decode[ProposalJSON](t, rec)
	if rec.Code != http.StatusCreated || p.ID != "kaz-2023-06-01-torture" || rec.Header().Get("Location") != "/v1/evidence/proposals/"+p.ID ||
		p.ProposedBy != "paul" || p.Item.DatePrecision != "month" {
		t.Fatalf("propose: %d %s", rec.Code, rec.Body.String())
	}
	if l := decode[ProposalList](t, ts.do(t, "GET", "/v1/evidence/proposals", auditorToken, nil)); len(l.Proposals) != 1 || l.Proposals[0].ID != p.ID {
		t.Errorf("list: %+v", l)
	}
	one := decode[ProposalJSON](t, ts.do(t, "GET", "/v1/evidence/proposals/"+p.ID, officerToken, nil))
	if one.Impact == nil || (!one.Impact.Changed() && one.Impact.ReasonsOnly == 0) {
		t.Errorf("impact: %+v %s", one.Impact, one.ImpactError)
	}
	if rec := ts.do(t, "POST", "/v1/evidence/proposals/"+p.ID+"/approve", policyToken, nil); rec.Code != http.StatusForbidden ||
		!strings.Contains(rec.Body.String(), "second person") {
		t.Fatalf("proposer approves: %d %s", rec.Code, rec.Body.String())
	}
	rec = ts.do(t, "POST", "/v1/evidence/proposals/"+p.ID+"/approve", officerToken, nil)
	if d := decode[DecisionOnProposal](t, rec); rec.Code != http.StatusOK || d.Action != "approved" || d.By != "olivia" ||
		d.RegisterRevision != ev.Current.Load().File("KAZ").Revision || d.Proposal.Item.ApprovedBy != "olivia" {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body.String())
	}
	if rec := ts.do(t, "GET", "/v1/evidence/proposals/"+p.ID, officerToken, nil); rec.Code != http.StatusNotFound {
		t.Errorf("approved proposal still waiting: %d", rec.Code)
	}
	// A second proposal, withdrawn by its proposer with a reason.
	second := strings.Replace(strings.Replace(item, `"2023-06"`, `"2024"`, 1), "reports of torture", "torture in custody", 1)
	p2 := decode[ProposalJSON](t, ts.do(t, "POST", "/v1/evidence/proposals", policyToken, strings.NewReader(second)))
	rec = ts.do(t, "POST", "/v1/evidence/proposals/"+p2.ID+"/reject", policyToken, strings.NewReader(`{"reason": "duplicate of an approved item"}`))
	if d := decode[DecisionOnProposal](t, rec); rec.Code != http.StatusOK || d.Action != "rejected" || d.Reason != "duplicate of an approved item" {
		t.Fatalf("reject: %d %s", rec.Code, rec.Body.String())
	}
	if l := decode[ProposalList](t, ts.do(t, "GET", "/v1/evidence/proposals", auditorToken, nil)); len(l.Proposals) != 0 {
		t.Errorf("after the rejection: %+v", l)
	}
	events, err := (&audit.EvidenceLog{Store: ts.store}).Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" "+e.ProposalID+" by "+e.By+" "+e.Reason)
	}
	want := []string{"proposed kaz-2023-06-01-torture by paul ", "approved kaz-2023-06-01-torture by olivia ",
		"proposed kaz-2024-01-01-torture by paul ", "rejected kaz-2024-01-01-torture by paul duplicate of an approved item"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
