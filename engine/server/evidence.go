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
	"github.com/exportrisk/exportrisk/engine/server/web"
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

// evidenceRoutes are the routes of this file; routeTable lists them.
func (s *Server) evidenceRoutes() []route {
	return []route{
		{"GET", "/evidence", accessRead, true, s.page(s.pages.Evidence)},
		{"POST", "/evidence/proposals", accessPropose, true, s.page(s.pages.Propose)},
		{"GET", "/evidence/proposals/{id}", accessRead, true, s.page(s.pages.Proposal)},
		{"POST", "/evidence/proposals/{id}/approve", accessApprove, true, s.page(s.pages.Approve)},
		{"POST", "/evidence/proposals/{id}/reject", accessApprove, true, s.page(s.pages.Reject)},
		{"GET", "/v1/evidence/proposals", accessRead, false, s.apiProposals},
		{"POST", "/v1/evidence/proposals", accessPropose, false, s.apiPropose},
		{"GET", "/v1/evidence/proposals/{id}", accessRead, false, s.apiProposal},
		{"POST", "/v1/evidence/proposals/{id}/approve", accessApprove, false, s.apiApprove},
		{"POST", "/v1/evidence/proposals/{id}/reject", accessApprove, false, s.apiReject},
	}
}

func (s *Server) now() time.Time {
	if ev := s.cfg.Evidence; ev != nil && ev.Now != nil {
		return ev.Now()
	}
	return time.Now()
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
func (s *Server) proposeEvidence(ctx context.Context, f web.EvidenceForm, p Principal) (evidence.Proposal, error) {
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

// proposalImpact is what a proposal would change: the verdicts of the country's bundles
// with the item added to the register in force; the error says why that cannot be computed.
func (s *Server) proposalImpact(ctx context.Context, p evidence.Proposal) (*impact.Report, error) {
	reg := s.cfg.Evidence.Current.Load()
	next, _, err := reg.Add(p.Country, p.Item, s.now())
	if err != nil {
		return nil, err
	}
	if len(s.cfg.Library.Entries(p.Country)) == 0 {
		return &impact.Report{}, nil
	}
	return impact.Evidence(ctx, s.Engine(), s.cfg.Library, p.Country, reg, next)
}

func proposalErr(err error) *APIError {
	if errors.Is(err, evidence.ErrNoProposal) {
		return apiErr(http.StatusNotFound, CodeNotFound, "no proposal with this id is waiting (it may have been approved)")
	}
	return apiErr(http.StatusInternalServerError, CodeInternal, "%v", err)
}
