package engine

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/exportrisk/exportrisk/indicators"
)

// Reasons are decided in Rego and presented here. A reason the policies emit is small:
//
//	{"code": "C2-PTS-HIGH", "verdict": "possibly_critical", "signal": "severe",
//	 "vars": {"limit": 4}, "indicators": ["indices.pts"], "evidence": []}
//
// The rule's METADATA (custom.code, custom.verdict, custom.signal, custom.message.en and
// custom.message.de) is the one home of its message: Go text/template over vars. The engine
// parses every template once, in New, renders both languages after each evaluation, and
// expands the indicator paths and evidence ids into the values and items of the evaluated
// bundle (value, year, provenance). Besides vars, a template sees:
//
//	.indicators   the expanded indicator values, in the reason's order ([]IndicatorValue)
//	.evidence     the expanded evidence items, in the reason's order ([]indicators.Evidence)
//	.indices      the indicator values by index id, e.g. .indices.pts (likewise .memberships,
//	.memberships  by instrument id, and .embargoes, by the rest of the path: the authority,
//	.embargoes    or authority.addressee); a template that names a value its reason does not
//	              reference fails
//
// Indicator paths are indices.<id>, memberships.<id>, embargoes.<authority> (the authority's
// only record) and embargoes.<authority>.<addressee>; an expanded value's id is the bundle field
// path without the addressee (embargoes.EU). An unknown code, a path or evidence id the bundle
// does not have, a verdict or signal other than the METADATA's, or a template error fails the
// assessment: the policies broke the result contract.
//
// And these functions, in the template's language (numbers with a decimal comma and dates as
// DD.MM.YYYY in German; names from data.labels of the policy data):
//
//	num x            a number
//	date d           a YYYY-MM-DD date
//	label kind id    the display name of an index, instrument or embargo authority
//	                 (kind indices, memberships or embargoes); the id itself without a label
//	names kind ids   the display names of ids, sorted by id, joined by ", "
//	join xs sep      xs (strings or numbers) joined by sep
//	name v           the display name of indicator value v
//	value v          the value of v as text: a label from data.labels.values, else the number
//	cite v           "year; source" of v ("source" without a year)
//	source v         the source of an indicator value or evidence item: "cited (source)" when
//	                 a compilation cites an original source, else the source alone
//	sources vs       the distinct sources and cited sources of vs, sorted, joined by "; "
//	values vs        vs as "name: value (cite)", joined by "; " (vs: a list, or a map such as
//	                 .indices, in key order)
//	items es         evidence items as "date: summary (source)", joined by "; " (German: the
//	                 German summary where there is one)
//	plural n one other
//	                 one if n (a number or an indicator value) is 1, else other

// Template keys the engine provides; vars may not use them.
const (
	keyIndicators  = "indicators"
	keyEvidence    = "evidence"
	keyIndices     = "indices"
	keyMemberships = "memberships"
	keyEmbargoes   = "embargoes"
)

var reservedKeys = []string{keyIndicators, keyEvidence, keyIndices, keyMemberships, keyEmbargoes}

// Languages of the messages, in the order of msgTemplate.tmpl.
var languages = [...]string{"en", "de"}

// msgTemplate is the METADATA of one reason code.
type msgTemplate struct {
	code      string
	criterion int // from the package criteria.cN that declares the code; 0 elsewhere
	verdict   string
	signal    string
	where     string // file:row of the METADATA, for errors
	tmpl      [len(languages)]*template.Template
}

// renderer renders the reasons of one policy set.
type renderer struct {
	codes map[string]*msgTemplate
}

// newRenderer reads every rule annotation with custom.code and parses its templates.
func newRenderer(c *ast.Compiler, labels any) (*renderer, error) {
	lbl := readLabels(labels)
	var funcs [len(languages)]template.FuncMap
	for i := range languages {
		funcs[i] = (&language{de: languages[i] == "de", labels: lbl}).funcs()
	}
	r := &renderer{codes: map[string]*msgTemplate{}}
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
		if prev, dup := r.codes[code]; dup {
			return nil, fmt.Errorf("%s: custom.code %s is already declared at %s", where, code, prev.where)
		}
		m := &msgTemplate{code: code, criterion: criterionOf(entry.Path), where: where}
		m.verdict, _ = a.Custom["verdict"].(string)
		switch m.verdict {
		case Critical, PossiblyCritical, NotCritical, InsufficientData:
		default:
			return nil, fmt.Errorf("%s: %s: custom.verdict: want critical, possibly_critical, not_critical or insufficient_data, got %v", where, code, a.Custom["verdict"])
		}
		if s, ok := a.Custom["signal"]; ok {
			if m.signal, _ = s.(string); m.signal == "" {
				return nil, fmt.Errorf("%s: %s: custom.signal: want a non-empty string, got %v", where, code, s)
			}
		}
		msg, _ := a.Custom["message"].(map[string]any)
		for i, lang := range languages {
			text, _ := msg[lang].(string)
			if strings.TrimSpace(text) == "" {
				return nil, fmt.Errorf("%s: %s: custom.message.%s is missing or empty", where, code, lang)
			}
			t, err := template.New(code + "." + lang).Option("missingkey=error").Funcs(funcs[i]).Parse(text)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: custom.message.%s: %w", where, code, lang, err)
			}
			m.tmpl[i] = t
		}
		r.codes[code] = m
	}
	return r, nil
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

// render turns a reason of criterion n into its result form: messages in both languages,
// indicator values and evidence items from the bundle.
func (r *renderer) render(n int, raw *rawReason, b *bundleIndex, buf *strings.Builder) (Reason, error) {
	m, ok := r.codes[raw.code]
	if !ok {
		return Reason{}, fmt.Errorf("reason code %q is not declared in any rule's METADATA (custom.code)", raw.code)
	}
	if m.criterion != 0 && m.criterion != n {
		return Reason{}, fmt.Errorf("%s: reason of criterion %d is declared in criteria.c%d (%s)", raw.code, n, m.criterion, m.where)
	}
	if raw.verdict != m.verdict || raw.signal != m.signal {
		return Reason{}, fmt.Errorf("%s: reason says verdict %q, signal %q; its METADATA (%s) says verdict %q, signal %q",
			raw.code, raw.verdict, raw.signal, m.where, m.verdict, m.signal)
	}
	out := Reason{Code: raw.code, Criterion: n, Verdict: raw.verdict, Signal: raw.signal}
	data := raw.vars
	if data == nil {
		data = make(map[string]any, len(reservedKeys))
	}
	for _, k := range reservedKeys {
		if _, clash := data[k]; clash {
			return Reason{}, fmt.Errorf("%s: vars.%s: the name is reserved for the engine", raw.code, k)
		}
	}
	out.Indicators = make([]IndicatorValue, len(raw.indicators))
	var sections [3]map[string]IndicatorValue // indices, memberships, embargoes
	for i, path := range raw.indicators {
		v, section, key, err := b.indicator(path)
		if err != nil {
			return Reason{}, fmt.Errorf("%s: indicators[%d]: %w", raw.code, i, err)
		}
		out.Indicators[i] = v
		if sections[section] == nil {
			sections[section] = make(map[string]IndicatorValue, len(raw.indicators)-i)
		}
		sections[section][key] = v
	}
	out.Evidence = make([]indicators.Evidence, len(raw.evidence))
	for i, id := range raw.evidence {
		e, err := b.evidenceItem(id)
		if err != nil {
			return Reason{}, fmt.Errorf("%s: evidence[%d]: %w", raw.code, i, err)
		}
		out.Evidence[i] = e
	}
	data[keyIndicators] = out.Indicators
	data[keyEvidence] = out.Evidence
	data[keyIndices] = sections[sectionIndices]
	data[keyMemberships] = sections[sectionMemberships]
	data[keyEmbargoes] = sections[sectionEmbargoes]
	var texts [len(languages)]string
	for i, t := range m.tmpl {
		buf.Reset()
		if err := t.Execute(buf, data); err != nil {
			return Reason{}, fmt.Errorf("%s: render message.%s: %w", raw.code, languages[i], err)
		}
		texts[i] = buf.String()
	}
	out.Message = Text{EN: texts[0], DE: texts[1]}
	return out, nil
}

const (
	sectionIndices = iota
	sectionMemberships
	sectionEmbargoes
)

// bundleIndex looks up the values and items reasons reference in one bundle.
type bundleIndex struct {
	b *indicators.Bundle
}

// indicator expands a field path: indices.<id>, memberships.<id>, embargoes.<authority> (the
// authority's only record) or embargoes.<authority>.<addressee>. It returns the value, its
// section and its key in the section.
func (x *bundleIndex) indicator(path string) (IndicatorValue, int, string, error) {
	section, key, _ := strings.Cut(path, ".")
	switch section {
	case "indices":
		if v, ok := x.b.Indices[key]; ok {
			return IndicatorValue{ID: path, Value: v.Value, Year: v.Year, Provenance: v.Provenance}, sectionIndices, key, nil
		}
	case "memberships":
		if v, ok := x.b.Memberships[key]; ok {
			return IndicatorValue{ID: path, Value: v.Status, Year: v.Year, Provenance: v.Provenance}, sectionMemberships, key, nil
		}
	case "embargoes":
		authority, addressee, qualified := strings.Cut(key, ".")
		found := -1
		for i, e := range x.b.Embargoes {
			if e.Authority != authority || (qualified && e.Addressee != addressee) {
				continue
			}
			if found >= 0 {
				return IndicatorValue{}, 0, "", fmt.Errorf("%s: the bundle has several records for %s; name one as embargoes.%s.<addressee>", path, authority, authority)
			}
			found = i
		}
		if found >= 0 {
			e := x.b.Embargoes[found]
			return IndicatorValue{
				ID: "embargoes." + authority, Value: e.InForce, Addressee: e.Addressee, Since: e.Since,
				Unconfirmed: e.Unconfirmed, Provenance: e.Provenance,
			}, sectionEmbargoes, key, nil
		}
	default:
		return IndicatorValue{}, 0, "", fmt.Errorf("%q: want a path indices.<id>, memberships.<id> or embargoes.<authority>", path)
	}
	return IndicatorValue{}, 0, "", fmt.Errorf("%s: the bundle has no such value", path)
}

func (x *bundleIndex) evidenceItem(id string) (indicators.Evidence, error) {
	for _, e := range x.b.Evidence {
		if e.ID == id {
			return e, nil
		}
	}
	return indicators.Evidence{}, fmt.Errorf("%q: the bundle has no evidence item with this id", id)
}

// labels are the display names of data.labels: group (indices, memberships, embargoes) ->
// id -> [en, de], and values: scope (index id, memberships, embargoes) -> value -> [en, de].
type labels struct {
	names  map[string]map[string][2]string
	values map[string]map[string][2]string
}

func readLabels(doc any) *labels {
	l := &labels{names: map[string]map[string][2]string{}, values: map[string]map[string][2]string{}}
	m, _ := doc.(map[string]any)
	for group, ids := range m {
		target := l.names
		if group == "values" {
			target = l.values
		}
		if group == "values" {
			scopes, _ := ids.(map[string]any)
			for scope, vals := range scopes {
				target[scope] = readNames(vals)
			}
			continue
		}
		target[group] = readNames(ids)
	}
	return l
}

func readNames(x any) map[string][2]string {
	out := map[string][2]string{}
	m, _ := x.(map[string]any)
	for id, v := range m {
		name, _ := v.(map[string]any)
		en, _ := name["en"].(string)
		de, _ := name["de"].(string)
		out[id] = [2]string{en, de}
	}
	return out
}

// language holds the template functions of one language.
type language struct {
	de     bool
	labels *labels
}

func (l *language) funcs() template.FuncMap {
	return template.FuncMap{
		"num":     l.num,
		"date":    l.date,
		"label":   l.label,
		"names":   l.names,
		"join":    l.join,
		"name":    l.name,
		"value":   l.value,
		"cite":    l.cite,
		"source":  source,
		"sources": sources,
		"values":  l.values,
		"items":   l.items,
		"plural":  plural,
	}
}

func (l *language) pick(t [2]string) string {
	if l.de {
		return t[1]
	}
	return t[0]
}

func (l *language) num(x any) (string, error) {
	switch v := x.(type) {
	case int:
		return strconv.Itoa(v), nil
	case float64:
		return l.float(v), nil
	}
	return "", fmt.Errorf("num: want a number, got %T %v", x, x)
}

func (l *language) float(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if l.de {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func (l *language) date(x any) (string, error) {
	s, ok := x.(string)
	y, rest, ok1 := strings.Cut(s, "-")
	m, d, ok2 := strings.Cut(rest, "-")
	if !ok || !ok1 || !ok2 {
		return "", fmt.Errorf("date: want YYYY-MM-DD, got %v", x)
	}
	if l.de {
		return d + "." + m + "." + y, nil
	}
	return s, nil
}

func (l *language) label(kind, id string) string {
	if t, ok := l.labels.names[kind][id]; ok {
		return l.pick(t)
	}
	return id
}

func (l *language) names(kind string, ids any) (string, error) {
	list, err := stringList("names", ids)
	if err != nil {
		return "", err
	}
	list = slices.Clone(list)
	sort.Strings(list)
	for i, id := range list {
		list[i] = l.label(kind, id)
	}
	return strings.Join(list, ", "), nil
}

func (l *language) join(xs any, sep string) (string, error) {
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
		s, err := l.num(x)
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

func indicatorOf(fn string, x any) (*IndicatorValue, error) {
	switch v := x.(type) {
	case IndicatorValue:
		return &v, nil
	case *IndicatorValue:
		return v, nil
	}
	return nil, fmt.Errorf("%s: want an indicator value, got %T", fn, x)
}

// nameOf is the display name of an indicator value.
func (l *language) nameOf(v *IndicatorValue) string {
	section, id, _ := strings.Cut(v.ID, ".")
	return l.label(section, id)
}

func (l *language) name(x any) (string, error) {
	v, err := indicatorOf("name", x)
	if err != nil {
		return "", err
	}
	return l.nameOf(v), nil
}

func (l *language) valueOf(v *IndicatorValue) string {
	section, id, _ := strings.Cut(v.ID, ".")
	scope := section
	if section == "indices" {
		scope = id
	}
	var s string
	switch x := v.Value.(type) {
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		s = strconv.Itoa(x)
	default:
		s = fmt.Sprint(x)
	}
	if t, ok := l.labels.values[scope][s]; ok {
		return l.pick(t)
	}
	if f, ok := v.Value.(float64); ok {
		return l.float(f)
	}
	return s
}

func (l *language) value(x any) (string, error) {
	v, err := indicatorOf("value", x)
	if err != nil {
		return "", err
	}
	return l.valueOf(v), nil
}

func citeOf(v *IndicatorValue) string {
	src := sourceOf(&v.Provenance)
	if v.Year == 0 {
		return src
	}
	return strconv.Itoa(v.Year) + "; " + src
}

func (l *language) cite(x any) (string, error) {
	v, err := indicatorOf("cite", x)
	if err != nil {
		return "", err
	}
	return citeOf(v), nil
}

func sourceOf(p *indicators.Provenance) string {
	if p.CitedSource == "" {
		return p.Source
	}
	return p.CitedSource + " (" + p.Source + ")"
}

func source(x any) (string, error) {
	switch v := x.(type) {
	case IndicatorValue:
		return sourceOf(&v.Provenance), nil
	case *IndicatorValue:
		return sourceOf(&v.Provenance), nil
	case indicators.Evidence:
		return sourceOf(&v.Provenance), nil
	case *indicators.Evidence:
		return sourceOf(&v.Provenance), nil
	}
	return "", fmt.Errorf("source: want an indicator value or an evidence item, got %T", x)
}

// eachIndicator calls fn for the indicator values of a list, or of a map in key order.
func eachIndicator(fn string, x any, each func(v *IndicatorValue)) error {
	switch vs := x.(type) {
	case []IndicatorValue:
		for i := range vs {
			each(&vs[i])
		}
	case map[string]IndicatorValue:
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
	var all []string
	err := eachIndicator("sources", x, func(v *IndicatorValue) {
		all = append(all, v.Source)
		if v.CitedSource != "" {
			all = append(all, v.CitedSource)
		}
	})
	if err != nil {
		return "", err
	}
	sort.Strings(all)
	return strings.Join(slices.Compact(all), "; "), nil
}

func (l *language) values(x any) (string, error) {
	var sb strings.Builder
	err := eachIndicator("values", x, func(v *IndicatorValue) {
		if sb.Len() > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(l.nameOf(v))
		sb.WriteString(": ")
		sb.WriteString(l.valueOf(v))
		sb.WriteString(" (")
		sb.WriteString(citeOf(v))
		sb.WriteString(")")
	})
	return sb.String(), err
}

func (l *language) items(x any) (string, error) {
	es, ok := x.([]indicators.Evidence)
	if !ok {
		return "", fmt.Errorf("items: want evidence items, got %T", x)
	}
	var sb strings.Builder
	for i := range es {
		e := &es[i]
		if i > 0 {
			sb.WriteString("; ")
		}
		d, err := l.date(e.Date)
		if err != nil {
			return "", fmt.Errorf("items: evidence %s: %w", e.ID, err)
		}
		summary := e.Summary
		if l.de && e.SummaryDE != "" {
			summary = e.SummaryDE
		}
		sb.WriteString(d)
		sb.WriteString(": ")
		sb.WriteString(summary)
		sb.WriteString(" (")
		sb.WriteString(sourceOf(&e.Provenance))
		sb.WriteString(")")
	}
	return sb.String(), nil
}

// plural returns one if x, a number or an indicator value with a numeric value, is 1, else other.
func plural(x any, one, other string) (string, error) {
	if v, err := indicatorOf("plural", x); err == nil {
		x = v.Value
	}
	switch n := x.(type) {
	case int:
		if n == 1 {
			return one, nil
		}
		return other, nil
	case float64:
		if n == 1 {
			return one, nil
		}
		return other, nil
	}
	return "", fmt.Errorf("plural: want a number, got %T %v", x, x)
}
