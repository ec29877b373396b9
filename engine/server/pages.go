package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/audit"
	"github.com/exportrisk/exportrisk/engine/policy/impact"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/engine/server/web"
	"github.com/exportrisk/exportrisk/indicators/evidence"
)

// The web pages are engine/server/web. The route table lists them (s.page gives each the
// request's web.Viewer); they read the server through pagesBackend, which answers with
// the functions the API uses and turns the API's errors into error pages.

// page makes a page handler a route's handler: it gets who asks, as the pages see it.
func (s *Server) page(h func(http.ResponseWriter, *http.Request, *web.Viewer)) func(http.ResponseWriter, *http.Request, *reqCtx) {
	return func(w http.ResponseWriter, r *http.Request, rc *reqCtx) { h(w, r, s.viewer(rc)) }
}

// viewer is who asks for a page: the signed-in holder and what their role allows, the
// session's CSRF token, the page language.
func (s *Server) viewer(rc *reqCtx) *web.Viewer {
	v := &web.Viewer{Lang: rc.lang}
	if p := rc.p; p.Name != "" {
		v.User = &web.User{Name: p.Name, Role: string(p.Role),
			CanAssess: accessAssess.allows(p.Role), CanReplay: accessReplay.allows(p.Role),
			CanPropose: accessPropose.allows(p.Role), CanApprove: accessApprove.allows(p.Role)}
	}
	if rc.sess != nil {
		v.CSRF = rc.sess.csrf
	}
	return v
}

// errorPage shows an API error as a page.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, rc *reqCtx, e *APIError) {
	s.pages.Error(w, r, s.viewer(rc), pageError(e))
}

// pageError is an API error as the error page shows it (nil for nil).
func pageError(e *APIError) *web.Error {
	if e == nil {
		return nil
	}
	return &web.Error{Status: e.Status, Code: e.Code, Message: e.Message}
}

// principal is the token holder of a page's user.
func principal(u *web.User) Principal {
	if u == nil {
		return Principal{}
	}
	return Principal{Name: u.Name, Role: Role(u.Role)}
}

// pagesBackend is the server as the pages read it: web.Assessor, web.Decisions and
// web.Evidence.
type pagesBackend struct{ s *Server }

func (b pagesBackend) State() web.State {
	st := b.s.state.Load()
	return web.State{Engine: st.e, Words: st.words, World: st.world, History: st.hist}
}

func (b pagesBackend) ParseYear(v string) (int, *web.Error) {
	y, aerr := parseYear("year", v)
	return y, pageError(aerr)
}

func (b pagesBackend) World(ctx context.Context, year int) (int, *engine.World, *web.Error) {
	y, w, aerr := b.s.yearWorld(ctx, year)
	return y, w, pageError(aerr)
}

func (b pagesBackend) Country(ctx context.Context, iso3, asOf string) (*engine.Assessment, *web.Error) {
	a, aerr := b.s.countryAssessment(ctx, iso3, asOf)
	return a, pageError(aerr)
}

// Assess evaluates the country's library bundle again and records the decision.
func (b pagesBackend) Assess(ctx context.Context, iso3, asOf, requester, caseRef string) (string, *web.Error) {
	s := b.s
	if aerr := checkCaseRef(caseRef); aerr != nil {
		return "", pageError(aerr)
	}
	cb, aerr := s.libraryBundle(iso3, asOf)
	if aerr != nil {
		return "", pageError(aerr)
	}
	a, err := s.state.Load().e.AssessInput(ctx, cb.in)
	if err != nil {
		return "", pageError(apiErr(http.StatusInternalServerError, CodePolicyError, "the policies failed on the bundle: %v", err))
	}
	a.Source = cb.source
	s.metrics.assessed.WithLabelValues("library").Inc()
	rec, err := s.record(ctx, a, requester, caseRef)
	if err != nil {
		s.metrics.recordErr.Inc()
		s.cfg.Logger.Error("decision not recorded", "err", err)
		return "", pageError(apiErr(http.StatusServiceUnavailable, CodeStoreUnavailable, "the decision could not be recorded"))
	}
	return rec.DecisionID, nil
}

func (b pagesBackend) Filter(q url.Values) (audit.Filter, *web.Error) {
	f, aerr := decisionFilter(q, defaultListLimit)
	return f, pageError(aerr)
}

func (b pagesBackend) Newest(ctx context.Context, f audit.Filter, toSeq int64) ([]audit.Summary, bool, error) {
	return b.s.newestDecisions(ctx, f, toSeq)
}

// Decision reads a decision's record and result; an evidence event is not a decision.
func (b pagesBackend) Decision(ctx context.Context, id string) (*audit.RecordV1, *engine.Result, *web.Error) {
	rec, res, aerr := b.s.decision(ctx, id)
	if aerr != nil {
		return nil, nil, pageError(aerr)
	}
	return rec, res, nil
}

// Words words results of the policies of a revision (the archived ones for an earlier revision).
func (b pagesBackend) Words(ctx context.Context, revision string) (*present.Presenter, error) {
	return b.s.wordsFor(ctx, revision)
}

func (b pagesBackend) PolicyFiles(ctx context.Context, revision string) int {
	files, err := b.s.cfg.Store.Policies(ctx, revision)
	if err != nil {
		return 0
	}
	return len(files)
}

// Replay answers as POST /v1/decisions/{id}/replay does (*ReplayJSON).
func (b pagesBackend) Replay(ctx context.Context, rec *audit.RecordV1) (any, *web.Error) {
	rj, aerr := b.s.replay(ctx, rec)
	if aerr != nil {
		return nil, pageError(aerr)
	}
	return rj, nil
}

func (b pagesBackend) Register() (*evidence.Register, bool, []evidence.Proposal, *web.Error) {
	ev := b.s.cfg.Evidence
	if ev == nil || ev.Current == nil {
		return nil, false, nil, pageError(apiErr(http.StatusNotFound, CodeNotFound, "this server has no evidence register"))
	}
	if b.s.workflow == nil {
		return ev.Current.Load(), false, nil, nil
	}
	return ev.Current.Load(), true, b.s.workflow.Pending(), nil
}

// noProposals is the pages' answer when the register is read-only.
func noProposals() *web.Error {
	return pageError(apiErr(http.StatusNotFound, CodeNotFound, "this server takes no evidence proposals"))
}

func (b pagesBackend) Proposal(ctx context.Context, id string) (evidence.Proposal, *impact.Report, string, *web.Error) {
	if b.s.workflow == nil {
		return evidence.Proposal{}, nil, "", noProposals()
	}
	p, err := b.s.workflow.Get(id)
	if err != nil {
		return p, nil, "", pageError(proposalErr(err))
	}
	rep, err := b.s.proposalImpact(ctx, p)
	if err != nil {
		return p, nil, err.Error(), nil
	}
	return p, rep, "", nil
}

// Propose answers as the API does: a refused item is described by field paths, never by the
// server's register file and its lines, which the proposer has not seen.
func (b pagesBackend) Propose(ctx context.Context, f web.EvidenceForm, by *web.User) (evidence.Proposal, error) {
	p, err := b.s.proposeEvidence(ctx, f, principal(by))
	if err != nil {
		return p, errors.New(evidenceErr(err).Text())
	}
	return p, nil
}

func (b pagesBackend) Approve(ctx context.Context, id string, by *web.User) (evidence.Proposal, *web.Error) {
	if b.s.workflow == nil {
		return evidence.Proposal{}, noProposals()
	}
	p, _, err := b.s.approveEvidence(ctx, id, principal(by))
	if err != nil {
		return p, pageError(evidenceErr(err))
	}
	return p, nil
}

func (b pagesBackend) Reject(ctx context.Context, id, reason string, by *web.User) *web.Error {
	if b.s.workflow == nil {
		return noProposals()
	}
	if _, err := b.s.rejectEvidence(ctx, id, reason, principal(by)); err != nil {
		return pageError(evidenceErr(err))
	}
	return nil
}

// newestDecisions returns the f.Limit newest decisions matching f with seq <= toSeq (0: up
// to the newest), newest first, and whether older ones may match. The store lists oldest
// first, so it reads windows of sequence numbers backwards from the head, each twice as
// large as the one before, until the page is full.
func (s *Server) newestDecisions(ctx context.Context, f audit.Filter, toSeq int64) ([]audit.Summary, bool, error) {
	limit := f.Limit
	if toSeq == 0 {
		head, err := s.cfg.Store.Head(ctx)
		if err != nil {
			return nil, false, err
		}
		toSeq = head.Seq
	}
	var out []audit.Summary
	window := int64(limit)
	for toSeq >= 1 {
		f.FromSeq, f.ToSeq, f.Limit = max(1, toSeq-window+1), toSeq, 0
		list, err := s.cfg.Store.List(ctx, f)
		if err != nil {
			return nil, false, err
		}
		for i := len(list) - 1; i >= 0; i-- {
			if len(out) == limit {
				return out, true, nil // older ones in this window match
			}
			out = append(out, list[i])
		}
		toSeq = f.FromSeq - 1
		if len(out) == limit {
			break
		}
		window *= 2
	}
	return out, toSeq >= 1, nil
}
