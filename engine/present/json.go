package present

import "github.com/exportrisk/exportrisk/engine"

// Document is the JSON form of a result for people and other programs: the result's decision
// data with every id kept, plus display names, rendered messages, the role of each reason,
// reader citations and the legends, in English and German.
type Document struct {
	Contract       int            `json:"contract"`
	Country        any            `json:"country"`
	AsOf           string         `json:"as_of"`
	PolicyRevision string         `json:"policy_revision"`
	InputDigest    string         `json:"input_digest"`
	Overall        string         `json:"overall"`
	OverallLabel   engine.Text    `json:"overall_label"`
	CriticalCount  int            `json:"critical_count"`
	Legend         DocLegend      `json:"legend"`
	Criteria       []DocCriterion `json:"criteria"`
}

// DocLegend holds the one-line legends.
type DocLegend struct {
	Overall engine.Text `json:"overall"`
	Basis   engine.Text `json:"basis"`
}

// DocCriterion is one criterion of a Document.
type DocCriterion struct {
	Criterion    int         `json:"criterion"`
	Title        engine.Text `json:"title"`
	Verdict      string      `json:"verdict"`
	Basis        string      `json:"basis"`
	Reasons      []DocReason `json:"reasons"`
	Missing      []string    `json:"missing"`
	MissingNames []DocName   `json:"missing_names"`
}

// DocReason is one reason of a Document.
type DocReason struct {
	engine.Reason
	// Role is decided (it supports the criterion's verdict), supporting (a finding below the
	// verdict) or checked (a check that passed).
	Role       string      `json:"role"`
	Message    engine.Text `json:"message"`
	Indicators []DocValue  `json:"indicators"`
}

// DocValue is an indicator value with its display name and reader citation.
type DocValue struct {
	engine.IndicatorValue
	Name     engine.Text `json:"name"`
	Citation string      `json:"citation"`
}

// DocName is an indicator id with its display name.
type DocName struct {
	ID   string      `json:"id"`
	Name engine.Text `json:"name"`
}

// Document returns the JSON document of r.
func (p *Presenter) Document(r *engine.Result) (*Document, error) {
	d := &Document{
		Contract: r.Contract, Country: r.Country, AsOf: r.AsOf, PolicyRevision: r.PolicyRevision,
		InputDigest: r.InputDigest, Overall: r.Overall, CriticalCount: r.CriticalCount,
		OverallLabel: p.both(func(l string) string { return p.OverallLabel(l, r.Overall) }),
		Legend:       DocLegend{Overall: p.both(p.OverallLegend), Basis: p.both(BasisLegend)},
	}
	for _, c := range r.Criteria {
		dc, err := p.DocCriterion(&c)
		if err != nil {
			return nil, err
		}
		d.Criteria = append(d.Criteria, *dc)
	}
	return d, nil
}

// DocCriterion returns the JSON form of one criterion.
func (p *Presenter) DocCriterion(c *engine.CriterionResult) (*DocCriterion, error) {
	dc := &DocCriterion{Criterion: c.Criterion, Title: c.Title, Verdict: c.Verdict, Basis: c.Basis,
		Missing: c.Missing, MissingNames: []DocName{}, Reasons: []DocReason{}}
	for _, m := range c.Missing {
		dc.MissingNames = append(dc.MissingNames, DocName{ID: m, Name: p.both(func(l string) string { return p.Name(l, m) })})
	}
	for i := range c.Reasons {
		r := &c.Reasons[i]
		dr := DocReason{Reason: *r, Role: role(c.Verdict, r.Verdict), Indicators: []DocValue{}}
		var err error
		if dr.Message.EN, err = p.Message("en", r); err != nil {
			return nil, err
		}
		if dr.Message.DE, err = p.Message("de", r); err != nil {
			return nil, err
		}
		for _, v := range r.Indicators {
			dr.Indicators = append(dr.Indicators, DocValue{IndicatorValue: v, Citation: Cite(v.Provenance),
				Name: p.both(func(l string) string { return p.ValueName(l, v.ID) })})
		}
		dc.Reasons = append(dc.Reasons, dr)
	}
	return dc, nil
}

func role(criterion, reason string) string {
	switch {
	case reason == criterion:
		return "decided"
	case severity(reason) > severity(engine.NotCritical):
		return "supporting"
	}
	return "checked"
}

func (p *Presenter) both(f func(lang string) string) engine.Text {
	return engine.Text{EN: f("en"), DE: f("de")}
}

// Assessment is the JSON output of an assessment (assess --format json, and GET
// /v1/decisions/{id}/report for a recorded one): the Document, where its bundle came from,
// the evaluator that ran and the decision it was recorded as. Bundle and Evaluator are left
// out where they are not known (a recorded decision keeps neither).
type Assessment struct {
	*Document
	Bundle     string `json:"bundle,omitempty"`
	Evaluator  string `json:"evaluator,omitempty"`   // compiled or opa (not part of the recorded result)
	DecisionID string `json:"decision_id,omitempty"` // the audit record's id; empty when not recorded
	Recorded   bool   `json:"recorded"`
}
