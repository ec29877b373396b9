package importers

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
	"github.com/exportrisk/exportrisk/indicators/countries"
)

// UCDP/PRIO Armed Conflict Dataset file name and source.
const (
	UCDPConflictFile = "ucdp/UcdpPrioConflict_v24_1.csv"
	ucdpACDSource    = "UCDP/PRIO Armed Conflict Dataset v24.1 (1946-2023)"
)

// UCDP conflict types.
const (
	typeExtrasystemic  = 1
	typeInterstate     = 2
	typeIntrastate     = 3
	typeInternational4 = 4 // internationalised intrastate
)

var conflictTypeNames = map[int]string{1: "extrasystemic", 2: "interstate", 3: "intrastate", 4: "internationalised intrastate"}

// conflictTypeNamesDE are conflictTypeNames in German, for the German notes.
var conflictTypeNamesDE = map[int]string{1: "extrasystemisch", 2: "zwischenstaatlich", 3: "innerstaatlich", 4: "internationalisiert innerstaatlich"}

// partyRolesDE are the roles of a party to a conflict in German.
var partyRolesDE = map[string]string{"primary": "Hauptpartei", "secondary": "Nebenpartei"}

// Conflict is one conflict-year of the ACD with its parties resolved to ISO3 codes. Only
// governments are kept on each side; rebel groups carry no country code.
type Conflict struct {
	ID       string
	Year     int
	Type     int
	Label    string   // UCDP location text
	Location []string // ISO3 of the countries whose territory the conflict is on
	SideA    []string // primary party, side A (governments)
	SideA2   []string // secondary parties supporting side A
	SideB    []string // primary party, side B (governments; interstate conflicts only)
	SideB2   []string // secondary parties supporting side B
}

// ReadConflicts reads UcdpPrioConflict_v24_1.csv. Country names are resolved through the
// countries table plus UCDP's own spellings (names.go). A name that cannot be resolved
// (South Vietnam, South Yemen, Czechoslovakia, Hyderabad) is reported as unmatched and left
// out of that conflict-year's parties.
func ReadConflicts(r io.Reader) ([]Conflict, []Unmatched, error) {
	t, err := readTable(r, UCDPConflictFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("conflict_id", "location", "side_a", "side_a_2nd", "side_b", "side_b_2nd", "year", "type_of_conflict"); err != nil {
		return nil, nil, err
	}
	var (
		out []Conflict
		um  []Unmatched
	)
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, nil, err
		}
		typ, ok, err := t.integer(rw, "type_of_conflict")
		if err != nil || !ok || typ < 1 || typ > 4 {
			return nil, nil, fmt.Errorf("%s:%d: type_of_conflict: want 1..4, got %q", t.name, rw.line, t.get(rw, "type_of_conflict"))
		}
		c := Conflict{ID: t.get(rw, "conflict_id"), Year: year, Type: typ, Label: t.get(rw, "location")}
		resolve := func(list string, governmentsOnly bool) []string {
			var isos []string
			for _, part := range strings.Split(list, ", ") {
				part = strings.TrimSpace(part)
				name := part
				if governmentsOnly {
					var isGov bool
					name, isGov = strings.CutPrefix(part, "Government of ")
					if !isGov {
						continue // a rebel group or other non-state actor
					}
				}
				if name == "" {
					continue
				}
				iso, ok := isoByName(name)
				if !ok {
					um = append(um, Unmatched{Source: UCDPConflictFile, Name: name, Year: year, Reason: "country name not in the countries table (historical state)"})
					continue
				}
				if !slices.Contains(isos, iso) {
					isos = append(isos, iso)
				}
			}
			sort.Strings(isos)
			return isos
		}
		c.Location = resolve(c.Label, false)
		c.SideA = resolve(t.get(rw, "side_a"), true)
		c.SideA2 = resolve(t.get(rw, "side_a_2nd"), true)
		c.SideB = resolve(t.get(rw, "side_b"), true)
		c.SideB2 = resolve(t.get(rw, "side_b_2nd"), true)
		out = append(out, c)
	}
	return out, um, nil
}

// Exclusion marks secondary parties on the government side of an internationalised conflict
// whose participation was a UN Security Council mandated (or authorised) operation, which
// methodology criterion 4 does not count. It comes from curated/unsc_mandated.csv.
type Exclusion struct {
	ConflictID       string
	YearFrom, YearTo int
	Mission, Mandate string
	All              bool     // every secondary party on side A ...
	States           []string // ... or these
	Keep             []string // except these (national operations next to the mission)
	Basis, SourceURL string
	Note             string
}

// ReadExclusions reads the curated table of UN Security Council mandated operations.
func ReadExclusions(r io.Reader, name string) ([]Exclusion, error) {
	t, err := readTable(r, name, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("conflict_id", "year_from", "year_to", "mission", "mandate", "exclude", "keep", "basis", "source_url", "note"); err != nil {
		return nil, err
	}
	var out []Exclusion
	for _, rw := range t.rows {
		from, ok1, err1 := t.integer(rw, "year_from")
		to, ok2, err2 := t.integer(rw, "year_to")
		if err1 != nil || err2 != nil || !ok1 || !ok2 || from > to {
			return nil, fmt.Errorf("%s:%d: want year_from <= year_to", name, rw.line)
		}
		e := Exclusion{
			ConflictID: t.get(rw, "conflict_id"), YearFrom: from, YearTo: to,
			Mission: t.get(rw, "mission"), Mandate: t.get(rw, "mandate"),
			Keep: strings.Fields(t.get(rw, "keep")), Basis: t.get(rw, "basis"),
			SourceURL: t.get(rw, "source_url"), Note: t.get(rw, "note"),
		}
		if ex := t.get(rw, "exclude"); ex == "*" {
			e.All = true
		} else {
			e.States = strings.Fields(ex)
		}
		for _, iso := range append(append([]string{}, e.States...), e.Keep...) {
			if !knownISO3(iso) {
				return nil, fmt.Errorf("%s:%d: unknown country code %q", name, rw.line, iso)
			}
		}
		if e.Basis != "archived_page" && e.Basis != "general_knowledge" {
			return nil, fmt.Errorf("%s:%d: basis: want archived_page or general_knowledge, got %q", name, rw.line, e.Basis)
		}
		out = append(out, e)
	}
	return out, nil
}

// excluded reports whether a secondary party on side A of conflict c takes part only
// through a UN Security Council mandated operation.
func excluded(c Conflict, iso string, excl []Exclusion) (*Exclusion, bool) {
	for i := range excl {
		e := &excl[i]
		if e.ConflictID != c.ID || c.Year < e.YearFrom || c.Year > e.YearTo || slices.Contains(e.Keep, iso) {
			continue
		}
		if e.All || slices.Contains(e.States, iso) {
			return e, true
		}
	}
	return nil, false
}

// involvement returns the states party to conflict c as an international armed conflict,
// with their role: for interstate conflicts every government on either side (primary) and
// their supporters (secondary); for internationalised intrastate conflicts the foreign
// supporters (secondary) and, while at least one of them remains, the government (primary).
// Secondary parties on side A whose participation was UN Security Council mandated are
// left out and returned as excluded.
func involvement(c Conflict, excl []Exclusion) (roles map[string]string, dropped []string) {
	roles = map[string]string{}
	if c.Type != typeInterstate && c.Type != typeInternational4 {
		return roles, nil
	}
	for _, iso := range c.SideA2 {
		if _, ok := excluded(c, iso, excl); ok {
			dropped = append(dropped, iso)
			continue
		}
		roles[iso] = "secondary"
	}
	for _, iso := range c.SideB2 {
		roles[iso] = "secondary"
	}
	if c.Type == typeInternational4 && len(roles) == 0 {
		return roles, dropped // internationalised only by UN-mandated forces: not international
	}
	for _, iso := range append(append([]string{}, c.SideA...), c.SideB...) {
		roles[iso] = "primary"
	}
	return roles, dropped
}

// ConflictFacts computes the UCDP conflict indicators of the catalog for every country in
// isos, for data year `year`:
//
//   - ucdp_internal_conflicts: intrastate or internationalised intrastate conflicts located
//     on the country's territory, active in the data year or the year before;
//   - ucdp_interstate_conflicts: international armed conflicts (interstate, or internationalised
//     with at least one foreign party left after excluding UN Security Council mandated
//     participation) the country is a primary or secondary party to, active in the data year;
//   - ucdp_international_conflicts_10y: the same, active in the ten years before the data year;
//   - ucdp_neighbour_conflicts: land neighbours (borders from the countries table, counted
//     only where both sides list each other) with an active armed conflict on their territory,
//     or that are a primary party to an interstate armed conflict, in the data year. A
//     neighbour's part in a war elsewhere as a secondary party (France in Mali) does not count.
//
// UCDP lists conflict-years with at least 25 battle-related deaths; a country without one
// gets 0, which is a statement of the data set, not a missing value. States outside UCDP's
// state system (Palestine) get no values; pass them in skip.
func ConflictFacts(conflicts []Conflict, excl []Exclusion, year int, isos []string, skip map[string]bool) []Value {
	type hit struct {
		id, text, de string // de: text in German
	}
	internal := map[string]map[string]hit{}
	intl := map[string]map[string]hit{}
	intl10 := map[string]map[string]hit{}
	active := map[string]bool{} // countries with a conflict on their territory, or primary party to an interstate one, in `year`
	add := func(m map[string]map[string]hit, iso string, h hit) {
		if m[iso] == nil {
			m[iso] = map[string]hit{}
		}
		if _, seen := m[iso][h.id]; !seen {
			m[iso][h.id] = h
		}
	}
	dropped := map[string]map[string]hit{}   // data year
	dropped10 := map[string]map[string]hit{} // previous ten years
	for _, c := range conflicts {
		if c.Year < year-10 || c.Year > year {
			continue
		}
		desc := fmt.Sprintf("%s %s (%s)", c.ID, c.Label, conflictTypeNames[c.Type])
		descDE := fmt.Sprintf("%s %s (%s)", c.ID, c.Label, conflictTypeNamesDE[c.Type])
		if (c.Type == typeIntrastate || c.Type == typeInternational4) && c.Year >= year-1 {
			for _, iso := range c.Location {
				add(internal, iso, hit{c.ID, desc, descDE})
			}
		}
		roles, out := involvement(c, excl)
		for _, iso := range out {
			e, _ := excluded(c, iso, excl)
			h := hit{c.ID, fmt.Sprintf("%s %s (%s)", c.ID, c.Label, e.Mission), fmt.Sprintf("%s %s (%s)", c.ID, c.Label, e.Mission)}
			if c.Year == year {
				add(dropped, iso, h)
			} else {
				add(dropped10, iso, h)
			}
		}
		for iso, role := range roles {
			h := hit{c.ID, fmt.Sprintf("%s, %s party", desc, role), fmt.Sprintf("%s, %s", descDE, partyRolesDE[role])}
			if c.Year == year {
				add(intl, iso, h)
			} else {
				add(intl10, iso, h)
			}
		}
		if c.Year == year {
			for _, iso := range c.Location {
				active[iso] = true
			}
			if c.Type == typeInterstate {
				for _, iso := range append(append([]string{}, c.SideA...), c.SideB...) {
					active[iso] = true
				}
			}
		}
	}
	list := func(m map[string]hit) (en, de string) {
		ids := make([]string, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return conflictLess(ids[i], ids[j]) })
		parts, partsDE := make([]string, len(ids)), make([]string, len(ids))
		for i, id := range ids {
			parts[i], partsDE[i] = m[id].text, m[id].de
		}
		return strings.Join(parts, "; "), strings.Join(partsDE, "; ")
	}
	unsc := "UN Security Council mandated participation is not counted (indicators/importers/curated/unsc_mandated.csv)"
	unscDE := "vom UN-Sicherheitsrat mandatierte Beteiligung wird nicht gezählt (indicators/importers/curated/unsc_mandated.csv)"
	var out []Value
	for _, iso := range isos {
		if skip[iso] {
			continue
		}
		var p indicators.Provenance
		note := func(en, de string) {
			p = indicators.Provenance{Source: ucdpACDSource}
			addNote(&p, "", en, de)
		}
		n := len(internal[iso])
		note(fmt.Sprintf("conflicts located on the territory, active in %d or %d", year-1, year),
			fmt.Sprintf("Konflikte auf dem Gebiet des Landes, aktiv %d oder %d", year-1, year))
		if n > 0 {
			en, de := list(internal[iso])
			addNote(&p, ": ", en, de)
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_internal_conflicts", Value: float64(n), Year: year, Provenance: p})

		n = len(intl[iso])
		note(fmt.Sprintf("international armed conflicts active in %d with the state as a primary or secondary party; %s", year, unsc),
			fmt.Sprintf("internationale bewaffnete Konflikte, aktiv %d, mit dem Staat als Haupt- oder Nebenpartei; %s", year, unscDE))
		if n > 0 {
			en, de := list(intl[iso])
			addNote(&p, ": ", en, de)
		}
		if len(dropped[iso]) > 0 {
			en, de := list(dropped[iso])
			addNote(&p, "; ", "not counted (UN mandated): "+en, "nicht gezählt (UN-Mandat): "+de)
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_interstate_conflicts", Value: float64(n), Year: year, Provenance: p})

		n = len(intl10[iso])
		note(fmt.Sprintf("international armed conflicts with the state as a party, active in %d-%d; %s", year-10, year-1, unsc),
			fmt.Sprintf("internationale bewaffnete Konflikte mit dem Staat als Partei, aktiv %d–%d; %s", year-10, year-1, unscDE))
		if n > 0 {
			en, de := list(intl10[iso])
			addNote(&p, ": ", en, de)
		}
		if len(dropped10[iso]) > 0 {
			en, de := list(dropped10[iso])
			addNote(&p, "; ", "not counted (UN mandated): "+en, "nicht gezählt (UN-Mandat): "+de)
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_international_conflicts_10y", Value: float64(n), Year: year, Provenance: p})

		var hot []string
		for _, nb := range LandNeighbours(iso) {
			if active[nb] {
				hot = append(hot, nb)
			}
		}
		note(fmt.Sprintf("land neighbours (mledoze/countries borders, ODbL 1.0) with an armed conflict on their territory, or primary party to an interstate armed conflict, in %d", year),
			fmt.Sprintf("Nachbarländer mit Landgrenze (Grenzen nach mledoze/countries, ODbL 1.0) mit einem bewaffneten Konflikt auf ihrem Gebiet oder als Hauptpartei eines zwischenstaatlichen Konflikts, %d", year))
		if len(hot) > 0 {
			addNote(&p, ": ", strings.Join(hot, ", "), strings.Join(hot, ", "))
		}
		out = append(out, Value{ISO3: iso, ID: "ucdp_neighbour_conflicts", Value: float64(len(hot)), Year: year, Provenance: p})
	}
	return out
}

// conflictLess orders conflict ids numerically.
func conflictLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

// LandNeighbours returns the land neighbours of a country, sorted. A border counts only when
// both countries list it (countries.csv lists India as a neighbour of Sri Lanka, but not the
// reverse: there is no land border).
func LandNeighbours(iso string) []string {
	c, ok := countries.Lookup(iso)
	if !ok {
		return nil
	}
	var out []string
	for _, b := range c.Borders {
		if o, ok := countries.Lookup(b); ok && slices.Contains(o.Borders, iso) {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}
