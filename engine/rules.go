package engine

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/indicators"
)

// Reasons are decided in Rego and presented elsewhere (package engine/present). A reason the
// policies emit is small:
//
//	{"code": "C2-PTS-HIGH", "verdict": "possibly_critical", "signal": "severe",
//	 "vars": {"limit": 4}, "indicators": ["indices.pts"], "evidence": []}
//
// The rule's METADATA (custom.code, custom.verdict, custom.signal, custom.basis,
// custom.message.en and custom.message.de) declares the code. The engine checks each reason
// against its declaration, adds the basis, keeps vars as they are and expands the indicator
// paths and evidence ids into the values and items of the evaluated bundle (value, year,
// provenance). It formats nothing: the message templates are handed to the presentation
// layer through Rules.
//
// Indicator paths are indices.<id>, memberships.<id>, embargoes.<authority> (the authority's
// only record) and embargoes.<authority>.<addressee>; an expanded value's id is the bundle field
// path without the addressee (embargoes.EU). An unknown code, a path or evidence id the bundle
// does not have, or a verdict or signal other than the METADATA's fails the assessment: the
// policies broke the result contract.

// Bases of a rule (custom.basis in its METADATA).
const (
	Published          = "published"           // BICC publishes the rule
	CalibrationDefault = "calibration_default" // BICC does not publish it; the policies' default
)

// Rule is the METADATA of one reason code.
type Rule struct {
	Code      string
	Criterion int // from the package criteria.cN that declares the code; 0 elsewhere
	Title     string
	Verdict   string
	Signal    string
	Basis     string // Published or CalibrationDefault
	// Message holds the message templates (Go text/template over the reason's vars), as
	// written in custom.message; package engine/present parses and renders them.
	Message Text
	Where   string // file:row of the METADATA, for errors
}

// readRules reads every rule annotation with custom.code.
func readRules(c *ast.Compiler) (map[string]*Rule, error) {
	rules := map[string]*Rule{}
	for _, entry := range c.GetAnnotationSet().Flatten() {
		a := entry.Annotations
		raw, ok := a.Custom["code"]
		if !ok {
			continue
		}
		where := "METADATA"
		if a.Location != nil {
			where = fmt.Sprintf("%s:%d", a.Location.File, a.Location.Row)
		}
		code, _ := raw.(string)
		if code == "" {
			return nil, fmt.Errorf("%s: custom.code: want a non-empty string, got %v", where, raw)
		}
		if prev, dup := rules[code]; dup {
			return nil, fmt.Errorf("%s: custom.code %s is already declared at %s", where, code, prev.Where)
		}
		m := &Rule{Code: code, Criterion: criterionOf(entry.Path), Title: a.Title, Where: where}
		m.Verdict, _ = a.Custom["verdict"].(string)
		switch m.Verdict {
		case Critical, PossiblyCritical, NotCritical, InsufficientData:
		default:
			return nil, fmt.Errorf("%s: %s: custom.verdict: want critical, possibly_critical, not_critical or insufficient_data, got %v", where, code, a.Custom["verdict"])
		}
		if s, ok := a.Custom["signal"]; ok {
			if m.Signal, _ = s.(string); m.Signal == "" {
				return nil, fmt.Errorf("%s: %s: custom.signal: want a non-empty string, got %v", where, code, s)
			}
		}
		m.Basis, _ = a.Custom["basis"].(string)
		if m.Basis != Published && m.Basis != CalibrationDefault {
			return nil, fmt.Errorf("%s: %s: custom.basis: want published or calibration_default, got %v", where, code, a.Custom["basis"])
		}
		msg, _ := a.Custom["message"].(map[string]any)
		m.Message.EN, _ = msg["en"].(string)
		m.Message.DE, _ = msg["de"].(string)
		if strings.TrimSpace(m.Message.EN) == "" || strings.TrimSpace(m.Message.DE) == "" {
			return nil, fmt.Errorf("%s: %s: custom.message.en and custom.message.de must both be given", where, code)
		}
		rules[code] = m
	}
	return rules, nil
}

// Rules returns the METADATA of every reason code, sorted by code.
func (e *Engine) Rules() []Rule {
	out := make([]Rule, 0, len(e.rules))
	for _, r := range e.rules {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// criterionOf returns n for a rule of package criteria.cN (data.criteria.cN....), else 0.
func criterionOf(path ast.Ref) int {
	if len(path) < 3 {
		return 0
	}
	if s, ok := path[1].Value.(ast.String); !ok || s != "criteria" {
		return 0
	}
	s, ok := path[2].Value.(ast.String)
	if !ok || len(s) < 2 || s[0] != 'c' {
		return 0
	}
	n, err := strconv.Atoi(string(s[1:]))
	if err != nil {
		return 0
	}
	return n
}

// rawReason is a reason as the policies emit it.
type rawReason struct {
	code       string
	verdict    string
	signal     string
	vars       map[string]any
	indicators []string
	evidence   []string
}

// reason checks a reason of criterion n against its METADATA and expands its indicator values
// and evidence items from the bundle.
func (e *Engine) reason(n int, raw *rawReason, b *bundleIndex) (Reason, error) {
	m, ok := e.rules[raw.code]
	if !ok {
		return Reason{}, fmt.Errorf("reason code %q is not declared in any rule's METADATA (custom.code)", raw.code)
	}
	if m.Criterion != 0 && m.Criterion != n {
		return Reason{}, fmt.Errorf("%s: reason of criterion %d is declared in criteria.c%d (%s)", raw.code, n, m.Criterion, m.Where)
	}
	if raw.verdict != m.Verdict || raw.signal != m.Signal {
		return Reason{}, fmt.Errorf("%s: reason says verdict %q, signal %q; its METADATA (%s) says verdict %q, signal %q",
			raw.code, raw.verdict, raw.signal, m.Where, m.Verdict, m.Signal)
	}
	out := Reason{Code: raw.code, Criterion: n, Verdict: raw.verdict, Signal: raw.signal, Basis: m.Basis, Vars: raw.vars}
	if out.Vars == nil {
		out.Vars = map[string]any{}
	}
	out.Indicators = make([]IndicatorValue, len(raw.indicators))
	for i, path := range raw.indicators {
		v, err := b.indicator(path)
		if err != nil {
			return Reason{}, fmt.Errorf("%s: indicators[%d]: %w", raw.code, i, err)
		}
		out.Indicators[i] = v
	}
	out.Evidence = make([]indicators.Evidence, len(raw.evidence))
	for i, id := range raw.evidence {
		ev, err := b.evidenceItem(id)
		if err != nil {
			return Reason{}, fmt.Errorf("%s: evidence[%d]: %w", raw.code, i, err)
		}
		out.Evidence[i] = ev
	}
	return out, nil
}

// bundleIndex looks up the values and items reasons reference in one bundle.
type bundleIndex struct {
	b *indicators.Bundle
}

// indicator expands a field path: indices.<id>, memberships.<id>, embargoes.<authority> (the
// authority's only record) or embargoes.<authority>.<addressee> (then the value's Ref is the path).
func (x *bundleIndex) indicator(path string) (IndicatorValue, error) {
	section, key, _ := strings.Cut(path, ".")
	switch section {
	case "indices":
		if v, ok := x.b.Indices[key]; ok {
			return IndicatorValue{ID: path, Value: v.Value, Year: v.Year, Provenance: v.Provenance}, nil
		}
	case "memberships":
		if v, ok := x.b.Memberships[key]; ok {
			return IndicatorValue{ID: path, Value: v.Status, Year: v.Year, Provenance: v.Provenance}, nil
		}
	case "embargoes":
		authority, addressee, qualified := strings.Cut(key, ".")
		found := -1
		for i, e := range x.b.Embargoes {
			if e.Authority != authority || (qualified && e.Addressee != addressee) {
				continue
			}
			if found >= 0 {
				return IndicatorValue{}, fmt.Errorf("%s: the bundle has several records for %s; name one as embargoes.%s.<addressee>", path, authority, authority)
			}
			found = i
		}
		if found >= 0 {
			e := x.b.Embargoes[found]
			ref := ""
			if qualified {
				ref = path
			}
			return IndicatorValue{
				ID: path[:len("embargoes.")+len(authority)], Ref: ref, Value: e.InForce, Addressee: e.Addressee, Since: e.Since,
				Unconfirmed: e.Unconfirmed, Provenance: e.Provenance,
			}, nil
		}
	default:
		return IndicatorValue{}, fmt.Errorf("%q: want a path indices.<id>, memberships.<id> or embargoes.<authority>", path)
	}
	return IndicatorValue{}, fmt.Errorf("%s: the bundle has no such value", path)
}

func (x *bundleIndex) evidenceItem(id string) (indicators.Evidence, error) {
	for _, e := range x.b.Evidence {
		if e.ID == id {
			return e, nil
		}
	}
	return indicators.Evidence{}, fmt.Errorf("%q: the bundle has no evidence item with this id", id)
}
