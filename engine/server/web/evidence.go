package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// The evidence register's pages: the proposals waiting and the form to propose an item
// (GET/POST /evidence), a proposal with what it would change, and the buttons to approve
// or reject it. The four-eyes workflow itself (who may approve, the audit log's evidence
// events, swapping the register) is the server's: Evidence.

// Evidence is the evidence register and its four-eyes workflow as the pages use it.
type Evidence interface {
	// Register returns the register in force, whether it takes proposals, and those
	// waiting; an Error if the server has no register.
	Register() (reg *evidence.Register, writable bool, pending []evidence.Proposal, err *Error)
	// Proposal returns a proposal waiting and what it would change (or why that cannot be
	// computed).
	Proposal(ctx context.Context, id string) (p evidence.Proposal, rep *impact.Report, impactErr string, err *Error)
	// Propose checks a proposal from the form and records it by user; the error says what
	// is wrong with it.
	Propose(ctx context.Context, f EvidenceForm, by *User) (evidence.Proposal, error)
	// Approve approves a proposal as by: the item counts from now on.
	Approve(ctx context.Context, id string, by *User) (evidence.Proposal, *Error)
	// Reject rejects (or, by its proposer, withdraws) a proposal, for the reason given.
	Reject(ctx context.Context, id, reason string, by *User) *Error
}

// evidenceTexts are the evidence pages' texts by language.
var evidenceTexts = map[string]map[string]string{
	"en": {
		"title": "Evidence register", "pending": "Proposals waiting for a second person", "none_pending": "No proposal is waiting.",
		"propose": "Propose an item", "propose_note": "An item counts only after a second person (another policy token or an officer) approves it.",
		"country": "Country (ISO3)", "category": "Category", "date": "Date (YYYY-MM-DD, YYYY-MM or YYYY)", "published": "Published on (YYYY-MM-DD, if later than the date; optional)", "reported_by": "Reported by",
		"source": "Source title", "url": "URL of the public source", "quote": "Quote: the sentence the item rests on, verbatim",
		"summary": "Summary (English)", "summary_de": "Summary (German, optional)", "submit": "Propose",
		"proposed_by": "proposed by", "items": "items in force for", "countries": "countries", "readonly": "This server's register is read-only: no proposals can be made.",
		"approve": "Approve: the item counts from now on", "own": "You proposed this item: a second person must approve it.",
		"cannot_approve": "Your role cannot approve items.", "impact": "What it would change",
		"no_change": "No verdict of this country's bundles changes.", "as_of": "as of", "criterion": "criterion", "overall": "overall",
		"proposal": "Proposal", "back": "All proposals", "not_counted": "Not counted yet: waiting for approval.",
		"reject": "Reject: the item will not count", "withdraw": "Withdraw the proposal", "reason": "Reason (recorded in the audit log)",
	},
	"de": {
		"title": "Belegregister", "pending": "Vorschläge, die auf eine zweite Person warten", "none_pending": "Kein Vorschlag wartet.",
		"propose": "Beleg vorschlagen", "propose_note": "Ein Beleg zählt erst, wenn eine zweite Person (ein anderes Policy-Token oder ein Officer) ihn freigibt.",
		"country": "Land (ISO3)", "category": "Kategorie", "date": "Datum (JJJJ-MM-TT, JJJJ-MM oder JJJJ)", "published": "Veröffentlicht am (JJJJ-MM-TT, falls später als das Datum; optional)", "reported_by": "Berichtet von",
		"source": "Titel der Quelle", "url": "URL der öffentlichen Quelle", "quote": "Zitat: der Satz, auf dem der Beleg beruht, wörtlich",
		"summary": "Zusammenfassung (Englisch)", "summary_de": "Zusammenfassung (Deutsch, optional)", "submit": "Vorschlagen",
		"proposed_by": "vorgeschlagen von", "items": "gültige Belege für", "countries": "Länder", "readonly": "Das Register dieses Servers ist schreibgeschützt: Vorschläge sind nicht möglich.",
		"approve": "Freigeben: der Beleg zählt ab jetzt", "own": "Sie haben diesen Beleg vorgeschlagen: eine zweite Person muss ihn freigeben.",
		"cannot_approve": "Ihre Rolle kann Belege nicht freigeben.", "impact": "Was er ändern würde",
		"no_change": "Keine Bewertung der Datensätze dieses Landes ändert sich.", "as_of": "Stand", "criterion": "Kriterium", "overall": "Gesamt",
		"proposal": "Vorschlag", "back": "Alle Vorschläge", "not_counted": "Zählt noch nicht: wartet auf Freigabe.",
		"reject": "Ablehnen: der Beleg zählt nicht", "withdraw": "Vorschlag zurückziehen", "reason": "Grund (wird im Prüfprotokoll festgehalten)",
	},
}

// EvidenceForm is the proposal form's fields (the API's proposal request has the same).
type EvidenceForm struct {
	Country, Category, Date, Published, ReportedBy, Source, URL, Quote, Summary, SummaryDE string
}

type evidenceData struct {
	L          map[string]string
	Pending    []evidence.Proposal
	Items      int
	Countries  int
	CanPropose bool
	ReadOnly   bool
	Categories []string
	Reporters  []string
	Form       EvidenceForm
	Err        string
}

func (ps *Pages) evidenceData(v *Viewer) (*evidenceData, *Error) {
	reg, writable, pending, aerr := ps.cfg.Evidence.Register()
	if aerr != nil {
		return nil, aerr
	}
	d := &evidenceData{L: evidenceTexts[evidenceLang(v)], Items: reg.Len(), Countries: len(reg.Countries()),
		ReadOnly: !writable, CanPropose: writable && v.User != nil && v.User.CanPropose,
		Categories: indicators.EvidenceCategories, Reporters: indicators.Reporters, Pending: pending}
	return d, nil
}

func evidenceLang(v *Viewer) string {
	if v.Lang == "de" {
		return "de"
	}
	return "en"
}

// Evidence is GET /evidence: the proposals waiting and, for policy staff, the form.
func (ps *Pages) Evidence(w http.ResponseWriter, r *http.Request, v *Viewer) {
	d, aerr := ps.evidenceData(v)
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	ps.render(w, http.StatusOK, ps.newPage(r, v, "evidence", d.L["title"], d))
}

// Propose is POST /evidence/proposals: keep a proposal (nothing counts yet).
func (ps *Pages) Propose(w http.ResponseWriter, r *http.Request, v *Viewer) {
	d, aerr := ps.evidenceData(v)
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d.Form = EvidenceForm{Country: strings.ToUpper(f("country")), Category: f("category"), Date: f("date"), Published: f("published"), ReportedBy: f("reported_by"),
		Source: f("source"), URL: f("url"), Quote: f("quote"), Summary: f("summary"), SummaryDE: f("summary_de")}
	p, err := ps.cfg.Evidence.Propose(r.Context(), d.Form, v.User)
	if err != nil {
		d.Err = err.Error()
		pg := ps.newPage(r, v, "evidence", d.L["title"], d)
		for l := range pg.LangURL { // the language links lead back to the form's page
			pg.LangURL[l] = "/evidence?lang=" + l
		}
		ps.render(w, http.StatusUnprocessableEntity, pg)
		return
	}
	http.Redirect(w, r, "/evidence/proposals/"+p.Item.ID, http.StatusSeeOther)
}

type proposalData struct {
	L          map[string]string
	P          evidence.Proposal
	Date       string // the item's date at its precision, in the page's language
	Impact     *impact.Report
	ImpactErr  string
	CanApprove bool
	Own        bool
}

// Proposal is GET /evidence/proposals/{id}: the item and which verdicts it would change
// (impact.Evidence, the machinery of policy impact).
func (ps *Pages) Proposal(w http.ResponseWriter, r *http.Request, v *Viewer) {
	p, rep, impactErr, aerr := ps.cfg.Evidence.Proposal(r.Context(), r.PathValue("id"))
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	d := &proposalData{L: evidenceTexts[evidenceLang(v)], P: p, Own: strings.EqualFold(p.ProposedBy, v.name()),
		Date:       present.DateAt(evidenceLang(v), p.Item.Date, p.Item.DatePrecision),
		CanApprove: v.User != nil && v.User.CanApprove, Impact: rep, ImpactErr: impactErr}
	ps.render(w, http.StatusOK, ps.newPage(r, v, "evidence_proposal", d.L["proposal"]+" "+p.Item.ID, d))
}

// Approve is POST /evidence/proposals/{id}/approve: a second person approves; the item
// enters the register and counts from now on.
func (ps *Pages) Approve(w http.ResponseWriter, r *http.Request, v *Viewer) {
	p, aerr := ps.cfg.Evidence.Approve(r.Context(), r.PathValue("id"), v.User)
	if aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	http.Redirect(w, r, "/countries/"+p.Country, http.StatusSeeOther)
}

// Reject is POST /evidence/proposals/{id}/reject: the proposal is dropped, with the reason
// given; the item never counts.
func (ps *Pages) Reject(w http.ResponseWriter, r *http.Request, v *Viewer) {
	if aerr := ps.cfg.Evidence.Reject(r.Context(), r.PathValue("id"), strings.TrimSpace(r.PostFormValue("reason")), v.User); aerr != nil {
		ps.Error(w, r, v, aerr)
		return
	}
	http.Redirect(w, r, "/evidence", http.StatusSeeOther)
}
