package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// The evidence register on the server: policy staff propose an item (GET/POST /evidence),
// a second person — another policy token or an officer, never the proposer — approves it
// (POST /evidence/proposals/{id}/approve), and only then does it count: the register file
// is written, the register in force swapped, and the world overview recomputed. Every
// step is an evidence event of the audit log (audit.EvidenceLog: the same Merkle tree and
// checkpoints as the decisions), which is also where the proposals waiting are read back
// from when the server starts; and a line of the server log.

// Access to the evidence routes (auth.go's allows knows them).
const (
	accessPropose access = iota + 100 // policy
	accessApprove                     // officer, policy; never the proposer (checked by the handler)
)

// EvidenceRegister is the register the server's Library merges (Current) and the
// directory approved items are written to ("": the register is read-only, no proposals).
type EvidenceRegister struct {
	Current *evidence.Current
	Dir     string
	Now     func() time.Time // nil: time.Now
}

func init() { pageNames = append(pageNames, "evidence", "evidence_proposal") }

// evidenceRoutes are the routes of this file; routeTable lists them.
func (s *Server) evidenceRoutes() []route {
	return []route{
		{"GET", "/evidence", accessRead, true, s.pageEvidence},
		{"POST", "/evidence/proposals", accessPropose, true, s.pageEvidencePropose},
		{"GET", "/evidence/proposals/{id}", accessRead, true, s.pageEvidenceProposal},
		{"POST", "/evidence/proposals/{id}/approve", accessApprove, true, s.pageEvidenceApprove},
		{"POST", "/evidence/proposals/{id}/reject", accessApprove, true, s.pageEvidenceReject},
		{"GET", "/v1/evidence/proposals", accessRead, false, s.apiProposals},
		{"POST", "/v1/evidence/proposals", accessPropose, false, s.apiPropose},
		{"GET", "/v1/evidence/proposals/{id}", accessRead, false, s.apiProposal},
		{"POST", "/v1/evidence/proposals/{id}/approve", accessApprove, false, s.apiApprove},
		{"POST", "/v1/evidence/proposals/{id}/reject", accessApprove, false, s.apiReject},
	}
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

type evidenceForm struct {
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
	Form       evidenceForm
	Err        string
}

func (s *Server) now() time.Time {
	if ev := s.cfg.Evidence; ev != nil && ev.Now != nil {
		return ev.Now()
	}
	return time.Now()
}

func (s *Server) evidenceData(rc *reqCtx) (*evidenceData, *APIError) {
	ev := s.cfg.Evidence
	if ev == nil || ev.Current == nil {
		return nil, apiErr(http.StatusNotFound, CodeNotFound, "this server has no evidence register")
	}
	reg := ev.Current.Load()
	d := &evidenceData{L: evidenceTexts[evidenceLang(rc)], Items: reg.Len(), Countries: len(reg.Countries()),
		ReadOnly: s.workflow == nil, CanPropose: s.workflow != nil && accessPropose.allows(rc.p.Role),
		Categories: indicators.EvidenceCategories, Reporters: indicators.Reporters}
	if s.workflow != nil {
		d.Pending = s.workflow.Pending()
	}
	return d, nil
}

func evidenceLang(rc *reqCtx) string {
	if rc.lang == "de" {
		return "de"
	}
	return "en"
}

// pageEvidence is GET /evidence: the proposals waiting and, for policy staff, the form.
func (s *Server) pageEvidence(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	d, aerr := s.evidenceData(rc)
	if aerr != nil {
		s.errorPage(w, r, rc, aerr)
		return
	}
	s.render(w, http.StatusOK, s.newPage(r, rc, "evidence", d.L["title"], d))
}

// pageEvidencePropose is POST /evidence/proposals: keep a proposal (nothing counts yet).
func (s *Server) pageEvidencePropose(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if !checkCSRF(r, rc.sess) {
		s.errorPage(w, r, rc, apiErr(http.StatusForbidden, CodeForbidden, "the form has expired or did not come from this site; reload the page and try again"))
		return
	}
	d, aerr := s.evidenceData(rc)
	if aerr != nil {
		s.errorPage(w, r, rc, aerr)
		return
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	d.Form = evidenceForm{Country: strings.ToUpper(v("country")), Category: v("category"), Date: v("date"), Published: v("published"), ReportedBy: v("reported_by"),
		Source: v("source"), URL: v("url"), Quote: v("quote"), Summary: v("summary"), SummaryDE: v("summary_de")}
	fail := func(err error) {
		d.Err = err.Error()
		pg := s.newPage(r, rc, "evidence", d.L["title"], d)
		for l := range pg.LangURL { // the language links lead back to the form's page
			pg.LangURL[l] = "/evidence?lang=" + l
		}
		s.render(w, http.StatusUnprocessableEntity, pg)
	}
	p, err := s.proposeEvidence(r.Context(), d.Form, rc.p)
	if err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/evidence/proposals/"+p.Item.ID, http.StatusSeeOther)
}

// eventLog records the workflow's events in the audit store as decisions are recorded:
// none once the server has stopped recording (shutdown waits for those under way), and
// whatever the client does meanwhile.
type eventLog struct {
	s   *Server
	log *audit.EvidenceLog
}

func (l eventLog) RecordEvent(ctx context.Context, ev evidence.Event) error {
	l.s.recMu.RLock()
	defer l.s.recMu.RUnlock()
	if l.s.recClosed {
		return errShuttingDown
	}
	return l.log.RecordEvent(context.WithoutCancel(ctx), ev)
}

func (l eventLog) Events(ctx context.Context) ([]evidence.Event, error) { return l.log.Events(ctx) }

// errRequest is a proposal field that cannot be read (the API answers 400; a register
// validation error is 422).
type errRequest struct{ error }

// proposeEvidence checks a proposal (from the form or the API) and records it by p.
func (s *Server) proposeEvidence(ctx context.Context, f evidenceForm, p Principal) (evidence.Proposal, error) {
	if s.workflow == nil {
		return evidence.Proposal{}, evidence.ErrNotWriteable
	}
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	if !iso3Pattern.MatchString(f.Country) {
		return evidence.Proposal{}, errRequest{fmt.Errorf("country: want an ISO 3166-1 alpha-3 code such as EGY (got %q)", f.Country)}
	}
	date, precision, err := evidence.ParseDate(f.Date)
	if err != nil {
		return evidence.Proposal{}, errRequest{fmt.Errorf("date: %w", err)}
	}
	e := indicators.Evidence{Date: date, DatePrecision: precision, Published: f.Published, Category: f.Category, ReportedBy: f.ReportedBy,
		Summary: f.Summary, SummaryDE: f.SummaryDE, Quote: f.Quote,
		Provenance: indicators.Provenance{Source: f.Source, URL: f.URL}}
	prop, err := s.workflow.Propose(ctx, s.cfg.Evidence.Current.Load(), f.Country, e, p.Name, string(p.Role), s.now())
	if err != nil {
		return prop, err
	}
	s.cfg.Logger.Info("evidence proposed", "item", prop.Item.ID, "country", prop.Country, "by", p.Name)
	return prop, nil
}

// approveEvidence approves a proposal as p: the item enters the register, which is swapped;
// the bundles merged with the old one are dropped and the world overview recomputed.
func (s *Server) approveEvidence(ctx context.Context, id string, p Principal) (evidence.Proposal, *evidence.Register, error) {
	if s.workflow == nil {
		return evidence.Proposal{}, nil, evidence.ErrNoProposal
	}
	ev := s.cfg.Evidence
	// One approval at a time: the register read here is the one the item is added to.
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	next, prop, err := s.workflow.Approve(ctx, ev.Current.Load(), id, p.Name, string(p.Role), s.now())
	if err != nil {
		return prop, nil, err
	}
	ev.Current.Store(next)
	s.bundles.Range(func(k, _ any) bool { s.bundles.Delete(k); return true })
	if err := s.setEngine(ctx, s.Engine()); err != nil {
		s.cfg.Logger.Error("evidence approved, but the world overview could not be recomputed", "item", prop.Item.ID, "err", err)
	}
	s.cfg.Logger.Info("evidence approved", "item", prop.Item.ID, "country", prop.Country, "by", p.Name, "proposed_by", prop.ProposedBy)
	return prop, next, nil
}

// rejectEvidence records that p rejected (or, as its proposer, withdrew) a proposal.
func (s *Server) rejectEvidence(ctx context.Context, id, reason string, p Principal) (evidence.Proposal, error) {
	if s.workflow == nil {
		return evidence.Proposal{}, evidence.ErrNoProposal
	}
	prop, err := s.workflow.Reject(ctx, s.cfg.Evidence.Current.Load(), id, p.Name, string(p.Role), reason, s.now())
	if err != nil {
		return prop, err
	}
	s.cfg.Logger.Info("evidence rejected", "item", prop.Item.ID, "country", prop.Country, "by", p.Name, "proposed_by", prop.ProposedBy)
	return prop, nil
}

// evidenceErr answers a workflow error.
func evidenceErr(err error) *APIError {
	var verr *indicators.ValidationError
	var rerr errRequest
	switch {
	case errors.Is(err, evidence.ErrSamePerson):
		return apiErr(http.StatusForbidden, CodeForbidden, "%v", err)
	case errors.Is(err, evidence.ErrNoProposal):
		return proposalErr(err)
	case errors.Is(err, evidence.ErrNotWriteable):
		return apiErr(http.StatusNotFound, CodeNotFound, "this server takes no evidence proposals (its register is read-only)")
	case errors.Is(err, errShuttingDown):
		return apiErr(http.StatusServiceUnavailable, CodeShuttingDown, "the server is shutting down; nothing was recorded")
	case errors.As(err, &rerr):
		return apiErr(http.StatusBadRequest, CodeInvalidRequest, "%v", err)
	case errors.As(err, &verr) && len(verr.Problems) > 0:
		// Paths, not lines: the lines are those of the server's register file with the item
		// appended, which the client has not seen (and whose location is not its business).
		e := &APIError{Status: http.StatusUnprocessableEntity, Code: CodeInvalidEvidence}
		for _, p := range verr.Problems {
			e.Problems = append(e.Problems, Problem{Path: p.Path, Message: p.Message})
		}
		e.Message = fmt.Sprintf("the item fails the register's validation: %d problem(s), the first: %s: %s",
			len(verr.Problems), verr.Problems[0].Path, verr.Problems[0].Message)
		return e
	}
	return apiErr(http.StatusUnprocessableEntity, CodeInvalidEvidence, "%v", err)
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

// pageEvidenceProposal is GET /evidence/proposals/{id}: the item and which verdicts it
// would change (impact.Evidence, the machinery of policy impact).
func (s *Server) pageEvidenceProposal(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if s.workflow == nil {
		s.errorPage(w, r, rc, apiErr(http.StatusNotFound, CodeNotFound, "this server takes no evidence proposals"))
		return
	}
	ev := s.cfg.Evidence
	p, err := s.workflow.Get(r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, rc, proposalErr(err))
		return
	}
	d := &proposalData{L: evidenceTexts[evidenceLang(rc)], P: p, Own: strings.EqualFold(p.ProposedBy, rc.p.Name),
		Date:       present.DateAt(evidenceLang(rc), p.Item.Date, p.Item.DatePrecision),
		CanApprove: accessApprove.allows(rc.p.Role)}
	reg := ev.Current.Load()
	if next, _, err := reg.Add(p.Country, p.Item, s.now()); err != nil {
		d.ImpactErr = err.Error()
	} else if rep, err := s.evidenceImpact(r.Context(), p.Country, reg, next); err != nil {
		d.ImpactErr = err.Error()
	} else {
		d.Impact = rep
	}
	s.render(w, http.StatusOK, s.newPage(r, rc, "evidence_proposal", d.L["proposal"]+" "+p.Item.ID, d))
}

func (s *Server) evidenceImpact(ctx context.Context, iso3 string, base, head indicators.Merger) (*impact.Report, error) {
	if len(s.cfg.Library.Entries(iso3)) == 0 {
		return &impact.Report{}, nil
	}
	return impact.Evidence(ctx, s.Engine(), s.cfg.Library, iso3, base, head)
}

func proposalErr(err error) *APIError {
	if errors.Is(err, evidence.ErrNoProposal) {
		return apiErr(http.StatusNotFound, CodeNotFound, "no proposal with this id is waiting (it may have been approved)")
	}
	return apiErr(http.StatusInternalServerError, CodeInternal, "%v", err)
}

// pageEvidenceApprove is POST /evidence/proposals/{id}/approve: a second person approves;
// the item enters the register and counts from now on.
func (s *Server) pageEvidenceApprove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if !checkCSRF(r, rc.sess) {
		s.errorPage(w, r, rc, apiErr(http.StatusForbidden, CodeForbidden, "the form has expired or did not come from this site; reload the page and try again"))
		return
	}
	if s.workflow == nil {
		s.errorPage(w, r, rc, apiErr(http.StatusNotFound, CodeNotFound, "this server takes no evidence proposals"))
		return
	}
	p, _, err := s.approveEvidence(r.Context(), r.PathValue("id"), rc.p)
	if err != nil {
		s.errorPage(w, r, rc, evidenceErr(err))
		return
	}
	http.Redirect(w, r, "/countries/"+p.Country, http.StatusSeeOther)
}

// pageEvidenceReject is POST /evidence/proposals/{id}/reject: the proposal is dropped, with
// the reason given; the item never counts.
func (s *Server) pageEvidenceReject(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if !checkCSRF(r, rc.sess) {
		s.errorPage(w, r, rc, apiErr(http.StatusForbidden, CodeForbidden, "the form has expired or did not come from this site; reload the page and try again"))
		return
	}
	if s.workflow == nil {
		s.errorPage(w, r, rc, apiErr(http.StatusNotFound, CodeNotFound, "this server takes no evidence proposals"))
		return
	}
	if _, err := s.rejectEvidence(r.Context(), r.PathValue("id"), strings.TrimSpace(r.PostFormValue("reason")), rc.p); err != nil {
		s.errorPage(w, r, rc, evidenceErr(err))
		return
	}
	http.Redirect(w, r, "/evidence", http.StatusSeeOther)
}
