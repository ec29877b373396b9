package importers

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// UCDP Organized Violence country-year file: the source of non-state conflicts.
const (
	OrganizedViolenceFile = "ucdp/organizedviolencecy_v25_1.csv"
	ucdpOVSource          = "UCDP Organized Violence Country-Year Dataset v25.1 (1989-2024)"
)

// ovAliases are the Organized Violence file's country names that neither the countries table
// nor the ACD spellings (ucdpAliases) resolve. Historical states (German Democratic Republic,
// South Yemen) are reported as unmatched.
var ovAliases = map[string]string{
	"Antigua & Barbuda":               "ATG",
	"Cape Verde":                      "CPV",
	"East Timor":                      "TLS",
	"Federated States of Micronesia":  "FSM",
	"Ivory Coast":                     "CIV",
	"Kingdom of eSwatini (Swaziland)": "SWZ",
	"Samoa (Western Samoa)":           "WSM",
	"Vatican City State":              "VAT",
}

// NonStateYear is one country-year of the Organized Violence file: the non-state conflict
// dyads located in the country.
type NonStateYear struct {
	ISO3  string
	Year  int
	Dyads map[string]string // dyad id -> dyad name
}

// ReadNonState reads the non-state columns of organizedviolencecy_v25_1.csv (ns_dyad_ids_cy,
// ns_dyad_names_cy: semicolon-separated, NO_DYAD when none). The file has a row for every
// country and year of UCDP's state system, so a row without dyads is a statement (zero).
func ReadNonState(r io.Reader) ([]NonStateYear, []Unmatched, error) {
	t, err := readTable(r, OrganizedViolenceFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("country_cy", "year_cy", "ns_dyad_count_cy", "ns_dyad_ids_cy", "ns_dyad_names_cy"); err != nil {
		return nil, nil, err
	}
	var out []NonStateYear
	var um []Unmatched
	for _, rw := range t.rows {
		year, err := t.year(rw, "year_cy")
		if err != nil {
			return nil, nil, err
		}
		name := t.get(rw, "country_cy")
		iso, ok := ovAliases[name]
		if !ok {
			iso, ok = isoByName(name)
		}
		if !ok {
			um = append(um, Unmatched{Source: OrganizedViolenceFile, Name: name, Year: year, Reason: "country name not in the countries table (historical state)"})
			continue
		}
		n, _, err := t.integer(rw, "ns_dyad_count_cy")
		if err != nil {
			return nil, nil, err
		}
		y := NonStateYear{ISO3: iso, Year: year, Dyads: map[string]string{}}
		if ids := t.get(rw, "ns_dyad_ids_cy"); ids != "NO_DYAD" && ids != "" {
			idList := strings.Split(ids, "; ")
			names := strings.Split(t.get(rw, "ns_dyad_names_cy"), "; ")
			if len(idList) != n || len(names) != n {
				return nil, nil, fmt.Errorf("%s:%d: ns_dyad_count_cy %d, but %d ids and %d names", t.name, rw.line, n, len(idList), len(names))
			}
			for i, id := range idList {
				y.Dyads[strings.TrimSpace(id)] = strings.Join(strings.Fields(names[i]), " ")
			}
		} else if n != 0 {
			return nil, nil, fmt.Errorf("%s:%d: ns_dyad_count_cy %d without dyad ids", t.name, rw.line, n)
		}
		out = append(out, y)
	}
	return out, um, nil
}

// NonStateFacts computes, for data year `year`, ucdp_nonstate_conflicts (distinct non-state
// dyads located in the country in year-1 or year, as the catalog defines it) and
// ucdp_neighbour_nonstate_conflicts (land neighbours with a non-state conflict located on
// their territory in year). A country without a row in the file gets no value (unknown);
// skip lists countries outside UCDP's state system.
func NonStateFacts(rows []NonStateYear, year int, isos []string, skip map[string]bool) []Value {
	dyads := map[string]map[string]string{} // iso -> id -> name, years year-1..year
	covered := map[string]bool{}            // has a row for `year`
	active := map[string]bool{}             // non-state conflict in `year`
	for _, r := range rows {
		if r.Year < year-1 || r.Year > year {
			continue
		}
		if r.Year == year {
			covered[r.ISO3] = true
			if len(r.Dyads) > 0 {
				active[r.ISO3] = true
			}
		}
		if dyads[r.ISO3] == nil {
			dyads[r.ISO3] = map[string]string{}
		}
		for id, name := range r.Dyads {
			dyads[r.ISO3][id] = name
		}
	}
	var out []Value
	for _, iso := range isos {
		if skip[iso] || !covered[iso] {
			continue
		}
		ids := make([]string, 0, len(dyads[iso]))
		for id := range dyads[iso] {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return conflictLess(ids[i], ids[j]) })
		prov := indicators.Provenance{Source: ucdpOVSource}
		addNote(&prov, "", fmt.Sprintf("non-state conflicts (dyads of organised groups, at least 25 battle deaths a year) located in the country in %d or %d", year-1, year),
			fmt.Sprintf("nichtstaatliche Konflikte (Dyaden organisierter Gruppen, mindestens 25 Kampftote im Jahr) auf dem Gebiet des Landes, %d oder %d", year-1, year))
		if len(ids) > 0 {
			parts := make([]string, len(ids))
			for i, id := range ids {
				parts[i] = id + " " + dyads[iso][id]
			}
			addNote(&prov, ": ", strings.Join(parts, "; "), strings.Join(parts, "; "))
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_nonstate_conflicts", Value: float64(len(ids)), Year: year, Provenance: prov})

		var hot, unknown []string
		for _, nb := range LandNeighbours(iso) {
			switch {
			case active[nb]:
				hot = append(hot, nb)
			case !covered[nb]:
				unknown = append(unknown, nb)
			}
		}
		nb := indicators.Provenance{Source: ucdpOVSource}
		addNote(&nb, "", fmt.Sprintf("land neighbours (mledoze/countries borders, ODbL 1.0) with a non-state conflict located on their territory in %d", year),
			fmt.Sprintf("Nachbarländer mit Landgrenze (Grenzen nach mledoze/countries, ODbL 1.0) mit einem nichtstaatlichen Konflikt auf ihrem Gebiet, %d", year))
		if len(hot) > 0 {
			addNote(&nb, ": ", strings.Join(hot, ", "), strings.Join(hot, ", "))
		}
		if len(unknown) > 0 {
			addNote(&nb, "; ", "not in the file (not counted): "+strings.Join(unknown, ", "), "nicht in der Datei (nicht gezählt): "+strings.Join(unknown, ", "))
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_neighbour_nonstate_conflicts", Value: float64(len(hot)), Year: year, Provenance: nb})
	}
	return out
}
