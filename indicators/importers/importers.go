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
	"fmt"
	"strconv"
	"strings"
	"time"

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

// addNote adds a part to a value's note, after sep: in English, and in German where the part
// has a German version (de != ""). A note with any part that has no German version gets no
// German note, so that a German report shows the English note marked as such, never a mix.
func addNote(p *indicators.Provenance, sep, en, de string) {
	if p.Note == "" {
		p.Note, p.NoteDE = en, de
		return
	}
	p.Note += sep + en
	if p.NoteDE != "" && de != "" {
		p.NoteDE += sep + de
	} else {
		p.NoteDE = ""
	}
}

// monthsDE are the month names of dateDE.
var monthsDE = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

// dateDE writes a date as a German note gives it: "1. Januar 2004".
func dateDE(t time.Time) string {
	return fmt.Sprintf("%d. %s %d", t.Day(), monthsDE[t.Month()-1], t.Year())
}

// partialDateDE writes a date of a list (YYYY, YYYY-MM or YYYY-MM-DD) as a German note gives
// it: "2026", "August 2022", "12. März 2025"; anything else unchanged.
func partialDateDE(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return dateDE(t)
	}
	if t, err := time.Parse("2006-01", s); err == nil {
		return monthsDE[t.Month()-1] + " " + strconv.Itoa(t.Year())
	}
	return s
}
