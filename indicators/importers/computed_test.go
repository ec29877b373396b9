package importers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exportrisk/exportrisk/indicators"
)

func valueOf(t *testing.T, vals []Value, iso, id string) Value {
	t.Helper()
	return pick(t, vals, iso, id, 0)
}

func TestConflictFacts(t *testing.T) {
	t.Parallel()
	conflicts, um, err := ReadConflicts(open(t, "acd.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"South Vietnam", "South Vietnam"}, names(um)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
	excl, err := ReadExclusions(open(t, "exclusions.csv"), "exclusions.csv")
	if err != nil {
		t.Fatal(err)
	}
	isos := []string{"RUS", "UKR", "MLI", "DEU", "FRA", "SWE", "USA", "IRQ", "COL", "BLR", "PSE", "ISL"}
	vals := ConflictFacts(conflicts, excl, 2023, isos, map[string]bool{"PSE": true})
	tests := map[string]struct {
		iso, id string
		want    float64
		note    string
	}{
		"interstate, primary party (side A)":        {"RUS", "ucdp_interstate_conflicts", 1, "13243"},
		"interstate, primary party (side B)":        {"UKR", "ucdp_interstate_conflicts", 1, "primary party"},
		"UN mandated contributor not counted":       {"DEU", "ucdp_interstate_conflicts", 0, "not counted (UN mandated): 11347 Mali (MINUSMA)"},
		"host of a UN-only internationalised war":   {"MLI", "ucdp_interstate_conflicts", 0, ""},
		"internal conflict on the territory":        {"MLI", "ucdp_internal_conflicts", 1, "11347"},
		"non-UN coalition member counts":            {"USA", "ucdp_interstate_conflicts", 1, "259 Iraq"},
		"host with non-UN foreign forces counts":    {"IRQ", "ucdp_interstate_conflicts", 1, "primary party"},
		"France: Iraq in 2023, Mali kept 2020":      {"FRA", "ucdp_international_conflicts_10y", 1, "11347"},
		"Germany: MINUSMA 2020 not in the 10 years": {"DEU", "ucdp_international_conflicts_10y", 0, "not counted"},
		"internal conflict the year before":         {"COL", "ucdp_internal_conflicts", 1, "2022 or 2023"},
		"neighbour at war (RUS, UKR)":               {"BLR", "ucdp_neighbour_conflicts", 2, "RUS, UKR"},
		"no land neighbour":                         {"ISL", "ucdp_neighbour_conflicts", 0, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := valueOf(t, vals, tc.iso, tc.id)
			if v.Value != tc.want || !strings.Contains(v.Note, tc.note) {
				t.Errorf("got %v (%s), want %v (note containing %q)", v.Value, v.Note, tc.want, tc.note)
			}
			if v.Year != 2023 || !strings.Contains(v.Source, "v24.1") {
				t.Errorf("year %d, source %q", v.Year, v.Source)
			}
		})
	}
	if has(vals, "PSE", "ucdp_internal_conflicts") {
		t.Error("Palestine is outside UCDP's state system: unknown, not 0")
	}
}

func TestLandNeighboursSymmetric(t *testing.T) {
	t.Parallel()
	// countries.csv lists India as Sri Lanka's neighbour but not the reverse (no land border).
	if got := LandNeighbours("LKA"); len(got) != 0 {
		t.Errorf("LKA neighbours = %v, want none", got)
	}
	if diff := cmp.Diff([]string{"CHN", "KGZ", "RUS", "TKM", "UZB"}, LandNeighbours("KAZ")); diff != "" {
		t.Errorf("KAZ neighbours (-want +got):\n%s", diff)
	}
}

func TestGovOSVYears(t *testing.T) {
	t.Parallel()
	rows, _, err := ReadOneSided(open(t, "onesided.csv"))
	if err != nil {
		t.Fatal(err)
	}
	vals := GovOSVYears(rows, 2023, []string{"RUS", "ETH", "ERI", "DEU"}, nil)
	tests := map[string]struct {
		iso  string
		want float64
		note string
	}{
		"abroad counts (Ukraine); 2017 is outside": {"RUS", 1, "2022: 540 deaths in Ukraine"},
		"coalition year counts once":               {"ETH", 2, "(as Government of Eritrea, Government of Ethiopia)"},
		"coalition member":                         {"ERI", 1, "2020"},
		"no row is 0":                              {"DEU", 0, "2019-2023"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := valueOf(t, vals, tc.iso, "ucdp_gov_osv_years_5y")
			if v.Value != tc.want || !strings.Contains(v.Note, tc.note) {
				t.Errorf("got %v (%s), want %v (%q)", v.Value, v.Note, tc.want, tc.note)
			}
		})
	}
}

func TestCoups20y(t *testing.T) {
	t.Parallel()
	coups, um, err := ReadCoups(open(t, "coups.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"South Vietnam"}, names(um)); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}
	asOf := time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	vals := Coups20y(coups, asOf, []string{"MLI", "THA", "NER", "DEU"}, nil)
	tests := map[string]struct {
		iso  string
		want float64
	}{
		"three in the window":                     {"MLI", 3},
		"2003-12-31 is exactly 20 years: outside": {"THA", 1},
		"after as_of does not count":              {"NER", 0},
		"none":                                    {"DEU", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if v := valueOf(t, vals, tc.iso, "coups_20y"); v.Value != tc.want {
				t.Errorf("got %v (%s), want %v", v.Value, v.Note, tc.want)
			}
		})
	}
}

func TestAlliedForces(t *testing.T) {
	t.Parallel()
	deps, um, err := ReadDeployments(open(t, "deployments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(um) != 1 || !strings.Contains(um[0].Reason, "maritime") {
		t.Errorf("maritime row should be unmatched: %+v", um)
	}
	asOf := time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	vals := AlliedForces(deps, asOf, []string{"MLI", "NER", "MOZ", "LVA", "POL", "ISL"}, true)
	tests := map[string]struct {
		iso  string
		want bool
		note string
	}{
		"ended on as_of still present":         {"MLI", true, "MINUSMA in MLI [general_knowledge]"},
		"neighbour's mission counts":           {"NER", true, "MINUSMA in MLI"},
		"predecessor mission from the note":    {"MOZ", true, "(as EUTM Mozambique)"},
		"battlegroup in a neighbour (Estonia)": {"LVA", true, "battlegroup Estonia in EST"},
		"mission started after as_of":          {"POL", false, "no UN peacekeeping"},
		"none":                                 {"ISL", false, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := valueOf(t, vals, tc.iso, "allied_forces_present")
			if v.Value != tc.want || !strings.Contains(v.Note, tc.note) {
				t.Errorf("got %v (%s), want %v (%q)", v.Value, v.Note, tc.want, tc.note)
			}
		})
	}
	// Before the table is complete, only a presence is a fact: an absence is unknown.
	partial := AlliedForces(deps, asOf, []string{"MLI", "ISL"}, false)
	if len(partial) != 1 || partial[0].ISO3 != "MLI" || partial[0].Value != true || !strings.Contains(partial[0].Note, "misses most missions that ended before") {
		t.Errorf("incomplete table: %+v, want MLI present only", partial)
	}
}

func TestResolveMemberships(t *testing.T) {
	t.Parallel()
	withdrawals, err := ReadWithdrawals(open(t, "withdrawals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	curated, err := ReadCuratedMemberships(open(t, "memberships.csv"), withdrawals)
	if err != nil {
		t.Fatal(err)
	}
	summary, err := ReadTreatySummary(open(t, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	asOf := time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	got, unknown := ResolveMemberships([][]MembershipRow{curated, summary}, asOf)
	tests := map[string]struct {
		iso, id    string
		status     string
		year       int
		note       string
		unknownOut bool
	}{
		"party in the base list":                        {iso: "DEU", id: "ccm", status: "party", year: 2009},
		"not_party in a list over 5 years old: unknown": {iso: "USA", id: "ccm", unknownOut: true},
		"recent accession (override) before as_of":      {iso: "NGA", id: "ccm", status: "party", year: 2023},
		"withdrawal notice after as_of: unknown":        {iso: "LTU", id: "ccm", unknownOut: true},
		"deposit after as_of: not a party then":         {iso: "UKR", id: "rome_statute", status: "not_party", note: "deposited in 2024, after as_of"},
		"withdrawal after as_of: older list decides":    {iso: "HUN", id: "rome_statute", status: "party", year: 2001, note: "withdrawal effective 2026-06-02"},
		"withdrawal before as_of: not a party":          {iso: "PRK", id: "npt", status: "not_party", note: "withdrawal effective 2003-04-10"},
		"signatory from a second list is ordinary":      {iso: "EGY", id: "bwc", status: "signatory", note: "signed, not a party as of 2025-05-20"},
		"second signatory from that list":               {iso: "HTI", id: "bwc", status: "signatory"},
		"recent list not_party":                         {iso: "IND", id: "rome_statute", status: "not_party", note: "not a party as of 2025-03-12"},
		"summary none is not_party":                     {iso: "IRN", id: "cat", status: "not_party", note: "not a party as of 2021"},
		"summary unknown stays unknown":                 {iso: "TZA", id: "cat", unknownOut: true},
		"summary not_listed stays unknown":              {iso: "PSE", id: "iccpr", unknownOut: true},
		"party in an old list still counts":             {iso: "TZA", id: "apmbc", status: "party", year: 2000},
		"not_party in the 2016 summary: unknown":        {iso: "IRN", id: "apmbc", unknownOut: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := got[tc.iso][tc.id]
			if tc.unknownOut {
				if ok {
					t.Errorf("want unknown (absent), got %+v", m)
				}
				return
			}
			if !ok {
				t.Fatal("absent")
			}
			if m.Status != tc.status || m.Year != tc.year || !strings.Contains(m.Note, tc.note) || m.Source == "" {
				t.Errorf("got %+v, want %s %d note %q", m, tc.status, tc.year, tc.note)
			}
		})
	}
	wantUnknown := []string{
		"apmbc: status unknown for 2 (IRN PSE): their only non-party row is in a list of 2016, more than 5 years before as_of",
		"ccm: status unknown for 1 (USA): their only non-party row is in a list of 2018-07, more than 5 years before as_of",
		"rome_statute: status unknown for 1 (IRN): their only non-party row is in a list of 2016, more than 5 years before as_of",
	}
	if diff := cmp.Diff(wantUnknown, unknown); diff != "" {
		t.Errorf("unknown report (-want +got):\n%s", diff)
	}
}

// TestNonPartyMaxAge: a not_party row speaks for as_of up to NonPartyMaxAge years after its
// list date, a party row always (from its deposit year).
func TestNonPartyMaxAge(t *testing.T) {
	t.Parallel()
	rows := []MembershipRow{
		{ISO3: "USA", Instrument: "ccm", Status: "not_party", ListAsOf: "2018-07", Source: "s"},
		{ISO3: "DEU", Instrument: "ccm", Status: "party", Year: 2009, ListAsOf: "2018-07", Source: "s"},
		{ISO3: "CHE", Instrument: "wassenaar", Status: "party", ListAsOf: "2017-12-08", Source: "s"},
		{ISO3: "KAZ", Instrument: "wassenaar", Status: "not_party", ListAsOf: "2017-12-08", Source: "s"},
	}
	tests := []struct {
		asOf string
		want map[string]string // "ISO3 instrument" -> status ("" = unknown)
	}{
		{"2023-07-31", map[string]string{"USA ccm": "not_party", "DEU ccm": "party", "CHE wassenaar": "party", "KAZ wassenaar": "not_party"}},
		{"2023-08-01", map[string]string{"USA ccm": "", "DEU ccm": "party", "CHE wassenaar": "party", "KAZ wassenaar": "not_party"}},
		{"2031-01-01", map[string]string{"USA ccm": "", "DEU ccm": "party", "CHE wassenaar": "party", "KAZ wassenaar": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.asOf, func(t *testing.T) {
			asOf, _ := time.Parse(time.DateOnly, tc.asOf)
			got, _ := ResolveMemberships([][]MembershipRow{rows}, asOf)
			status := map[string]string{}
			for key := range tc.want {
				iso, inst, _ := strings.Cut(key, " ")
				status[key] = got[iso][inst].Status
			}
			if diff := cmp.Diff(tc.want, status); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCuratedMembershipFacts checks the curated ATT and HCoC tables against facts no one
// disputes.
func TestCuratedMembershipFacts(t *testing.T) {
	t.Parallel()
	var sources [][]MembershipRow
	for _, inst := range CuratedInstruments {
		f, err := Curated.Open("curated/" + inst + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ReadCuratedInstrument(f, inst)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.SourceURL == "" || !strings.HasPrefix(r.SourceURL, "http") {
				t.Errorf("%s %s: no public source URL", inst, r.ISO3)
			}
		}
		// The ATT list is complete: every UN member state, the Holy See and Palestine but the
		// Marshall Islands, whose status no list read could settle.
		if inst == "att" && len(rows) != 194 {
			t.Errorf("att: %d rows, want 194 (195 states less the Marshall Islands)", len(rows))
		}
		sources = append(sources, rows)
	}
	got, _ := ResolveMemberships(sources, time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC))
	tests := map[string]struct {
		iso, id, status string
		year            int
	}{
		"USA signed the ATT, never ratified":                  {"USA", "att", "signatory", 0},
		"China acceded to the ATT in 2020":                    {"CHN", "att", "party", 2020},
		"Kazakhstan acceded to the ATT in 2017":               {"KAZ", "att", "party", 2017},
		"Germany ratified the ATT in 2014":                    {"DEU", "att", "party", 2014},
		"Germany subscribes to the HCoC":                      {"DEU", "hcoc", "party", 0},
		"Austria subscribed to the HCoC in 2002":              {"AUT", "hcoc", "party", 2002},
		"India joined the HCoC in 2016":                       {"IND", "hcoc", "party", 2016},
		"China's non-subscription (2016) is too old for 2023": {"CHN", "hcoc", "", 0},
		"Algeria never signed the ATT (UNTC list)":            {"DZA", "att", "not_party", 0},
		"Russia never signed the ATT":                         {"RUS", "att", "not_party", 0},
		"India never signed the ATT":                          {"IND", "att", "not_party", 0},
		"Israel signed the ATT, never ratified":               {"ISR", "att", "signatory", 0},
		"UK ratified the ATT in 2014":                         {"GBR", "att", "party", 2014},
		"Canada acceded to the ATT in 2019":                   {"CAN", "att", "party", 2019},
		"The Gambia's 2024 deposit is after as_of":            {"GMB", "att", "not_party", 0},
		"Marshall Islands: not settled by any list, unknown":  {"MHL", "att", "", 0},
		"USA ratified the Nuclear Terrorism Convention 2015":  {"USA", "nuclear_terrorism_2005", "party", 2015},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			m, ok := got[tc.iso][tc.id]
			if ok != (tc.status != "") || m.Status != tc.status || m.Year != tc.year {
				t.Errorf("got %+v (present %v), want %s %d", m, ok, tc.status, tc.year)
			}
		})
	}
}

func TestResolveEmbargoes(t *testing.T) {
	t.Parallel()
	rows, um, err := ReadEmbargoes(open(t, "embargoes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(um) != 1 || !strings.Contains(um[0].Reason, "not a country embargo") {
		t.Errorf("the ISIL/Al-Qaida row should be unmatched as not a country embargo: %+v", um)
	}
	history, err := ReadEmbargoHistory(open(t, "embargo_history.csv"), "embargo_history.csv")
	if err != nil {
		t.Fatal(err)
	}
	type rec struct {
		Auth, Addressee string
		InForce         bool
		Unconfirmed     bool
	}
	summarise := func(es []indicators.Embargo) []rec {
		var out []rec
		for _, e := range es {
			out = append(out, rec{e.Authority, e.Addressee, e.InForce, e.Unconfirmed})
		}
		return out
	}
	tests := map[string]struct {
		iso  string
		asOf time.Time
		want []rec
	}{
		"UN state embargo; EU, OSCE none": {"PRK", day(2023, 12, 31), []rec{{"UN", "state", true, false}, {"EU", "", false, false}, {"OSCE", "", false, false}}},
		"lifted before as_of; EU lifted after as_of so still in force": {"SOM", day(2023, 12, 31),
			[]rec{{"UN", "", false, false}, {"EU", "state", true, false}, {"OSCE", "", false, false}}},
		"changed after as_of, history says not in force":  {"IRN", day(2023, 12, 31), []rec{{"UN", "", false, false}, {"EU", "", false, false}, {"OSCE", "", false, false}}},
		"changed after as_of, no history: UN not checked": {"IRN", day(2019, 12, 31), []rec{}},
		"unconfirmed row is flagged":                      {"EGY", day(2023, 12, 31), []rec{{"UN", "", false, false}, {"EU", "state", true, true}, {"OSCE", "", false, false}}},
		"lifted on an unknown date: only the in-force record": {"CAF", day(2023, 12, 31),
			[]rec{{"UN", "", false, false}, {"EU", "non_state", true, true}, {"OSCE", "", false, false}}},
		"before 2020 the table is not a complete list": {"DEU", day(2015, 12, 31), []rec{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, _ := ResolveEmbargoes(rows, history, tc.asOf, []string{tc.iso})
			g := summarise(got[tc.iso])
			if g == nil {
				g = []rec{}
			}
			if diff := cmp.Diff(tc.want, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, e := range got[tc.iso] {
				if e.Source == "" {
					t.Errorf("%s record without a source", e.Authority)
				}
			}
		})
	}
	_, warns := ResolveEmbargoes(rows, history, day(2023, 12, 31), []string{"HTI"})
	if len(warns) != 1 || !strings.Contains(warns[0], "HTI UN (non_state)") {
		t.Errorf("warnings = %v", warns)
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
