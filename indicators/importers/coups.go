package importers

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// Powell & Thyne coups file and source.
const (
	CoupsFile   = "coups/powell_thyne_coups_v2026.01.13_iso3.csv"
	coupsSource = "Powell & Thyne, Global Instances of Coups, version V2026.01.13 (1950-2025)"
)

// Coup is one coup attempt.
type Coup struct {
	ISO3       string
	Date       time.Time
	Successful bool
}

// ReadCoups reads the Powell & Thyne coup list (with ISO3 derived from the COW code).
// Events of states without a successor code (South Vietnam) are unmatched.
func ReadCoups(r io.Reader) ([]Coup, []Unmatched, error) {
	t, err := readTable(r, CoupsFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("iso3", "country", "year", "month", "day", "coup"); err != nil {
		return nil, nil, err
	}
	var (
		out []Coup
		um  []Unmatched
	)
	for _, rw := range t.rows {
		y, ok1, err1 := t.integer(rw, "year")
		m, ok2, err2 := t.integer(rw, "month")
		d, ok3, err3 := t.integer(rw, "day")
		if err1 != nil || err2 != nil || err3 != nil || !ok1 || !ok2 || !ok3 {
			return nil, nil, fmt.Errorf("%s:%d: want a year, month and day", t.name, rw.line)
		}
		kind, _, err := t.integer(rw, "coup")
		if err != nil || (kind != 1 && kind != 2) {
			return nil, nil, fmt.Errorf("%s:%d: coup: want 1 (failed) or 2 (successful), got %q", t.name, rw.line, t.get(rw, "coup"))
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			um = append(um, Unmatched{Source: CoupsFile, Name: t.get(rw, "country"), Year: y, Reason: reason})
			continue
		}
		out = append(out, Coup{ISO3: iso, Date: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), Successful: kind == 2})
	}
	return out, um, nil
}

// Coups20y computes coups_20y: coup attempts (failed or successful) dated after asOf minus
// 20 years and on or before asOf. The list covers every state, so a state without an event
// gets 0.
func Coups20y(coups []Coup, asOf time.Time, isos []string, skip map[string]bool) []Value {
	from := asOf.AddDate(-20, 0, 0)
	by := map[string][]Coup{}
	for _, c := range coups {
		if c.Date.After(from) && !c.Date.After(asOf) {
			by[c.ISO3] = append(by[c.ISO3], c)
		}
	}
	var out []Value
	for _, iso := range isos {
		if skip[iso] {
			continue
		}
		cs := by[iso]
		sort.Slice(cs, func(i, j int) bool { return cs[i].Date.Before(cs[j].Date) })
		p := indicators.Provenance{Source: coupsSource}
		addNote(&p, "", fmt.Sprintf("coup attempts from %s to %s", from.AddDate(0, 0, 1).Format(time.DateOnly), asOf.Format(time.DateOnly)),
			fmt.Sprintf("Putschversuche vom %s bis %s", dateDE(from.AddDate(0, 0, 1)), dateDE(asOf)))
		if len(cs) > 0 {
			parts, partsDE := make([]string, len(cs)), make([]string, len(cs))
			for i, c := range cs {
				kind, kindDE := "failed", "gescheitert"
				if c.Successful {
					kind, kindDE = "successful", "erfolgreich"
				}
				parts[i] = c.Date.Format(time.DateOnly) + " " + kind
				partsDE[i] = dateDE(c.Date) + " " + kindDE
			}
			addNote(&p, ": ", strings.Join(parts, ", "), strings.Join(partsDE, ", "))
		}
		out = append(out, Value{ISO3: iso, ID: "coups_20y", Value: float64(len(cs)), Year: asOf.Year(), Provenance: p})
	}
	return out
}
