package engine

import "github.com/exportrisk/exportrisk/indicators"

// Verdicts, in order of severity.
const (
	Critical         = "critical"
	PossiblyCritical = "possibly_critical"
	NotCritical      = "not_critical"
	InsufficientData = "insufficient_data"
)

// Overall classes (BICC map colours).
const (
	DarkRed  = "dark_red"
	LightRed = "light_red"
	None     = "none"
)

// ResultContract is the version of the Result shape this engine produces.
//
//   - 1 (no "contract" field): each reason carried a message rendered in English and German
//     by the evaluator; no basis, no vars.
//   - 2: the result is decision data only: reasons carry their basis and raw vars, criteria
//     their basis; no text is rendered (package engine/present renders it).
//
// Replay compares a recorded result of contract 2 byte for byte, and one of contract 1 by its
// decision-bearing parts (see engine/audit).
const ResultContract = 2

// Result is the assessment of one bundle under one policy revision.
type Result struct {
	Contract       int                `json:"contract"`
	Country        indicators.Country `json:"country"`
	AsOf           string             `json:"as_of"`
	PolicyRevision string             `json:"policy_revision"`
	InputDigest    string             `json:"input_digest"`
	Overall        string             `json:"overall"`
	CriticalCount  int                `json:"critical_count"`
	Criteria       []CriterionResult  `json:"criteria"`
	// Evaluator names the evaluator that ran (EvaluatorCompiled or EvaluatorOPA). It is not
	// part of the decision: both give identical results (engine/differential_test.go), so it
	// is left out of the JSON a decision is recorded and replayed as.
	Evaluator string `json:"-"`
}

// CriterionResult is the verdict on one criterion, why, and what was missing.
type CriterionResult struct {
	Criterion int    `json:"criterion"`
	Title     Text   `json:"title"`
	Verdict   string `json:"verdict"`
	// Basis is the basis of the verdict: Published when a reason supporting the verdict rests
	// on a published rule, else CalibrationDefault.
	Basis   string   `json:"basis"`
	Reasons []Reason `json:"reasons"`
	Missing []string `json:"missing"`
}

// Text is a text in English and German, as the policies' METADATA gives it.
type Text struct {
	EN string `json:"en"`
	DE string `json:"de"`
}

// In returns the text in a language ("de" or anything else for English).
func (t Text) In(lang string) string {
	if lang == "de" && t.DE != "" {
		return t.DE
	}
	return t.EN
}

// Reason is one rule that fired, with the values it used.
type Reason struct {
	Code       string                `json:"code"`
	Criterion  int                   `json:"criterion"`
	Verdict    string                `json:"verdict"`
	Signal     string                `json:"signal,omitempty"`
	Basis      string                `json:"basis"` // Published or CalibrationDefault, from the rule's METADATA
	Vars       map[string]any        `json:"vars"`  // the rule's raw values: thresholds, counts, lists of ids
	Indicators []IndicatorValue      `json:"indicators"`
	Evidence   []indicators.Evidence `json:"evidence"`
}

// IndicatorValue is an indicator value a reason used, with its provenance. For a
// membership the value is its status; for an embargo record, whether it is in force.
type IndicatorValue struct {
	ID string `json:"id"` // bundle field path: indices.hdi, memberships.att, embargoes.UN
	// Ref is the path the reason named when it differs from ID: embargoes.EU.non_state.
	Ref         string `json:"ref,omitempty"`
	Value       any    `json:"value"`
	Year        int    `json:"year,omitempty"`
	Addressee   string `json:"addressee,omitempty"` // embargoes only
	Since       string `json:"since,omitempty"`     // embargoes only
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
	indicators.Provenance
}

// Criterion returns the result of criterion n (1..8), or nil.
func (r *Result) Criterion(n int) *CriterionResult {
	for i := range r.Criteria {
		if r.Criteria[i].Criterion == n {
			return &r.Criteria[i]
		}
	}
	return nil
}

// verdictBasis is the basis of verdict v given its reasons.
func verdictBasis(v string, rs []Reason) string {
	basis := CalibrationDefault
	for _, r := range rs {
		if r.Verdict == v && r.Basis == Published {
			return Published
		}
	}
	return basis
}
