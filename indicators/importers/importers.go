// Package importers reads the public data sets in shared/data (Freedom House, PTS, QoG,
// UCDP, Powell & Thyne, SIPRI, UNDP, Fraser, FFP, TI, Small Arms Survey, the curated
// embargo, deployment and treaty tables) as they are, and turns them into indicator values
// that carry their source, the data set's version and the real reference year.
//
// The annual data sets are rows of one source table (Sources, sourcelist.go), each read by
// Source.Import (sources.go); the dated and computed data (UCDP conflicts, one-sided violence
// and non-state conflicts, coups, deployments, memberships, embargoes) have a reader each.
// Every reader parses everything it is given; Build picks, for one as_of year, the values a
// bundle needs and assembles one bundle per country (world.go). Rows without a country code
// (disputed territories, historical states, aggregates) are returned as Unmatched, never
// dropped silently.
package importers

import (
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// Value is one imported indicator value for one country.
type Value struct {
	ISO3  string
	ID    string // an index id of the catalog (indicators.Indices)
	Value any    // float64, string (enum) or bool
	Year  int    // the reference year of the value, not the edition
	indicators.Provenance
}

// Unmatched is a data row that could not be tied to a country code.
type Unmatched struct {
	Source string // data set
	Name   string // the row's own name for the entity
	Year   int    // 0 when the row has no year
	Reason string
}

// Result is what an importer returns.
type Result struct {
	Values    []Value
	Unmatched []Unmatched
}

func (r *Result) add(v Value) { r.Values = append(r.Values, v) }
func (r *Result) unmatched(source, name string, year int, reason string) {
	r.Unmatched = append(r.Unmatched, Unmatched{Source: source, Name: name, Year: year, Reason: reason})
}

// normaliseISO3 maps the Kosovo codes used by different producers to XKX, the code the
// countries table answers to; other codes are upper-cased and trimmed.
func normaliseISO3(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	switch c {
	case "UNK", "KSV", "XKK", "KOS":
		return "XKX"
	}
	return c
}

// knownISO3 reports whether code (after normalisation) is in the countries table.
func knownISO3(code string) bool {
	_, ok := countries.Lookup(code)
	return ok
}

// resolveCode normalises a code and checks it against the countries table; it returns ""
// and a reason when the row cannot be tied to a country.
func resolveCode(code string) (string, string) {
	c := normaliseISO3(code)
	if c == "" {
		return "", "no country code"
	}
	if !knownISO3(c) {
		return "", "code " + c + " is not in the countries table (aggregate or historical state)"
	}
	return c, ""
}

// Latest picks, for each country and index id, the value with the highest year that is not
// after maxYear and not before minYear. Ties (same year from two sources) keep the first
// value given, so callers list preferred sources first.
func Latest(values []Value, minYear, maxYear int) map[string]map[string]Value {
	out := map[string]map[string]Value{}
	for _, v := range values {
		if v.Year > maxYear || v.Year < minYear {
			continue
		}
		byID := out[v.ISO3]
		if byID == nil {
			byID = map[string]Value{}
			out[v.ISO3] = byID
		}
		if cur, ok := byID[v.ID]; !ok || v.Year > cur.Year {
			byID[v.ID] = v
		}
	}
	return out
}
