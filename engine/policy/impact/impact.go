// Package impact compares two versions of the policies over a library of indicator
// bundles: it evaluates every country under both and reports each criterion verdict that
// changes (with the reasons added and removed), the overall classes that change, and
// totals per criterion. Policy staff run it before shipping a rule change; its exit
// status gates a merge.
package impact

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/present"
	"github.com/exportrisk/exportrisk/indicators"
)

// Policies names one side of the comparison.
type Policies struct {
	Source   string `json:"source"`   // where the policies came from
	Revision string `json:"revision"` // their policy revision (digest)
}

// Report is the outcome of a comparison.
type Report struct {
	Base      Policies `json:"base"`
	Head      Policies `json:"head"`
	Library   string   `json:"library"`         // where the bundles came from
	AsOf      string   `json:"as_of,omitempty"` // the date bundles were picked for ("" = latest)
	Countries int      `json:"countries"`       // how many countries were assessed

	Changes []Change        `json:"changes"` // criterion verdicts that changed, by country then criterion
	Overall []OverallChange `json:"overall"` // overall classes that changed, by country
	Totals  []Total         `json:"totals"`  // one per criterion the policies declare
	// ReasonsOnly counts criteria whose verdict stayed but whose reasons (codes) changed.
	ReasonsOnly int `json:"reasons_only"`
}

// Changed reports whether any verdict or overall class changed.
func (r *Report) Changed() bool { return len(r.Changes) > 0 || len(r.Overall) > 0 }

// Change is one criterion verdict that differs between base and head.
type Change struct {
	Country   string   `json:"country"` // ISO3
	Name      string   `json:"name"`    // English name
	AsOf      string   `json:"as_of"`   // the bundle's date
	Criterion int      `json:"criterion"`
	From      string   `json:"from"` // verdict under base
	To        string   `json:"to"`   // verdict under head
	Added     []Reason `json:"added"`
	Removed   []Reason `json:"removed"`
}

// Direction says whether a change makes the verdict more severe (+1), less severe (-1),
// or neither (0: to or from insufficient data).
func (c Change) Direction() int { return Direction(c.From, c.To) }

// Reason is a reason added or removed, with its message.
type Reason struct {
	Code    string      `json:"code"`
	Verdict string      `json:"verdict"` // the verdict it supports
	Message engine.Text `json:"message"`
}

// OverallChange is an overall class that differs.
type OverallChange struct {
	Country  string `json:"country"`
	Name     string `json:"name"`
	From     string `json:"from"`
	To       string `json:"to"`
	Critical [2]int `json:"critical_count"` // critical criteria under base and head
}

// Total counts the changes of one criterion.
type Total struct {
	Criterion   int            `json:"criterion"`
	Changed     int            `json:"changed"`
	MoreSevere  int            `json:"more_severe"`
	LessSevere  int            `json:"less_severe"`
	Other       int            `json:"other"`       // to or from insufficient data
	Transitions map[string]int `json:"transitions"` // "from -> to": count
}

var severity = map[string]int{engine.NotCritical: 1, engine.PossiblyCritical: 2, engine.Critical: 3}

// Direction compares two verdicts: +1 if to is more severe, -1 if less, 0 if equal or
// either is insufficient data (which is not on the scale).
func Direction(from, to string) int {
	a, b := severity[from], severity[to]
	switch {
	case a == 0 || b == 0 || a == b:
		return 0
	case b > a:
		return 1
	}
	return -1
}

// Pair is one country assessed under both versions.
type Pair struct {
	Base, Head *engine.Result
	// Words word the messages of base's and head's reasons (each side with its own
	// templates); nil leaves messages empty.
	Words [2]*present.Presenter
}

// Compare builds the report from results paired by country (base and head must assess
// the same bundle). The Base, Head, Library and AsOf fields are left to the caller.
func Compare(pairs []Pair) (*Report, error) {
	return compare(pairs, true)
}

// compare is Compare; with sameInput false, base and head may have assessed different
// bundles of the same country and date (evidence added to one of them).
func compare(pairs []Pair, sameInput bool) (*Report, error) {
	r := &Report{Changes: []Change{}, Overall: []OverallChange{}, Countries: len(pairs)}
	totals := map[int]*Total{} // every criterion the policies declare, changed or not
	for _, p := range pairs {
		for _, c := range p.Base.Criteria {
			if totals[c.Criterion] == nil {
				totals[c.Criterion] = &Total{Criterion: c.Criterion, Transitions: map[string]int{}}
			}
		}
	}
	sorted := append([]Pair(nil), pairs...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i].Base, sorted[j].Base
		if a.Country.ISO3 != b.Country.ISO3 {
			return a.Country.ISO3 < b.Country.ISO3
		}
		return a.AsOf < b.AsOf
	})
	for _, p := range sorted {
		b, h := p.Base, p.Head
		if b.Country.ISO3 != h.Country.ISO3 || b.AsOf != h.AsOf || (sameInput && b.InputDigest != h.InputDigest) {
			return nil, fmt.Errorf("compare: base assessed %s as of %s, head %s as of %s: not the same bundle",
				b.Country.ISO3, b.AsOf, h.Country.ISO3, h.AsOf)
		}
		for _, bc := range b.Criteria {
			hc := h.Criterion(bc.Criterion)
			if hc == nil {
				return nil, fmt.Errorf("compare %s: head has no criterion %d", b.Country.ISO3, bc.Criterion)
			}
			added, removed, err := diffReasons(bc.Reasons, hc.Reasons, p.Words)
			if err != nil {
				return nil, fmt.Errorf("compare %s: %w", b.Country.ISO3, err)
			}
			if bc.Verdict == hc.Verdict {
				if len(added)+len(removed) > 0 {
					r.ReasonsOnly++
				}
				continue
			}
			c := Change{Country: b.Country.ISO3, Name: b.Country.NameEN, AsOf: b.AsOf, Criterion: bc.Criterion,
				From: bc.Verdict, To: hc.Verdict, Added: added, Removed: removed}
			r.Changes = append(r.Changes, c)
			t := totals[bc.Criterion]
			t.Changed++
			t.Transitions[c.From+" -> "+c.To]++
			switch c.Direction() {
			case 1:
				t.MoreSevere++
			case -1:
				t.LessSevere++
			default:
				t.Other++
			}
		}
		if b.Overall != h.Overall {
			r.Overall = append(r.Overall, OverallChange{Country: b.Country.ISO3, Name: b.Country.NameEN,
				From: b.Overall, To: h.Overall, Critical: [2]int{b.CriticalCount, h.CriticalCount}})
		}
	}
	for n := range totals {
		r.Totals = append(r.Totals, *totals[n])
	}
	sort.Slice(r.Totals, func(i, j int) bool { return r.Totals[i].Criterion < r.Totals[j].Criterion })
	return r, nil
}

// diffReasons returns the reasons of head whose code base does not have, and those of
// base whose code head does not have, each in code order.
func diffReasons(base, head []engine.Reason, words [2]*present.Presenter) (added, removed []Reason, err error) {
	codes := func(rs []engine.Reason) map[string]engine.Reason {
		m := map[string]engine.Reason{}
		for _, r := range rs {
			if _, ok := m[r.Code]; !ok {
				m[r.Code] = r
			}
		}
		return m
	}
	b, h := codes(base), codes(head)
	message := func(p *present.Presenter, r *engine.Reason) (engine.Text, error) {
		var t engine.Text
		if p == nil {
			return t, nil
		}
		var err error
		if t.EN, err = p.Message("en", r); err != nil {
			return t, err
		}
		t.DE, err = p.Message("de", r)
		return t, err
	}
	for code, r := range h {
		if _, ok := b[code]; !ok {
			m, err := message(words[1], &r)
			if err != nil {
				return nil, nil, err
			}
			added = append(added, Reason{Code: code, Verdict: r.Verdict, Message: m})
		}
	}
	for code, r := range b {
		if _, ok := h[code]; !ok {
			m, err := message(words[0], &r)
			if err != nil {
				return nil, nil, err
			}
			removed = append(removed, Reason{Code: code, Verdict: r.Verdict, Message: m})
		}
	}
	byCode := func(rs []Reason) {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	}
	byCode(added)
	byCode(removed)
	if added == nil {
		added = []Reason{}
	}
	if removed == nil {
		removed = []Reason{}
	}
	return added, removed, nil
}

// Options tune Run.
type Options struct {
	AsOf    string // pick each country's latest bundle on or before this date; "" for the latest
	Workers int    // parallel evaluations; 0 for GOMAXPROCS
}

// BundleError is a bundle of the library that could not be picked or loaded.
type BundleError struct{ Err error }

func (e *BundleError) Error() string { return e.Err.Error() }
func (e *BundleError) Unwrap() error { return e.Err }

// Run assesses each country's bundle of lib under base and head and compares them.
// A bundle that cannot be loaded is a *BundleError; a failed evaluation is returned as is.
func Run(ctx context.Context, base, head *engine.Engine, lib *indicators.Library, opts Options) (*Report, error) {
	countries := lib.Countries()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	pairs := make([]Pair, len(countries))
	errs := make([]error, len(countries))
	var g errgroup.Group // errors are kept per country: a country without a bundle is skipped
	g.SetLimit(workers)
	// The presenters (the reasons' message templates of both sides) are made beside the
	// first assessments, not before them.
	var words [2]*present.Presenter
	var wordsErr error
	g.Go(func() error {
		for i, e := range []*engine.Engine{base, head} {
			if words[i], wordsErr = present.New(e); wordsErr != nil {
				break
			}
		}
		return nil
	})
	for i := range countries {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			pairs[i], errs[i] = assessBoth(ctx, base, head, lib, countries[i], opts.AsOf)
			return nil
		})
	}
	_ = g.Wait()
	if wordsErr != nil {
		return nil, wordsErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var kept []Pair
	for i, err := range errs {
		var skip *noBundleError
		switch {
		case errors.As(err, &skip):
		case err != nil:
			return nil, err
		default:
			pairs[i].Words = words
			kept = append(kept, pairs[i])
		}
	}
	r, err := Compare(kept)
	if err != nil {
		return nil, err
	}
	r.Base = Policies{Source: base.Policies().Source, Revision: base.Policies().Revision}
	r.Head = Policies{Source: head.Policies().Source, Revision: head.Policies().Revision}
	r.Library, r.AsOf = lib.Name(), opts.AsOf
	return r, nil
}

// noBundleError: the country has no bundle on or before the date; it is left out.
type noBundleError struct{ error }

func assessBoth(ctx context.Context, base, head *engine.Engine, lib *indicators.Library, iso3, asOf string) (Pair, error) {
	entries := lib.Entries(iso3)
	if asOf != "" && len(entries) > 0 && entries[0].AsOf > asOf {
		return Pair{}, &noBundleError{fmt.Errorf("%s: no bundle on or before %s", iso3, asOf)}
	}
	e, err := lib.Find(iso3, asOf)
	if err != nil {
		return Pair{}, &BundleError{err}
	}
	b, err := lib.Load(e)
	if err != nil {
		return Pair{}, &BundleError{err}
	}
	in, err := engine.NewInput(b) // one input, assessed under both revisions
	if err != nil {
		return Pair{}, &BundleError{err}
	}
	rb, err := base.AssessInput(ctx, in)
	if err != nil {
		return Pair{}, fmt.Errorf("base policies: %w", err)
	}
	rh, err := head.AssessInput(ctx, in)
	if err != nil {
		return Pair{}, fmt.Errorf("head policies: %w", err)
	}
	return Pair{Base: rb.Result, Head: rh.Result}, nil
}
