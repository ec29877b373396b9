// Package history assesses the shipped world history — one bundle per country and year,
// dated 31 December (2012 to 2024 in the shipped fixtures) — and says what changed and why.
//
// It answers three questions:
//
//   - What did the world look like in a year? World(ctx, year) assesses every country's
//     bundle dated year-12-31 (an engine.World, as "assess --all --as-of" gives it).
//   - How did one country fare over the years? Country(ctx, iso3, from, to) gives the eight
//     verdicts and the overall class per year and, for every verdict that changed from one
//     year to the next, the reasons that appeared or disappeared with the indicator values
//     behind them.
//   - What flipped between two years? Diff(ctx, from, to) compares two years of the world;
//     Compare does the same for any two worlds (two builds of the same year after a data
//     update). Alerts lists the recorded decisions whose country got worse since.
//
// The verdicts come from the engine and the bundles only: this package compares results, it
// never decides a verdict. A Service caches the worlds it has assessed (one per year), so a
// server can answer many requests from one assessment; it is safe for concurrent use.
//
// Reasons are the engine's reasons (decision data); engine/present words them. The rendering
// of histories and diffs for people (table, Markdown, CSV) is in render.go: messages, names,
// values, verdicts and classes come from engine/present, the few words of its own are in one
// table there.
package history

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/indicators"
)

// Overall is the Criterion number of a change of the overall class.
const Overall = 0

// Same is the Direction of a verdict that held while an event behind it changed (a new
// coup, a new war): only a country's history lists those.
const Same = "same"

// ErrNoYear is returned (wrapped) for a year without shipped bundles.
var ErrNoYear = errors.New("no bundles for this year")

// ErrNoCountry is returned (wrapped) for a country without bundles in the asked years.
var ErrNoCountry = errors.New("no bundles for this country")

// Service assesses the bundles of one library under one engine. Create it with New.
type Service struct {
	engine *engine.Engine
	lib    *indicators.Library

	mu     sync.Mutex
	worlds map[int]*worldOnce
}

type worldOnce struct {
	once  sync.Once
	world *engine.World
	err   error
}

// New returns a Service over lib (typically the shipped fixtures) and e.
func New(e *engine.Engine, lib *indicators.Library) *Service {
	return &Service{engine: e, lib: lib, worlds: map[int]*worldOnce{}}
}

// AsOf is the as_of date of a year's bundles: YEAR-12-31.
func AsOf(year int) string { return fmt.Sprintf("%04d-12-31", year) }

// Years lists the years with at least one bundle dated YEAR-12-31 in the library, oldest first.
func (s *Service) Years() []int {
	seen := map[int]bool{}
	for _, iso := range s.lib.Countries() {
		for _, e := range s.lib.Entries(iso) {
			if len(e.AsOf) == 10 && e.AsOf[4:] == "-12-31" {
				if y, err := strconv.Atoi(e.AsOf[:4]); err == nil {
					seen[y] = true
				}
			}
		}
	}
	out := make([]int, 0, len(seen))
	for y := range seen {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// hasYear reports whether year is one of Years.
func (s *Service) hasYear(year int) bool {
	for _, y := range s.Years() {
		if y == year {
			return true
		}
	}
	return false
}

// World assesses every country's bundle dated year-12-31 (countries without one are left
// out, not carried from an earlier year). The result is cached per year.
func (s *Service) World(ctx context.Context, year int) (*engine.World, error) {
	if !s.hasYear(year) {
		return nil, fmt.Errorf("year %d: %w in %s (years: %s)", year, ErrNoYear, s.lib.Name(), yearList(s.Years()))
	}
	s.mu.Lock()
	w := s.worlds[year]
	if w == nil {
		w = &worldOnce{}
		s.worlds[year] = w
	}
	s.mu.Unlock()
	w.once.Do(func() { w.world, w.err = assessYear(ctx, s.engine, s.lib, year) })
	if w.err != nil {
		// Do not cache a failure (a cancelled context must not poison later requests).
		s.mu.Lock()
		delete(s.worlds, year)
		s.mu.Unlock()
	}
	return w.world, w.err
}

// Year is one year of a country's history.
type Year struct {
	Year          int            `json:"year"`
	AsOf          string         `json:"as_of"`
	Bundle        string         `json:"bundle"`   // where the bundle came from (library / path)
	Verdicts      []string       `json:"verdicts"` // criteria 1..8
	Overall       string         `json:"overall"`
	CriticalCount int            `json:"critical_count"`
	Result        *engine.Result `json:"-"` // the full assessment, for callers that show reasons
}

// Reason is a reason that appeared or disappeared with a change: the engine's reason (code,
// verdict, basis, raw vars, the indicator values it used). engine/present words it.
type Reason = engine.Reason

// Change is one verdict (or the overall class) that differs between two assessments of the
// same country.
type Change struct {
	ISO3      string `json:"iso3"`
	NameEN    string `json:"name_en"`
	NameDE    string `json:"name_de"`
	From      string `json:"from"` // label of the earlier side: a year ("2022") or a build name
	To        string `json:"to"`
	Criterion int    `json:"criterion"` // 1..8, or Overall (0) for the overall class
	Before    string `json:"before"`    // verdict or overall class before
	After     string `json:"after"`
	// Direction is "worse", "better" or "data" (see the function Direction), or Same when
	// the verdict held and an event behind one of its reasons changed.
	Direction   string   `json:"direction"`
	Appeared    []Reason `json:"appeared"`    // reasons supporting After that Before did not have
	Disappeared []Reason `json:"disappeared"` // reasons supporting Before that After no longer has
}

// Country is a country's history: one Year per year with a bundle, and every change from
// one year to the next.
type Country struct {
	ISO3           string `json:"iso3"`
	NameEN         string `json:"name_en"`
	NameDE         string `json:"name_de"`
	PolicyRevision string `json:"policy_revision"`
	Years          []Year `json:"years"`
	// Changes, in year order (criteria 1..8, then the overall class): every verdict that
	// changed, and every verdict that held while an event behind it changed (Same).
	Changes []Change `json:"changes"`
}

// Country assesses iso3's bundle of every year from..to (inclusive; 0 for the first or the
// last shipped year: Years) and lists the changes between consecutive years with bundles.
// A year's bundle is the country's latest bundle dated in that year (normally 31 December);
// a year without one is left out, never filled from another year.
func (s *Service) Country(ctx context.Context, iso3 string, from, to int) (*Country, error) {
	return countryHistory(ctx, s, iso3, from, to)
}

// Criterion groups the changes of one criterion (or of the overall class: Criterion 0).
type Criterion struct {
	Criterion int         `json:"criterion"`
	Title     engine.Text `json:"title"`
	Changes   []Change    `json:"changes"` // by country
}

// Diff is what changed between two worlds.
type Diff struct {
	From         string      `json:"from"` // label: a year or a build name
	To           string      `json:"to"`
	FromRevision string      `json:"from_policy_revision"`
	ToRevision   string      `json:"to_policy_revision"`
	Countries    int         `json:"countries"` // countries assessed on both sides
	Changed      int         `json:"changed"`   // countries with at least one change
	Criteria     []Criterion `json:"criteria"`  // criteria 1..8 then the overall class, only those with changes
	OnlyFrom     []string    `json:"only_from"` // ISO3 assessed only on the From side
	OnlyTo       []string    `json:"only_to"`   // ISO3 assessed only on the To side
	Decisions    []Alert     `json:"decisions"` // set by the caller with Alerts
}

// Diff compares the worlds of two years (Years), every verdict that flipped grouped by
// criterion, with the reasons.
func (s *Service) Diff(ctx context.Context, from, to int) (*Diff, error) {
	a, err := s.World(ctx, from)
	if err != nil {
		return nil, err
	}
	b, err := s.World(ctx, to)
	if err != nil {
		return nil, err
	}
	return Compare(strconv.Itoa(from), a, strconv.Itoa(to), b, s.engine.Criteria()), nil
}

// Decision is what Alerts needs of a recorded decision (engine/audit's Summary carries it).
type Decision struct {
	DecisionID string   `json:"decision_id"`
	Timestamp  string   `json:"timestamp"`
	Requester  string   `json:"requester"`
	CaseRef    string   `json:"case_ref,omitempty"`
	Country    string   `json:"country"`
	AsOf       string   `json:"as_of"`
	Overall    string   `json:"overall"`
	Verdicts   []string `json:"verdicts"` // criteria 1..8
}

// Alert is a recorded decision whose country is rated worse now (in the To world) than in
// the decision, on at least one criterion. In its changes, Appeared holds the reasons for
// the verdict now (the decision's own reasons are in its audit record).
type Alert struct {
	Decision Decision `json:"decision"`
	AsOfNow  string   `json:"as_of_now"` // as_of of the bundle the country is rated on now
	Worse    []Change `json:"worse"`     // the criteria (and the overall class) now worse
}

// Severity orders verdicts and classes: critical 3, possibly critical 2, not critical 1,
// insufficient data 0; dark red 3, light red 2, none 1. Unknown strings are 0.
func Severity(v string) int {
	switch v {
	case engine.Critical, engine.DarkRed:
		return 3
	case engine.PossiblyCritical, engine.LightRed:
		return 2
	case engine.NotCritical, engine.None:
		return 1
	}
	return 0
}

// Direction says how a verdict moved: "worse" (more severe, or from insufficient data to
// critical or possibly critical), "better" (less severe), "data" (to insufficient data, or
// from it to not critical: what changed is what is known) or "" (unchanged).
func Direction(before, after string) string {
	if before == after {
		return ""
	}
	b, a := Severity(before), Severity(after)
	switch {
	case a == 0, b == 0 && a < 2:
		return "data"
	case a > b:
		return "worse"
	default:
		return "better"
	}
}

func yearList(ys []int) string {
	if len(ys) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d to %d", ys[0], ys[len(ys)-1])
}
