package server

import (
	"bytes"
	"net/http"

	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/server/web"
	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// The evidence register's four-eyes workflow as JSON (the web pages of engine/server/web do
// the same through forms): list, propose, show with impact, approve, reject.

// ProposalRequest is the body of POST /v1/evidence/proposals: the fields of the form.
type ProposalRequest struct {
	Country    string `json:"country"`
	Category   string `json:"category"`
	Date       string `json:"date"`      // YYYY-MM-DD, YYYY-MM or YYYY
	Published  string `json:"published"` // YYYY-MM-DD, optional
	ReportedBy string `json:"reported_by"`
	Source     string `json:"source"`
	URL        string `json:"url"`
	Quote      string `json:"quote"`
	Summary    string `json:"summary"`
	SummaryDE  string `json:"summary_de"`
}

// ProposalJSON is a proposal waiting for approval.
type ProposalJSON struct {
	ID         string              `json:"id"` // the item's id
	Country    string              `json:"country"`
	Item       indicators.Evidence `json:"item"`
	ProposedBy string              `json:"proposed_by"`
	ProposedAt string              `json:"proposed_at"`
	// Impact says which verdicts of the country's bundles the item would change (GET of one
	// proposal only); ImpactError why it could not be computed.
	Impact      *impact.Report `json:"impact,omitempty"`
	ImpactError string         `json:"impact_error,omitempty"`
}

// ProposalList is the answer of GET /v1/evidence/proposals.
type ProposalList struct {
	Proposals []ProposalJSON `json:"proposals"`
}

// DecisionOnProposal is the answer of an approval or a rejection.
type DecisionOnProposal struct {
	Proposal ProposalJSON `json:"proposal"`
	Action   string       `json:"action"` // approved, rejected
	By       string       `json:"by"`
	// RegisterRevision is the country's register revision with the item (approval).
	RegisterRevision string `json:"register_revision,omitempty"`
	Reason           string `json:"reason,omitempty"`
}

// readJSON reads a JSON object body into v, refusing fields v does not have (fields says
// which it has); an empty body is refused unless optional.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any, optional bool, fields string) *APIError {
	body, aerr := s.readBody(w, r)
	if aerr != nil {
		return aerr
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return apiErr(http.StatusBadRequest, CodeInvalidRequest, "empty body: send a JSON object (%s)", fields)
	}
	return decodeStrict(body, v, fields)
}

func proposalJSON(p evidence.Proposal) ProposalJSON {
	return ProposalJSON{ID: p.Item.ID, Country: p.Country, Item: p.Item, ProposedBy: p.ProposedBy, ProposedAt: p.ProposedAt}
}

// apiProposals is GET /v1/evidence/proposals: the proposals waiting, oldest first.
func (s *Server) apiProposals(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	if s.workflow == nil {
		writeError(w, evidenceErr(evidence.ErrNotWriteable))
		return
	}
	out := ProposalList{Proposals: []ProposalJSON{}}
	for _, p := range s.workflow.Pending() {
		out.Proposals = append(out.Proposals, proposalJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiPropose is POST /v1/evidence/proposals: record a proposal (nothing counts yet).
func (s *Server) apiPropose(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	var req ProposalRequest
	if aerr := s.readJSON(w, r, &req, false, "a proposal has the fields country, category, date, published, reported_by, source, url, quote, summary and summary_de"); aerr != nil {
		writeError(w, aerr)
		return
	}
	p, err := s.proposeEvidence(r.Context(), web.EvidenceForm(req), rc.p)
	if err != nil {
		writeError(w, evidenceErr(err))
		return
	}
	w.Header().Set("Location", "/v1/evidence/proposals/"+p.Item.ID)
	writeJSON(w, http.StatusCreated, proposalJSON(p))
}

// apiProposal is GET /v1/evidence/proposals/{id}: the proposal and what it would change.
func (s *Server) apiProposal(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	if s.workflow == nil {
		writeError(w, evidenceErr(evidence.ErrNotWriteable))
		return
	}
	p, err := s.workflow.Get(r.PathValue("id"))
	if err != nil {
		writeError(w, evidenceErr(err))
		return
	}
	out := proposalJSON(p)
	if rep, err := s.proposalImpact(r.Context(), p); err != nil {
		out.ImpactError = err.Error()
	} else {
		out.Impact = rep
	}
	writeJSON(w, http.StatusOK, out)
}

// apiApprove is POST /v1/evidence/proposals/{id}/approve: a second person approves; the
// item counts from now on.
func (s *Server) apiApprove(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	p, reg, err := s.approveEvidence(r.Context(), r.PathValue("id"), rc.p)
	if err != nil {
		writeError(w, evidenceErr(err))
		return
	}
	p.Item.ApprovedBy = rc.p.Name
	out := DecisionOnProposal{Proposal: proposalJSON(p), Action: evidence.ActionApproved, By: rc.p.Name}
	if f := reg.File(p.Country); f != nil {
		out.RegisterRevision = f.Revision
	}
	writeJSON(w, http.StatusOK, out)
}

// RejectRequest is the optional body of POST /v1/evidence/proposals/{id}/reject.
type RejectRequest struct {
	Reason string `json:"reason"`
}

// apiReject is POST /v1/evidence/proposals/{id}/reject: the proposal is dropped (its
// proposer may withdraw it); the item never counts.
func (s *Server) apiReject(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	if aerr := checkQuery(r); aerr != nil {
		writeError(w, aerr)
		return
	}
	var req RejectRequest
	if aerr := s.readJSON(w, r, &req, true, "a rejection has the field reason"); aerr != nil {
		writeError(w, aerr)
		return
	}
	p, err := s.rejectEvidence(r.Context(), r.PathValue("id"), req.Reason, rc.p)
	if err != nil {
		writeError(w, evidenceErr(err))
		return
	}
	writeJSON(w, http.StatusOK, DecisionOnProposal{Proposal: proposalJSON(p), Action: evidence.ActionRejected, By: rc.p.Name, Reason: req.Reason})
}
