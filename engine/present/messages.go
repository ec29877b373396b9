package present

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// A reason's message is the Go text/template of its rule's METADATA (custom.message.en and
// custom.message.de), executed over the reason's vars. Besides vars, a template sees:
//
//	.indicators   the reason's indicator values, in its order ([]engine.IndicatorValue)
//	.evidence     its evidence items, in its order ([]indicators.Evidence)
//	.indices      the indicator values by index id, e.g. .indices.pts (likewise .memberships,
//	.memberships  by instrument id, and .embargoes, by the rest of the path: the authority,
//	.embargoes    or authority.addressee)
//
// and these functions, in the template's language:
//
//	num x              a number in the language's convention (0.8 / 0,8)
//	date d             a date at its precision (Date)
//	count n key        n with the counted noun key in the right form (Count): "1 concern signal"
//	label kind id      the display name of an index, instrument or embargo authority (kind
//	                   indices, memberships or embargoes); the id itself without a label
//	names kind ids     the display names of ids, sorted by id, joined by ", "
//	join xs sep        xs (strings or numbers) joined by sep
//	name v             the display name of indicator value v
//	value v            the value of v as a reader reads it (Presenter.Value)
//	cite v             "year; source" of v, the source as a reader cites it ("source" without a year)
//	source v           the source of an indicator value or evidence item as a reader cites it
//	sources vs         the distinct sources of vs, sorted, joined by "; "
//	values vs          vs as "name: value (year)", joined by "; " (a list, or a map such as .indices)
//	items es           evidence items as "date: summary (source)", joined by "; "
//	plural n one other one if n (a number or an indicator value) is 1, else other
//
// Reports show each reason's values, years, notes, evidence and sources beside its message, so
// messages do not cite them inline (the default policies do not); cite, source, sources and
// items remain for policies that do.

// Template keys the presenter provides; vars may not use them.
var reservedKeys = []string{"indicators", "evidence", "indices", "memberships", "embargoes"}

// Message renders the message of reason r in lang.
func (p *Presenter) Message(lang string, r *engine.Reason) (string, error) {
	ru, ok := p.rules[r.Code]
	if !ok {
		return "", fmt.Errorf("reason code %q is not declared in the policies' METADATA", r.Code)
	}
	data := make(map[string]any, len(r.Vars)+len(reservedKeys))
	for k, v := range r.Vars {
		if slices.Contains(reservedKeys, k) {
			return "", fmt.Errorf("%s: vars.%s: the name is reserved for the presentation", r.Code, k)
		}
		data[k] = v
	}
	var sections [3]map[string]engine.IndicatorValue
	for _, v := range r.Indicators {
		ref := v.ID
		if v.Ref != "" {
			ref = v.Ref
		}
		section, key, _ := strings.Cut(ref, ".")
		i := slices.Index(reservedKeys[2:], section)
		if i < 0 {
			continue
		}
		if sections[i] == nil {
			sections[i] = map[string]engine.IndicatorValue{}
		}
		sections[i][key] = v
	}
	data["indicators"], data["evidence"] = r.Indicators, r.Evidence
	for i, k := range reservedKeys[2:] {
		data[k] = sections[i]
	}
	t := ru.tmpl[0]
	if de(lang) {
		t = ru.tmpl[1]
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%s: render message.%s: %w", r.Code, t.Name()[len(r.Code)+1:], err)
	}
	return strings.Join(strings.Fields(b.String()), " "), nil
}

// funcs are the template functions of one language.
type funcs struct {
	p    *Presenter
	lang string
}

func (f *funcs) funcMap() template.FuncMap {
	return template.FuncMap{
		"num":     f.num,
		"date":    func(s string) string { return Date(f.lang, s) },
		"count":   f.count,
		"label":   func(kind, id string) string { return f.p.Name(f.lang, kind+"."+id) },
		"names":   f.names,
		"join":    f.join,
		"name":    f.name,
		"value":   f.value,
		"cite":    f.cite,
		"source":  source,
		"sources": sources,
		"values":  f.values,
		"items":   f.items,
		"plural":  plural,
	}
}

func (f *funcs) num(x any) (string, error) {
	n, ok := number(x)
	if !ok {
		return "", fmt.Errorf("num: want a number, got %T %v", x, x)
	}
	return Number(f.lang, n, -1), nil
}

func (f *funcs) count(x any, key string) (string, error) {
	n, ok := number(x)
	if !ok || n != float64(int(n)) {
		return "", fmt.Errorf("count: want a whole number, got %T %v", x, x)
	}
	return Count(f.lang, int(n), key), nil
}

func (f *funcs) names(kind string, ids any) (string, error) {
	list, err := stringList("names", ids)
	if err != nil {
		return "", err
	}
	list = slices.Clone(list)
	sort.Strings(list)
	for i, id := range list {
		list[i] = f.p.Name(f.lang, kind+"."+id)
	}
	return strings.Join(list, ", "), nil
}

func (f *funcs) join(xs any, sep string) (string, error) {
	items, ok := xs.([]any)
	if !ok {
		return "", fmt.Errorf("join: want a list, got %T", xs)
	}
	parts := make([]string, len(items))
	for i, x := range items {
		if s, ok := x.(string); ok {
			parts[i] = s
			continue
		}
		s, err := f.num(x)
		if err != nil {
			return "", fmt.Errorf("join: %w", err)
		}
		parts[i] = s
	}
	return strings.Join(parts, sep), nil
}

// stringList accepts a list of strings as vars hold it.
func stringList(fn string, x any) ([]string, error) {
	items, ok := x.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a list of ids, got %T", fn, x)
	}
	out := make([]string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("%s: want a list of ids, got %T in it", fn, it)
		}
		out[i] = s
	}
	return out, nil
}

func indicatorOf(fn string, x any) (*engine.IndicatorValue, error) {
	switch v := x.(type) {
	case engine.IndicatorValue:
		return &v, nil
	case *engine.IndicatorValue:
		return v, nil
	}
	return nil, fmt.Errorf("%s: want an indicator value, got %T", fn, x)
}

func (f *funcs) name(x any) (string, error) {
	v, err := indicatorOf("name", x)
	if err != nil {
		return "", err
	}
	return f.p.Name(f.lang, v.ID), nil
}

func (f *funcs) value(x any) (string, error) {
	v, err := indicatorOf("value", x)
	if err != nil {
		return "", err
	}
	return f.p.Value(f.lang, *v), nil
}

func citeOf(v *engine.IndicatorValue) string {
	src := Cite(v.Provenance)
	if v.Year == 0 {
		return src
	}
	return strconv.Itoa(v.Year) + "; " + src
}

func (f *funcs) cite(x any) (string, error) {
	v, err := indicatorOf("cite", x)
	if err != nil {
		return "", err
	}
	return citeOf(v), nil
}

func source(x any) (string, error) {
	switch v := x.(type) {
	case engine.IndicatorValue:
		return Cite(v.Provenance), nil
	case *engine.IndicatorValue:
		return Cite(v.Provenance), nil
	case indicators.Evidence:
		return Cite(v.Provenance), nil
	case *indicators.Evidence:
		return Cite(v.Provenance), nil
	}
	return "", fmt.Errorf("source: want an indicator value or an evidence item, got %T", x)
}

// eachIndicator calls fn for the indicator values of a list, or of a map in key order.
func eachIndicator(fn string, x any, each func(v *engine.IndicatorValue)) error {
	switch vs := x.(type) {
	case []engine.IndicatorValue:
		for i := range vs {
			each(&vs[i])
		}
	case map[string]engine.IndicatorValue:
		keys := make([]string, 0, len(vs))
		for k := range vs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := vs[k]
			each(&v)
		}
	default:
		return fmt.Errorf("%s: want indicator values, got %T", fn, x)
	}
	return nil
}

func sources(x any) (string, error) {
	var all []citation
	err := eachIndicator("sources", x, func(v *engine.IndicatorValue) { all = append(all, cite(v.Provenance)) })
	if err != nil {
		return "", err
	}
	slices.SortStableFunc(all, func(a, b citation) int { return strings.Compare(a.String(), b.String()) })
	return strings.Join(mergeCitations(all), "; "), nil
}

func (f *funcs) values(x any) (string, error) {
	var parts []string
	err := eachIndicator("values", x, func(v *engine.IndicatorValue) {
		s := f.p.Name(f.lang, v.ID) + ": " + f.p.Value(f.lang, *v)
		if v.Year != 0 {
			s += " (" + strconv.Itoa(v.Year) + ")"
		}
		parts = append(parts, s)
	})
	return strings.Join(parts, "; "), err
}

func (f *funcs) items(x any) (string, error) {
	es, ok := x.([]indicators.Evidence)
	if !ok {
		return "", fmt.Errorf("items: want evidence items, got %T", x)
	}
	parts := make([]string, len(es))
	for i := range es {
		e := &es[i]
		parts[i] = DateAt(f.lang, e.Date, e.DatePrecision) + ": " + summary(f.lang, e) + " (" + Cite(e.Provenance) + ")"
	}
	return strings.Join(parts, "; "), nil
}

func summary(lang string, e *indicators.Evidence) string {
	if de(lang) && e.SummaryDE != "" {
		return e.SummaryDE
	}
	return e.Summary
}

// plural returns one if x, a number or an indicator value with a numeric value, is 1, else other.
func plural(x any, one, other string) (string, error) {
	if v, err := indicatorOf("plural", x); err == nil {
		x = v.Value
	}
	n, ok := number(x)
	if !ok {
		return "", fmt.Errorf("plural: want a number, got %T %v", x, x)
	}
	if n == 1 {
		return one, nil
	}
	return other, nil
}
