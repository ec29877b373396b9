package history_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/engine"
	"github.com/exportrisk/exportrisk/engine/history"
	"github.com/exportrisk/exportrisk/engine/policy"
	"github.com/exportrisk/exportrisk/fixtures"
	"github.com/exportrisk/exportrisk/indicators"
)

var (
	engOnce sync.Once
	eng     *engine.Engine
	engErr  error
)

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	engOnce.Do(func() {
		p, err := policy.Embedded()
		if err != nil {
			engErr = err
			return
		}
		eng, engErr = engine.New(context.Background(), p)
	})
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}

// bundle is a synthetic bundle (not real data): conflict counts and coups for criteria 3
// and 4, HDI above the criterion-8 bound.
func bundle(iso, asOf string, interstate, coups int) []byte {
	y := asOf[:4]
	return fmt.Appendf(nil, `schema_version: 1
country: {iso3: %s, name_en: Testland, name_de: Testland}
as_of: %s
indices:
  ucdp_interstate_conflicts: {value: %d, year: %s, source: synthetic, note: "conflict list"}
  ucdp_neighbour_conflicts: {value: 0, year: %s, source: synthetic}
  ucdp_internal_conflicts: {value: 0, year: %s, source: synthetic}
  coups_20y: {value: %d, year: %s, source: synthetic}
  hdi: {value: 0.9, year: %s, source: synthetic}
memberships: {}
embargoes: []
evidence: []
`, iso, asOf, interstate, y, y, y, coups, y, y)
}

// library: ALB is calm in 2021, party to a war in 2022, and has a coup in 2023 while the
// war goes on; BEL is calm throughout; CHL has no 2022 bundle and a mid-2023 one.
func library(t testing.TB) *indicators.Library {
	t.Helper()
	m := fstest.MapFS{
		"ALB-2021-12-31.yaml": {Data: bundle("ALB", "2021-12-31", 0, 0)},
		"ALB-2022-12-31.yaml": {Data: bundle("ALB", "2022-12-31", 1, 0)},
		"ALB-2023-12-31.yaml": {Data: bundle("ALB", "2023-12-31", 1, 1)},
		"BEL-2021-12-31.yaml": {Data: bundle("BEL", "2021-12-31", 0, 0)},
		"BEL-2022-12-31.yaml": {Data: bundle("BEL", "2022-12-31", 0, 0)},
		"BEL-2023-12-31.yaml": {Data: bundle("BEL", "2023-12-31", 0, 0)},
		"CHL-2021-12-31.yaml": {Data: bundle("CHL", "2021-12-31", 0, 0)},
		"CHL-2023-06-30.yaml": {Data: bundle("CHL", "2023-06-30", 0, 0)},
	}
	lib, err := indicators.OpenLibrary(m, "test")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// summary is a change in a line: "2021→2022 C4 not_critical→critical worse +C4-INTERSTATE-CONFLICT -C4-PASS".
func summary(c history.Change) string {
	s := fmt.Sprintf("%s→%s C%d %s→%s %s", c.From, c.To, c.Criterion, c.Before, c.After, c.Direction)
	for _, r := range c.Appeared {
		s += " +" + r.Code
	}
	for _, r := range c.Disappeared {
		s += " -" + r.Code
	}
	return s
}

func TestCountry(t *testing.T) {
	svc := history.New(newEngine(t), library(t))
	if diff := cmp.Diff([]int{2021, 2022, 2023}, svc.Years()); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	c, err := svc.Country(context.Background(), "ALB", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range c.Changes {
		got = append(got, summary(ch))
	}
	want := []string{
		"2021→2022 C4 not_critical→critical worse +C4-INTERSTATE-CONFLICT -C4-PASS",
		"2021→2022 C0 none→light_red worse",
		// the verdicts held, the coup is reported: criterion 3 rises to possibly critical,
		// criterion 4 stays critical with a new reason below its verdict
		"2022→2023 C3 not_critical→possibly_critical worse +C3-COUP -C3-PASS",
		"2022→2023 C4 critical→critical same +C4-COUP",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if len(c.Years) != 3 || c.Years[1].Verdicts[3] != engine.Critical || c.Years[1].Overall != engine.LightRed {
		t.Errorf("years = %+v", c.Years)
	}
	war := c.Changes[0].Appeared[0]
	if len(war.Indicators) != 1 || war.Indicators[0].ID != "indices.ucdp_interstate_conflicts" || war.Indicators[0].Note != "conflict list" {
		t.Errorf("the reason does not carry the value behind it: %+v", war)
	}
	// A year without a bundle dated in it is a gap, not a carried verdict; a year's latest
	// bundle dated in it counts for it.
	ccc, err := svc.Country(context.Background(), "CHL", 0, 0)
	if err != nil || len(ccc.Years) != 2 || ccc.Years[0].Year != 2021 || ccc.Years[1].AsOf != "2023-06-30" {
		t.Errorf("CHL = %+v, %v; want 2021 and 2023 (as of 2023-06-30)", ccc, err)
	}
	// from/to bound the years.
	part, err := svc.Country(context.Background(), "ALB", 2022, 2023)
	if err != nil || len(part.Years) != 2 || part.Years[0].Year != 2022 {
		t.Errorf("2022-2023 = %+v, %v", part, err)
	}
	for name, tc := range map[string]struct {
		iso      string
		from, to int
		want     error
	}{
		"unknown country": {"ZZZ", 0, 0, history.ErrNoCountry},
		"no such years":   {"ALB", 2030, 2031, history.ErrNoCountry},
	} {
		if _, err := svc.Country(context.Background(), tc.iso, tc.from, tc.to); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", name, err, tc.want)
		}
	}
	if _, err := svc.Country(context.Background(), "ALB", 2023, 2021); err == nil {
		t.Error("from after to: no error")
	}
}

func TestDiffAndAlerts(t *testing.T) {
	e := newEngine(t)
	svc := history.New(e, library(t))
	d, err := svc.Diff(context.Background(), 2021, 2022)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cr := range d.Criteria {
		for _, ch := range cr.Changes {
			got = append(got, fmt.Sprintf("%d %s %s", cr.Criterion, ch.ISO3, summary(ch)))
		}
	}
	want := []string{
		"4 ALB 2021→2022 C4 not_critical→critical worse +C4-INTERSTATE-CONFLICT -C4-PASS",
		"0 ALB 2021→2022 C0 none→light_red worse",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	// CHL's 2021 bundle is its latest on or before 2022-12-31: as assess --all --as-of.
	if d.Countries != 3 || d.Changed != 1 || d.Criteria[0].Title.EN == "" {
		t.Errorf("countries %d, changed %d, title %q", d.Countries, d.Changed, d.Criteria[0].Title.EN)
	}
	if _, err := svc.Diff(context.Background(), 2019, 2022); !errors.Is(err, history.ErrNoYear) {
		t.Errorf("a year without bundles: err = %v", err)
	}

	now, err := svc.World(context.Background(), 2023)
	if err != nil {
		t.Fatal(err)
	}
	calm := []string{"not_critical", "not_critical", "not_critical", "not_critical", "not_critical", "insufficient_data", "insufficient_data", "not_critical"}
	decisions := []history.Decision{
		{DecisionID: "d1", Country: "ALB", AsOf: "2021-12-31", Overall: "none", Verdicts: calm},
		{DecisionID: "d2", Country: "BEL", AsOf: "2021-12-31", Overall: "none", Verdicts: calm},
		{DecisionID: "d3", Country: "ZZZ", AsOf: "2021-12-31", Overall: "none", Verdicts: calm},
		{DecisionID: "d4", Country: "ALB", AsOf: "2026-01-01", Overall: "none", Verdicts: calm}, // newer than now
	}
	alerts := history.Alerts(decisions, now)
	if len(alerts) != 1 || alerts[0].Decision.DecisionID != "d1" || alerts[0].AsOfNow != "2023-12-31" {
		t.Fatalf("alerts = %+v, want d1 only", alerts)
	}
	var worse []string
	for _, ch := range alerts[0].Worse {
		worse = append(worse, fmt.Sprintf("C%d %s→%s", ch.Criterion, ch.Before, ch.After))
	}
	if diff := cmp.Diff([]string{"C3 not_critical→possibly_critical", "C4 not_critical→critical", "C0 none→light_red"}, worse); diff != "" {
		t.Errorf("worse (-want +got):\n%s", diff)
	}
}

func TestDirection(t *testing.T) {
	for _, tc := range []struct{ before, after, want string }{
		{"not_critical", "critical", "worse"},
		{"possibly_critical", "critical", "worse"},
		{"critical", "possibly_critical", "better"},
		{"insufficient_data", "critical", "worse"},
		{"insufficient_data", "possibly_critical", "worse"},
		{"insufficient_data", "not_critical", "data"},
		{"critical", "insufficient_data", "data"},
		{"none", "dark_red", "worse"},
		{"critical", "critical", ""},
	} {
		if got := history.Direction(tc.before, tc.after); got != tc.want {
			t.Errorf("Direction(%s, %s) = %q, want %q", tc.before, tc.after, got, tc.want)
		}
	}
}

// TestShippedHistory checks the shipped history the README shows: Ukraine's criterion 4 turns
// critical when Russia becomes a party to the war in Donbas (UCDP, data year 2014) and the
// 2023 bundle names the interstate war; Mali's coups of 2020 and 2021 are reported.
func TestShippedHistory(t *testing.T) {
	lib, err := indicators.OpenLibrary(fixtures.FS, "fixtures")
	if err != nil {
		t.Fatal(err)
	}
	svc := history.New(newEngine(t), lib)
	ukr, err := svc.Country(context.Background(), "UKR", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	words, err := history.WordsOf(newEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := history.WriteCountryText(&text, "en", ukr, words); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2014 → 2015\n",
		"4. Preservation of regional peace, security and stability: possibly critical → critical (worse)",
		"13306 Ukraine (internationalised intrastate), primary party",
		"13243 Russia (Soviet Union), Ukraine (interstate), primary party",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("history UKR does not say %q", want)
		}
	}
	mli, err := svc.Country(context.Background(), "MLI", 2019, 2021)
	if err != nil {
		t.Fatal(err)
	}
	var coups []string
	for _, ch := range mli.Changes {
		for _, r := range ch.Appeared {
			if r.Code == "C3-COUP" {
				coups = append(coups, ch.To+": "+r.Indicators[0].Note)
			}
		}
	}
	if len(coups) != 2 || !strings.Contains(coups[0], "2020-08-18") || !strings.Contains(coups[1], "2021-05-21") {
		t.Errorf("Mali's coups: %q", coups)
	}

	// Criterion 2 turns critical by a count of signals: the change names the signals that
	// appeared and disappeared (PTS 3 -> 4: a severe signal for a concern one), not only the count.
	idn, err := svc.Country(context.Background(), "IDN", 2022, 2023)
	if err != nil {
		t.Fatal(err)
	}
	var c2 []string
	for _, ch := range idn.Changes {
		if ch.Criterion == 2 {
			c2 = append(c2, summary(ch))
		}
	}
	if want := []string{"2022→2023 C2 possibly_critical→critical worse +C2-SIGNALS-CRITICAL +C2-PTS-HIGH -C2-PTS-ELEVATED"}; !slices.Equal(c2, want) {
		t.Errorf("IDN 2022→2023 criterion 2:\n got %q\nwant %q", c2, want)
	}
}

// TestWorldCachedOnce: concurrent requests for a year share one assessment.
func TestWorldCachedOnce(t *testing.T) {
	svc := history.New(newEngine(t), library(t))
	var wg sync.WaitGroup
	worlds := make([]*engine.World, 8)
	for i := range worlds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := svc.World(context.Background(), 2022)
			if err != nil {
				t.Error(err)
			}
			worlds[i] = w
		}()
	}
	wg.Wait()
	for _, w := range worlds[1:] {
		if w != worlds[0] || w == nil {
			t.Fatal("the world of 2022 was assessed more than once")
		}
	}
}
