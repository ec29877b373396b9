package importers

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// UCDP one-sided violence file (government actors) and source.
const (
	OneSidedFile   = "ucdp/ucdp_onesided_v25_1_government_actor_year.csv"
	oneSidedSource = "UCDP One-sided Violence Dataset v25.1 (1989-2024)"
)

// OneSidedYear is one year in which a government is recorded as a one-sided violence actor.
type OneSidedYear struct {
	ISO3      string
	Year      int
	Deaths    int
	Location  string
	Coalition string // the coalition actor, when UCDP codes the government in a coalition
}

// ReadOneSided reads the government actor-years of the UCDP one-sided violence data set (the
// derived file with the acting government's ISO3). Coalition rows (e.g. Eritrea and Ethiopia
// 2020) count for each member government.
func ReadOneSided(r io.Reader) ([]OneSidedYear, []Unmatched, error) {
	t, err := readTable(r, OneSidedFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("iso3", "year", "deaths_best", "actor", "coalition_actor", "location"); err != nil {
		return nil, nil, err
	}
	var (
		out []OneSidedYear
		um  []Unmatched
	)
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, nil, err
		}
		deaths, _, err := t.integer(rw, "deaths_best")
		if err != nil {
			return nil, nil, err
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			um = append(um, Unmatched{Source: OneSidedFile, Name: t.get(rw, "actor"), Year: year, Reason: reason})
			continue
		}
		out = append(out, OneSidedYear{ISO3: iso, Year: year, Deaths: deaths, Location: t.get(rw, "location"), Coalition: t.get(rw, "coalition_actor")})
	}
	return out, um, nil
}

// GovOSVYears computes ucdp_gov_osv_years_5y for data year `year`: in how many of the five
// years year-4 .. year UCDP records the government as a one-sided violence actor (at least
// 25 civilian deaths in the year, anywhere). A government without a row gets 0: the data set
// covers every government, and no row means fewer than 25 recorded deaths.
func GovOSVYears(rows []OneSidedYear, year int, isos []string, skip map[string]bool) []Value {
	years := map[string]map[int][]string{}
	for _, r := range rows {
		if r.Year < year-4 || r.Year > year {
			continue
		}
		if years[r.ISO3] == nil {
			years[r.ISO3] = map[int][]string{}
		}
		desc := fmt.Sprintf("%d deaths in %s", r.Deaths, r.Location)
		if r.Coalition != "" {
			desc += " (as " + r.Coalition + ")"
		}
		years[r.ISO3][r.Year] = append(years[r.ISO3][r.Year], desc)
	}
	var out []Value
	for _, iso := range isos {
		if skip[iso] {
			continue
		}
		ys := years[iso]
		p := indicators.Provenance{Source: oneSidedSource}
		addNote(&p, "", fmt.Sprintf("years %d-%d with government one-sided violence (UCDP threshold: 25 deaths per actor-year)", year-4, year),
			fmt.Sprintf("Jahre %d–%d mit einseitiger Gewalt der Regierung (UCDP-Schwelle: 25 Tote je Akteur und Jahr)", year-4, year))
		if len(ys) > 0 {
			keys := make([]int, 0, len(ys))
			for y := range ys {
				keys = append(keys, y)
			}
			sort.Ints(keys)
			parts := make([]string, len(keys))
			for i, y := range keys {
				parts[i] = fmt.Sprintf("%d: %s", y, strings.Join(ys[y], "; "))
			}
			addNote(&p, ": ", strings.Join(parts, "; "), strings.Join(parts, "; "))
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_gov_osv_years_5y", Value: float64(len(ys)), Year: year, Provenance: p})
	}
	return out
}
