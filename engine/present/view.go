package present

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// Report is an assessment worded in one language: what every output shows.
type Report struct {
	Lang           string
	Country        string // the country's name in Lang
	ISO3           string
	AsOf           string // the bundle's date, formatted (Date)
	AsOfISO        string // YYYY-MM-DD
	Overall        string // the class code: dark_red, light_red, none
	OverallLabel   string // "light red (critical on at least one criterion)"
	OverallLegend  string // the one-line legend of the classes, from thresholds.overall
	BasisLegend    string // the one-line legend of the bases
	PolicyRevision string
	InputDigest    string
	Evaluator      string // the evaluator that ran: compiled or opa (engine.Result.Evaluator)
	Criteria       []Criterion
}

// Criterion is one criterion's verdict with its reasons in reading order.
type Criterion struct {
	Number       int
	Title        string // "Behaviour towards the international community", without the number
	Verdict      string // the code: critical, possibly_critical, not_critical, insufficient_data
	VerdictLabel string
	Basis        string // published or calibration_default
	BasisLabel   string
	// Decided are the reasons that decided the verdict (they support exactly it); Supporting
	// the findings below it; Checked the checks that passed. Each in that order.
	Decided    []Reason
	Supporting []Reason
	Checked    []Reason
	Missing    []Item // indicators the criterion reads that the bundle lacks
	// MissingLabel heads the missing list and says what it could do: "Missing (could still
	// raise the verdict)", or that nothing can change a critical verdict.
	MissingLabel string
	// Sources are the publications the reasons used, as a reader cites them, each named once
	// with its locators (tables, sections, lists) merged.
	Sources []string
}

// Section is a labelled group of a criterion's reasons.
type Section struct {
	Key     string // decided, supporting or checked
	Label   string // "Decided by", "Also found", "Checked" in the report's language
	Reasons []Reason
}

// Sections returns the criterion's non-empty reason groups in reading order: decided,
// supporting, checked.
func (c *Criterion) Sections(lang string) []Section {
	var out []Section
	for _, s := range []Section{{Key: "decided", Reasons: c.Decided}, {Key: "supporting", Reasons: c.Supporting}, {Key: "checked", Reasons: c.Checked}} {
		if len(s.Reasons) > 0 {
			s.Label = T(lang, s.Key)
			out = append(out, s)
		}
	}
	return out
}

// Reason is one finding, worded.
type Reason struct {
	Code         string
	Verdict      string // the verdict it supports
	VerdictLabel string
	Signal       string // criterion 2: severe or concern
	SignalLabel  string
	Basis        string
	BasisLabel   string
	Text         string   // the message
	Values       []Value  // the values it used, unless Groups lists them
	Groups       []Group  // a long membership list, grouped: joined, known not joined, unknown
	Evidence     []Event  // the evidence items it used
	Parts        []Reason // the findings a count summarises (criterion 2's signals), one each
}

// Value is an indicator value a reason used.
type Value struct {
	ID    string // bundle field path: indices.pts
	Name  string // display name: Political Terror Scale
	Value string // as a reader reads it: "Not Free", "0.837", "in force since 14 October 2006 (state as a whole)"
	Year  string // the year the value describes, "" if none
	Note  string // the source's or the compiler's note on the value, in the report's language where the value has one (NoteIn)
	// NoteLabel heads the note: "note", "Anmerkung", "Anmerkung (englisch)" for a German
	// report showing a note the value has only in English.
	NoteLabel string
	// NoteEnglish says the note is English in a German report (the value has no note_de):
	// where a note is shown without its label (a table cell), it is marked with NoteLabel.
	NoteEnglish bool
	Source      string // as a reader cites it
	cite        citation
}

// Event is an evidence item a reason used.
type Event struct {
	ID          string
	Date        string // formatted at its precision
	Category    string
	Summary     string
	Source      string
	Note        string // as Value.Note
	NoteLabel   string // as Value.NoteLabel
	NoteEnglish bool   // as Value.NoteEnglish
	Quote       string // the sentence of the source the item rests on (evidence register)
	URL         string // where the source is
	cite        citation
}

// Group is a labelled list of display names.
type Group struct {
	Label string
	Names []string
}

// Item is an indicator by id and display name.
type Item struct {
	ID   string
	Name string
}

// groupAbove is the number of membership values above which a reason lists them in groups.
const groupAbove = 8

// Report words result r in lang.
func (p *Presenter) Report(r *engine.Result, lang string) (*Report, error) {
	out := &Report{
		Lang: lang, Country: countryName(r.Country, lang), ISO3: r.Country.ISO3,
		AsOf: Date(lang, r.AsOf), AsOfISO: r.AsOf, Overall: r.Overall,
		OverallLabel: p.OverallLabel(lang, r.Overall), OverallLegend: p.OverallLegend(lang),
		BasisLegend: BasisLegend(lang), PolicyRevision: r.PolicyRevision, InputDigest: r.InputDigest,
		Evaluator: r.Evaluator,
	}
	for i := range r.Criteria {
		c, err := p.Criterion(&r.Criteria[i], lang)
		if err != nil {
			return nil, err
		}
		out.Criteria = append(out.Criteria, *c)
	}
	return out, nil
}

// severity orders verdicts: critical 3, possibly_critical 2, not_critical 1, insufficient_data 0.
func severity(v string) int {
	switch v {
	case engine.Critical:
		return 3
	case engine.PossiblyCritical:
		return 2
	case engine.NotCritical:
		return 1
	}
	return 0
}

// Criterion words one criterion's result in lang.
func (p *Presenter) Criterion(c *engine.CriterionResult, lang string) (*Criterion, error) {
	out := &Criterion{
		Number: c.Criterion, Title: c.Title.In(lang), Verdict: c.Verdict, VerdictLabel: VerdictLabel(lang, c.Verdict),
		Basis: c.Basis, BasisLabel: BasisLabel(lang, c.Basis),
	}
	order := slices.Clone(c.Reasons)
	slices.SortStableFunc(order, func(a, b engine.Reason) int {
		if d := severity(b.Verdict) - severity(a.Verdict); d != 0 {
			return d
		}
		if a.Signal != b.Signal { // severe before concern
			return strings.Compare(b.Signal, a.Signal)
		}
		return strings.Compare(a.Code, b.Code)
	})
	unknown := map[string]bool{}
	for _, m := range c.Missing {
		unknown[m] = true
		out.Missing = append(out.Missing, Item{ID: m, Name: p.Name(lang, m)})
	}
	var summarised []int // indices into order of the reasons a count reason lists as its parts
	for i := range order {
		if _, ok := order[i].Vars["codes"]; ok && order[i].Signal == "" {
			for j := range order {
				if order[j].Signal != "" {
					summarised = append(summarised, j)
				}
			}
			break
		}
	}
	var cites []citation
	for i := range order {
		rs := &order[i]
		for _, v := range rs.Indicators {
			cites = append(cites, cite(v.Provenance))
		}
		for _, e := range rs.Evidence {
			cites = append(cites, cite(e.Provenance))
		}
		if slices.Contains(summarised, i) {
			continue
		}
		v, err := p.reason(rs, lang, unknown)
		if err != nil {
			return nil, fmt.Errorf("criterion %d: %w", c.Criterion, err)
		}
		if _, ok := rs.Vars["codes"]; ok {
			for _, j := range summarised {
				part, err := p.reason(&order[j], lang, unknown)
				if err != nil {
					return nil, fmt.Errorf("criterion %d: %w", c.Criterion, err)
				}
				v.Parts = append(v.Parts, *part)
			}
		}
		switch {
		case rs.Verdict == c.Verdict:
			out.Decided = append(out.Decided, *v)
		case severity(rs.Verdict) > severity(engine.NotCritical):
			out.Supporting = append(out.Supporting, *v)
		default:
			out.Checked = append(out.Checked, *v)
		}
	}
	out.Sources = mergeCitations(cites)
	switch {
	case len(out.Missing) == 0:
		out.MissingLabel = T(lang, "missing")
	case c.Verdict == engine.Critical:
		out.MissingLabel = T(lang, "missing_final")
	default:
		out.MissingLabel = T(lang, "missing_raise")
	}
	return out, nil
}

// reason words one reason. unknown holds the criterion's missing field paths.
func (p *Presenter) reason(r *engine.Reason, lang string, unknown map[string]bool) (*Reason, error) {
	text, err := p.Message(lang, r)
	if err != nil {
		return nil, err
	}
	out := &Reason{
		Code: r.Code, Verdict: r.Verdict, VerdictLabel: VerdictLabel(lang, r.Verdict),
		Signal: r.Signal, SignalLabel: SignalLabel(lang, r.Signal),
		Basis: r.Basis, BasisLabel: BasisLabel(lang, r.Basis), Text: text,
	}
	memberships := 0
	for _, v := range r.Indicators {
		if strings.HasPrefix(v.ID, "memberships.") {
			memberships++
		}
	}
	if memberships > groupAbove && memberships == len(r.Indicators) {
		out.Groups = p.groups(r, lang, unknown)
	} else {
		for _, v := range r.Indicators {
			out.Values = append(out.Values, p.value(lang, v))
		}
	}
	for i := range r.Evidence {
		e := &r.Evidence[i]
		c := cite(e.Provenance)
		note, english := NoteIn(lang, e.Provenance)
		out.Evidence = append(out.Evidence, Event{
			ID: e.ID, Date: DateAt(lang, e.Date, e.DatePrecision), Category: e.Category, Summary: summary(lang, e),
			Source: c.String(), Note: note, NoteLabel: NoteLabel(lang, english), NoteEnglish: english, Quote: e.Quote, URL: e.URL, cite: c,
		})
	}
	return out, nil
}

func (p *Presenter) value(lang string, v engine.IndicatorValue) Value {
	c := cite(v.Provenance)
	note, english := NoteIn(lang, v.Provenance)
	out := Value{ID: v.ID, Name: p.ValueName(lang, v.ID), Value: p.Value(lang, v), Note: note,
		NoteLabel: NoteLabel(lang, english), NoteEnglish: english, Source: c.String(), cite: c}
	if v.Ref != "" {
		out.ID = v.Ref
	}
	if v.Year != 0 {
		out.Year = strconv.Itoa(v.Year)
	}
	return out
}

// groups lists a reason's memberships as joined, known not joined and (from vars.unknown, or
// the criterion's missing list) unknown.
func (p *Presenter) groups(r *engine.Reason, lang string, unknown map[string]bool) []Group {
	var joined, gaps, unk []string
	for _, v := range r.Indicators {
		name := p.Name(lang, v.ID)
		if v.Value == "party" {
			joined = append(joined, name)
		} else {
			detail := p.Value(lang, v)
			if n := MarkedNote(lang, v.Provenance); n != "" {
				detail += "; " + n
			}
			gaps = append(gaps, name+" ("+detail+")")
		}
	}
	if ids, err := stringList("unknown", r.Vars["unknown"]); err == nil {
		for _, id := range ids {
			unk = append(unk, p.Name(lang, "memberships."+id))
		}
	} else {
		for m := range unknown {
			if strings.HasPrefix(m, "memberships.") {
				unk = append(unk, p.Name(lang, m))
			}
		}
	}
	var out []Group
	for _, g := range []struct {
		key   string
		names []string
	}{{"not_joined", gaps}, {"unknown", unk}, {"joined", joined}} {
		if len(g.names) > 0 {
			slices.Sort(g.names)
			out = append(out, Group{Label: T(lang, g.key) + " (" + strconv.Itoa(len(g.names)) + ")", Names: g.names})
		}
	}
	return out
}

func countryName(c indicators.Country, lang string) string {
	if de(lang) && c.NameDE != "" {
		return c.NameDE
	}
	return c.NameEN
}
