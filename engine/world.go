package engine

import (
	"context"
	"fmt"
	"runtime"
	"strconv"

	"golang.org/x/sync/errgroup"

	"github.com/exportrisk/exportrisk/indicators"
)

// World is the assessment of every country of a library under one policy revision:
// exportrisk assess --all, and the server's world overview (web page, GET /v1/countries).
type World struct {
	AsOf             string              `json:"as_of,omitempty"` // the as-of date asked for; empty = each country's latest bundle
	PolicyRevision   string              `json:"policy_revision"`
	Countries        []CountryVerdicts   `json:"countries"`
	Classes          map[string]int      `json:"classes"`           // overall class -> number of countries
	InsufficientData map[string][]string `json:"insufficient_data"` // criterion "1".."8" -> ISO3 codes
	NoBundle         []string            `json:"no_bundle,omitempty"`

	assessments []CountryAssessment // in the order of Countries
	byISO       map[string]int
}

// CountryVerdicts is one country's line of the world table.
type CountryVerdicts struct {
	ISO3          string   `json:"iso3"`
	NameEN        string   `json:"name_en"`
	NameDE        string   `json:"name_de"`
	AsOf          string   `json:"as_of"`
	Bundle        string   `json:"bundle"`
	Verdicts      []string `json:"verdicts"` // criteria 1..8
	Overall       string   `json:"overall"`
	CriticalCount int      `json:"critical_count"`
	DecisionID    string   `json:"decision_id,omitempty"` // set by callers that record the assessment
}

// CountryAssessment is the assessment of one bundle of a library (its Source is the library
// name / path).
type CountryAssessment struct {
	Entry indicators.Entry
	*Assessment
}

// Assessments returns every country's assessment, in the order of w.Countries.
func (w *World) Assessments() []CountryAssessment { return w.assessments }

// Country returns a country's assessment.
func (w *World) Country(iso3 string) (CountryAssessment, bool) {
	i, ok := w.byISO[iso3]
	if !ok {
		return CountryAssessment{}, false
	}
	return w.assessments[i], true
}

// WorldError says which bundle kept the world from being assessed. Load errors are
// the library's (a *indicators.ValidationError for an invalid bundle); Assess errors
// are the engine's (policies that fail on the bundle).
type WorldError struct {
	Path   string
	Assess bool // the engine failed, not the loading
	Err    error
}

func (e *WorldError) Error() string {
	if e.Assess {
		return fmt.Sprintf("assess %s: %v", e.Path, e.Err)
	}
	return e.Err.Error()
}

func (e *WorldError) Unwrap() error { return e.Err }

// AssessWorld assesses the latest bundle of every country in lib dated on or before asOf
// ("" for each country's latest), with one prepared engine. Countries are evaluated in
// parallel (one worker per CPU; the engine is safe for concurrent use); the result is in
// ISO3 order whatever the scheduling. On failure it returns a *WorldError.
func AssessWorld(ctx context.Context, e *Engine, lib *indicators.Library, asOf string) (*World, error) {
	w := &World{
		AsOf: asOf, PolicyRevision: e.Policies().Revision,
		Classes:          map[string]int{DarkRed: 0, LightRed: 0, None: 0},
		InsufficientData: map[string][]string{},
		byISO:            map[string]int{},
	}
	var entries []indicators.Entry
	for _, iso := range lib.Countries() {
		entry, err := lib.Find(iso, asOf)
		if err != nil {
			w.NoBundle = append(w.NoBundle, iso)
			continue
		}
		entries = append(entries, entry)
	}
	outcomes := make([]CountryAssessment, len(entries))
	errs := make([]error, len(entries))
	var g errgroup.Group // every entry is assessed; the first error in entry order is returned
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range entries {
		g.Go(func() error {
			outcomes[i], errs[i] = assessEntry(ctx, e, lib, entries[i])
			return nil
		})
	}
	_ = g.Wait()
	for i := range entries {
		if errs[i] != nil {
			return nil, errs[i]
		}
		a := outcomes[i]
		res := a.Result
		cv := CountryVerdicts{
			ISO3: a.Entry.ISO3, NameEN: a.Bundle.Country.NameEN, NameDE: a.Bundle.Country.NameDE, AsOf: a.Bundle.AsOf,
			Bundle: a.Source, Overall: res.Overall, CriticalCount: res.CriticalCount,
			Verdicts: make([]string, len(res.Criteria)),
		}
		for _, c := range res.Criteria {
			if c.Criterion < 1 || c.Criterion > len(cv.Verdicts) {
				continue
			}
			cv.Verdicts[c.Criterion-1] = c.Verdict
			if c.Verdict == InsufficientData {
				k := strconv.Itoa(c.Criterion)
				w.InsufficientData[k] = append(w.InsufficientData[k], a.Entry.ISO3)
			}
		}
		w.Classes[res.Overall]++
		w.byISO[a.Entry.ISO3] = len(w.Countries)
		w.Countries = append(w.Countries, cv)
		w.assessments = append(w.assessments, a)
	}
	return w, nil
}

// assessEntry loads one library bundle and assesses it.
func assessEntry(ctx context.Context, e *Engine, lib *indicators.Library, entry indicators.Entry) (CountryAssessment, error) {
	ca := CountryAssessment{Entry: entry}
	b, err := lib.Load(entry)
	if err != nil {
		return ca, &WorldError{Path: entry.Path, Err: err}
	}
	in, err := NewInput(b)
	if err != nil {
		return ca, &WorldError{Path: entry.Path, Err: err}
	}
	if ca.Assessment, err = e.AssessInput(ctx, in); err != nil {
		return ca, &WorldError{Path: entry.Path, Assess: true, Err: err}
	}
	ca.Source = lib.Name() + "/" + entry.Path
	return ca, nil
}
