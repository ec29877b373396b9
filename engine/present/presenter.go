package present

import (
	"fmt"
	"text/template"

	"github.com/exportrisk/exportrisk/engine"
)

// Presenter words and formats the results of one engine (one policy revision): it holds the
// display names of the policy data (labels), the overall thresholds and the parsed message
// template of every reason code. It is safe for concurrent use.
type Presenter struct {
	labels  *labels
	overall overallThresholds
	rules   map[string]*rule
}

// rule is a reason code's METADATA with its parsed message templates.
type rule struct {
	engine.Rule
	tmpl [2]*template.Template // en, de
}

// overallThresholds are thresholds.overall of the policy data.
type overallThresholds struct {
	darkRed, lightRed int
}

// New reads the labels and thresholds of e's policy data and parses every reason's message
// templates. A template that does not parse is an error naming the rule's file and line.
func New(e *engine.Engine) (*Presenter, error) {
	p := &Presenter{labels: readLabels(e.Policies().Data("labels")), rules: map[string]*rule{}}
	var err error
	if p.overall, err = readOverall(e.Policies().Data("thresholds")); err != nil {
		return nil, fmt.Errorf("policies from %s: %w", e.Policies().Source, err)
	}
	for _, r := range e.Rules() {
		pr := &rule{Rule: r}
		for i, lang := range Languages {
			t, err := template.New(r.Code + "." + lang).Option("missingkey=error").
				Funcs((&funcs{p: p, lang: lang}).funcMap()).Parse(r.Message.In(lang))
			if err != nil {
				return nil, fmt.Errorf("%s: %s: custom.message.%s: %w", r.Where, r.Code, lang, err)
			}
			pr.tmpl[i] = t
		}
		p.rules[r.Code] = pr
	}
	return p, nil
}

func readOverall(doc any) (overallThresholds, error) {
	m, _ := doc.(map[string]any)
	o, _ := m["overall"].(map[string]any)
	var t overallThresholds
	var ok1, ok2 bool
	t.darkRed, ok1 = whole(o["dark_red_min_critical"])
	t.lightRed, ok2 = whole(o["light_red_min_critical"])
	if !ok1 || !ok2 {
		return t, fmt.Errorf("policy data: thresholds.overall needs whole numbers dark_red_min_critical and light_red_min_critical")
	}
	return t, nil
}

// whole reads a whole number from policy data (JSON numbers decode as json.Number or float64).
func whole(x any) (int, bool) {
	switch n := x.(type) {
	case int:
		return n, true
	case float64:
		return int(n), n == float64(int(n))
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

var classes = map[string]pair{
	engine.DarkRed:  {"dark red", "dunkelrot"},
	engine.LightRed: {"light red", "hellrot"},
	engine.None:     {"no critical criterion", "kein kritisches Kriterium"},
}

// ClassLabel returns the short label of an overall class: "dark red", "hellrot".
func ClassLabel(lang, code string) string {
	if p, ok := classes[code]; ok {
		return p.in(lang)
	}
	return code
}

// OverallLabel returns the label of an overall class with the count that defines it, read from
// thresholds.overall: "dark red (critical on 4 or more criteria)".
func (p *Presenter) OverallLabel(lang, code string) string {
	switch code {
	case engine.DarkRed:
		return ClassLabel(lang, code) + " (" + p.atLeast(lang, p.overall.darkRed) + ")"
	case engine.LightRed:
		return ClassLabel(lang, code) + " (" + p.atLeast(lang, p.overall.lightRed) + ")"
	}
	return ClassLabel(lang, code)
}

func (p *Presenter) atLeast(lang string, n int) string {
	if de(lang) {
		if n == 1 {
			return "kritisch bei mindestens einem Kriterium"
		}
		return fmt.Sprintf("kritisch bei %d oder mehr Kriterien", n)
	}
	if n == 1 {
		return "critical on at least one criterion"
	}
	return fmt.Sprintf("critical on %d or more criteria", n)
}

// OverallLegend is the one-line legend of the overall classes, from thresholds.overall.
func (p *Presenter) OverallLegend(lang string) string {
	if de(lang) {
		return fmt.Sprintf("Gesamtbewertung (BICC-Karte): dunkelrot ab %s, hellrot ab %s, sonst kein kritisches Kriterium.",
			Count(lang, p.overall.darkRed, "critical_criterion"), Count(lang, p.overall.lightRed, "critical_criterion"))
	}
	return fmt.Sprintf("Overall class (BICC map): dark red from %s, light red from %s, otherwise no critical criterion.",
		Count(lang, p.overall.darkRed, "critical_criterion"), Count(lang, p.overall.lightRed, "critical_criterion"))
}

// labels are the display names of data.labels: section (indices, memberships, embargoes) ->
// id -> name, and values: scope (index id, memberships, embargoes) -> value -> name.
type labels struct {
	names  map[string]map[string]pair
	values map[string]map[string]pair
}

func readLabels(doc any) *labels {
	l := &labels{names: map[string]map[string]pair{}, values: map[string]map[string]pair{}}
	m, _ := doc.(map[string]any)
	for group, ids := range m {
		if group == "values" {
			scopes, _ := ids.(map[string]any)
			for scope, vals := range scopes {
				l.values[scope] = readNames(vals)
			}
			continue
		}
		l.names[group] = readNames(ids)
	}
	return l
}

func readNames(x any) map[string]pair {
	out := map[string]pair{}
	m, _ := x.(map[string]any)
	for id, v := range m {
		name, _ := v.(map[string]any)
		en, _ := name["en"].(string)
		de, _ := name["de"].(string)
		out[id] = pair{en, de}
	}
	return out
}
