package history

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// assessYear assesses every country's latest bundle on or before year-12-31, as
// "assess --all --as-of YEAR-12-31" does.
func assessYear(ctx context.Context, e *engine.Engine, lib *indicators.Library, year int) (*engine.World, error) {
	w, err := engine.AssessWorld(ctx, e, lib, AsOf(year))
	if err != nil {
		return nil, fmt.Errorf("assess the world of %d: %w", year, err)
	}
	return w, nil
}

// countryHistory assesses one country's bundle of each year.
func countryHistory(ctx context.Context, s *Service, iso3 string, from, to int) (*Country, error) {
	years := s.Years()
	if len(years) == 0 {
		return nil, fmt.Errorf("%s: %w", s.lib.Name(), ErrNoYear)
	}
	if from == 0 {
		from = years[0]
	}
	if to == 0 {
		to = years[len(years)-1]
	}
	if from > to {
		return nil, fmt.Errorf("history of %s: from %d is after to %d", iso3, from, to)
	}
	c := &Country{ISO3: iso3, PolicyRevision: s.engine.Policies().Revision}
	for _, y := range years {
		if y < from || y > to {
			continue
		}
		entry, err := s.lib.Find(iso3, AsOf(y))
		if err != nil || !strings.HasPrefix(entry.AsOf, strconv.Itoa(y)) {
			continue // no bundle of that year: a gap, not a carried verdict
		}
		b, err := s.lib.Load(entry)
		if err != nil {
			return nil, err
		}
		a, err := s.engine.Assess(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("assess %s/%s: %w", s.lib.Name(), entry.Path, err)
		}
		res := a.Result
		c.NameEN, c.NameDE = b.Country.NameEN, b.Country.NameDE
		c.Years = append(c.Years, Year{
			Year: y, AsOf: b.AsOf, Bundle: s.lib.Name() + "/" + entry.Path,
			Verdicts: verdicts(res), Overall: res.Overall, CriticalCount: res.CriticalCount, Result: res,
		})
	}
	if len(c.Years) == 0 {
		return nil, fmt.Errorf("%s from %d to %d: %w in %s", iso3, from, to, ErrNoCountry, s.lib.Name())
	}
	for i := 1; i < len(c.Years); i++ {
		a, b := c.Years[i-1], c.Years[i]
		c.Changes = append(c.Changes, changes(iso3, c.NameEN, c.NameDE,
			strconv.Itoa(a.Year), a.Result, strconv.Itoa(b.Year), b.Result, true)...)
	}
	return c, nil
}

// verdicts returns a result's verdicts in criterion order (criteria 1..n, as the policies
// declare them).
func verdicts(res *engine.Result) []string {
	out := make([]string, len(res.Criteria))
	for _, c := range res.Criteria {
		if c.Criterion >= 1 && c.Criterion <= len(out) {
			out[c.Criterion-1] = c.Verdict
		}
	}
	return out
}

// changes lists what differs between two results of one country: each criterion whose
// verdict changed, with the reasons that appeared and disappeared, then the overall class.
// With held, a criterion whose verdict held is listed too when one of its reasons appeared
// or disappeared or a headline event behind it rose (Direction Same, see heldChange).
func changes(iso3, nameEN, nameDE, fromLabel string, a *engine.Result, toLabel string, b *engine.Result, held bool) []Change {
	var out []Change
	for n := 1; n <= max(len(a.Criteria), len(b.Criteria)); n++ {
		ca, cb := a.Criterion(n), b.Criterion(n)
		if ca == nil || cb == nil {
			continue
		}
		if ca.Verdict == cb.Verdict {
			if !held {
				continue
			}
			if app, gone := heldChange(ca, cb); len(app)+len(gone) > 0 {
				out = append(out, Change{
					ISO3: iso3, NameEN: nameEN, NameDE: nameDE, From: fromLabel, To: toLabel,
					Criterion: n, Before: ca.Verdict, After: cb.Verdict, Direction: Same,
					Appeared: app, Disappeared: gone,
				})
			}
			continue
		}
		out = append(out, Change{
			ISO3: iso3, NameEN: nameEN, NameDE: nameDE, From: fromLabel, To: toLabel,
			Criterion: n, Before: ca.Verdict, After: cb.Verdict, Direction: Direction(ca.Verdict, cb.Verdict),
			Appeared:    deciding(cb, ca),
			Disappeared: deciding(ca, cb),
		})
	}
	if a.Overall != b.Overall {
		out = append(out, Change{
			ISO3: iso3, NameEN: nameEN, NameDE: nameDE, From: fromLabel, To: toLabel,
			Criterion: Overall, Before: a.Overall, After: b.Overall, Direction: Direction(a.Overall, b.Overall),
			Appeared: []Reason{}, Disappeared: []Reason{},
		})
	}
	return out
}

// headlineEvents are the event counts whose rise a country's history reports even when the
// verdict held: a new coup attempt, a new war the state is a party to, a new internal
// armed conflict.
var headlineEvents = map[string]bool{
	"indices.coups_20y": true, "indices.ucdp_interstate_conflicts": true, "indices.ucdp_internal_conflicts": true,
}

// heldChange returns, for a criterion whose verdict held from a to b, the reasons that
// appeared and disappeared (pass and no-data reasons aside), and the reasons in both years
// whose headline event count rose (new in b, old in a). Both empty: nothing to report.
func heldChange(a, b *engine.CriterionResult) (appeared, disappeared []Reason) {
	appeared, disappeared = []Reason{}, []Reason{}
	byCode := func(c *engine.CriterionResult) map[string]engine.Reason {
		m := map[string]engine.Reason{}
		for _, r := range c.Reasons {
			if r.Verdict != engine.NotCritical && r.Verdict != engine.InsufficientData {
				m[r.Code] = r
			}
		}
		return m
	}
	ra, rb := byCode(a), byCode(b)
	for _, r := range b.Reasons {
		old, had := ra[r.Code]
		if _, counts := rb[r.Code]; !counts {
			continue
		}
		if !had {
			appeared = append(appeared, toReason(r))
			continue
		}
		if rose(old, r) {
			appeared = append(appeared, toReason(r))
			disappeared = append(disappeared, toReason(old))
		}
	}
	for _, r := range a.Reasons {
		if _, counts := ra[r.Code]; !counts {
			continue
		}
		if _, still := rb[r.Code]; !still {
			disappeared = append(disappeared, toReason(r))
		}
	}
	return appeared, disappeared
}

// rose reports whether a headline event count of r is higher than in old.
func rose(old, r engine.Reason) bool {
	before := map[string]float64{}
	for _, v := range old.Indicators {
		if f, ok := v.Value.(float64); ok && headlineEvents[v.ID] {
			before[v.ID] = f
		}
	}
	for _, v := range r.Indicators {
		if f, ok := v.Value.(float64); ok && headlineEvents[v.ID] && f > before[v.ID] {
			return true
		}
	}
	return false
}

func toReason(r engine.Reason) Reason { return r }

// deciding returns the reasons of c that support its verdict, then its signals (criterion 2:
// the findings a count reason adds up, whatever level each supports), whose code other has
// not. So a change of the count ("1 severe signal and 4 concern signals") comes with the
// signals that appeared or disappeared, which are what changed.
func deciding(c, other *engine.CriterionResult) []Reason {
	had := map[string]bool{}
	for _, r := range other.Reasons {
		had[r.Code] = true
	}
	out, signals := []Reason{}, []Reason{}
	for _, r := range c.Reasons {
		switch {
		case had[r.Code]:
		case r.Signal != "":
			signals = append(signals, toReason(r))
		case r.Verdict == c.Verdict:
			out = append(out, toReason(r))
		}
	}
	return append(out, signals...)
}

// Compare lists every verdict that differs between two worlds, grouped by criterion (1..8,
// then the overall class), countries in ISO3 order. criteria gives the titles (from the
// engine). Countries assessed on one side only are listed as such.
func Compare(fromLabel string, a *engine.World, toLabel string, b *engine.World, criteria []engine.CriterionInfo) *Diff {
	d := &Diff{
		From: fromLabel, To: toLabel, FromRevision: a.PolicyRevision, ToRevision: b.PolicyRevision,
		OnlyFrom: []string{}, OnlyTo: []string{}, Criteria: []Criterion{}, Decisions: []Alert{},
	}
	byCriterion := map[int][]Change{}
	for _, ca := range a.Assessments() {
		cb, ok := b.Country(ca.Entry.ISO3)
		if !ok {
			d.OnlyFrom = append(d.OnlyFrom, ca.Entry.ISO3)
			continue
		}
		d.Countries++
		cs := changes(ca.Entry.ISO3, ca.Bundle.Country.NameEN, ca.Bundle.Country.NameDE, fromLabel, ca.Result, toLabel, cb.Result, false)
		if len(cs) > 0 {
			d.Changed++
		}
		for _, c := range cs {
			byCriterion[c.Criterion] = append(byCriterion[c.Criterion], c)
		}
	}
	for _, cb := range b.Assessments() {
		if _, ok := a.Country(cb.Entry.ISO3); !ok {
			d.OnlyTo = append(d.OnlyTo, cb.Entry.ISO3)
		}
	}
	titles := map[int]engine.Text{}
	for _, c := range criteria {
		titles[c.Number] = c.Title
	}
	order := make([]int, 0, len(criteria)+1)
	for _, c := range criteria {
		order = append(order, c.Number)
	}
	for _, n := range append(order, Overall) {
		if cs := byCriterion[n]; len(cs) > 0 {
			sort.SliceStable(cs, func(i, j int) bool { return cs[i].ISO3 < cs[j].ISO3 })
			d.Criteria = append(d.Criteria, Criterion{Criterion: n, Title: titles[n], Changes: cs})
		}
	}
	return d
}

// Alerts returns the decisions whose country is rated worse in now than in the decision, on
// at least one criterion or in the overall class, in the order given. A decision on a bundle
// newer than the country's bundle in now is not compared (now is not "since" it).
func Alerts(decisions []Decision, now *engine.World) []Alert {
	out := []Alert{}
	for _, dec := range decisions {
		cur, ok := now.Country(dec.Country)
		if !ok || cur.Bundle.AsOf < dec.AsOf {
			continue
		}
		nowVerdicts := verdicts(cur.Result)
		if len(dec.Verdicts) != len(nowVerdicts) {
			continue
		}
		var worse []Change
		for i := range nowVerdicts {
			if Direction(dec.Verdicts[i], nowVerdicts[i]) == "worse" {
				worse = append(worse, alertChange(dec, cur, i+1, dec.Verdicts[i], nowVerdicts[i]))
			}
		}
		if Direction(dec.Overall, cur.Result.Overall) == "worse" {
			worse = append(worse, alertChange(dec, cur, Overall, dec.Overall, cur.Result.Overall))
		}
		if len(worse) > 0 {
			out = append(out, Alert{Decision: dec, AsOfNow: cur.Bundle.AsOf, Worse: worse})
		}
	}
	return out
}

func alertChange(dec Decision, cur engine.CountryAssessment, n int, before, after string) Change {
	c := Change{
		ISO3: dec.Country, NameEN: cur.Bundle.Country.NameEN, NameDE: cur.Bundle.Country.NameDE,
		From: dec.AsOf, To: cur.Bundle.AsOf, Criterion: n, Before: before, After: after,
		Direction: Direction(before, after), Appeared: []Reason{}, Disappeared: []Reason{},
	}
	if cr := cur.Result.Criterion(n); cr != nil {
		for _, r := range cr.Reasons {
			if r.Verdict == cr.Verdict {
				c.Appeared = append(c.Appeared, r)
			}
		}
	}
	return c
}
