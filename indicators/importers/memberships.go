package importers

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// Membership files.
const (
	MembershipsFile   = "treaties/memberships_curated.csv"
	TreatySummaryFile = "treaties/treaty_status_summary.csv"
)

// MembershipRow is one (state, instrument) status from one list.
type MembershipRow struct {
	ISO3, Instrument, Status string
	Year                     int    // deposit year of the instrument of ratification etc.; 0 = not given
	ListAsOf                 string // YYYY, YYYY-MM or YYYY-MM-DD
	SourceURL                string
	Override                 bool      // a withdrawal notice that changed the base list's status
	Effective                time.Time // Override: when the withdrawal took effect
	Source, CitedSource      string
	Note                     string
}

// listDate is the last day of the list_as_of period.
func (m MembershipRow) listDate() (time.Time, error) { return partialDate(m.ListAsOf) }

// curatedMembershipCited names the list behind each instrument of memberships_curated.csv
// (MEMBERSHIPS.md, "Per instrument").
var curatedMembershipCited = map[string]string{
	"npt":                     "UNODA Disarmament Treaties Database and UN Treaty Collection, as tabulated by survivalscores.org (retrieved 2025-03-12)",
	"bwc":                     "UNODA Disarmament Treaties Database and UN Treaty Collection, as tabulated by survivalscores.org (retrieved 2025-03-12)",
	"tpnw":                    "UNODA Disarmament Treaties Database and UN Treaty Collection, as tabulated by survivalscores.org (retrieved 2025-03-12)",
	"rome_statute":            "UNODA Disarmament Treaties Database and UN Treaty Collection, as tabulated by survivalscores.org (retrieved 2025-03-12)",
	"cwc":                     "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"ptbt":                    "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"outer_space":             "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"seabed":                  "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"enmod":                   "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"geneva_protocol_1925":    "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"ccw":                     "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"ccm":                     "UNODA Disarmament Treaties Database, scraped by ohnemax/treatyratification (mid-2018)",
	"apmbc":                   "UN Treaty Collection participant export UNTS I-35597 (via tkah/CountriesAndIntlAffairs) with later changes",
	"wassenaar":               "wassenaar.org, Participating States",
	"geneva_conventions_1949": "List of parties to the Geneva Conventions (Wikipedia mirror, 2025 revision)",
}

// WithdrawalsFile lists the withdrawals recorded in memberships_curated.csv with the date
// each took effect (curated/README.md).
const WithdrawalsFile = "curated/withdrawals.csv"

// Withdrawal is one state's withdrawal from an instrument and when it took effect.
type Withdrawal struct {
	ISO3, Instrument string
	Effective        time.Time
	SourceURL, Note  string
}

// ReadWithdrawals reads curated/withdrawals.csv: iso3, instrument, effective (YYYY-MM-DD),
// source_url, note. Keyed "ISO3 instrument".
func ReadWithdrawals(r io.Reader) (map[string]Withdrawal, error) {
	t, err := readTable(r, WithdrawalsFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "instrument", "effective", "source_url"); err != nil {
		return nil, err
	}
	out := map[string]Withdrawal{}
	for _, rw := range t.rows {
		w := Withdrawal{ISO3: normaliseISO3(t.get(rw, "iso3")), Instrument: t.get(rw, "instrument"),
			SourceURL: t.get(rw, "source_url"), Note: t.get(rw, "note")}
		if !knownISO3(w.ISO3) {
			return nil, fmt.Errorf("%s:%d: iso3: unknown country code %q", t.name, rw.line, w.ISO3)
		}
		if !slices.Contains(indicators.Instruments, w.Instrument) {
			return nil, fmt.Errorf("%s:%d: instrument: %q is not in the catalog", t.name, rw.line, w.Instrument)
		}
		d, err := time.Parse(time.DateOnly, t.get(rw, "effective"))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: effective: want YYYY-MM-DD, got %q", t.name, rw.line, t.get(rw, "effective"))
		}
		w.Effective = d
		key := w.ISO3 + " " + w.Instrument
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", t.name, rw.line, key)
		}
		out[key] = w
	}
	return out, nil
}

// ReadCuratedMemberships reads memberships_curated.csv (15 instruments, 195 states). A
// row's own URL says nothing about when its status began: rows from a second list (the
// signatures of EGY, HTI, SOM and SYR to the BWC, recorded by the 2018 UNODA scrape) and
// accessions with a deposit year are ordinary rows. A row is a later notice (Override) only
// when it records a withdrawal: a not_party row cited to a notice other than the
// instrument's base list (the source most of its rows cite). Every such row must be in
// withdrawals (ReadWithdrawals), which dates it: the withdrawal holds from its effective date
// on (North Korea and the NPT: 10 Apr 2003), before it the older lists decide.
func ReadCuratedMemberships(r io.Reader, withdrawals map[string]Withdrawal) ([]MembershipRow, error) {
	t, err := readTable(r, MembershipsFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "instrument", "status", "year", "source_url", "list_as_of"); err != nil {
		return nil, err
	}
	var rows []MembershipRow
	var lines []int
	urls := map[string]map[string]int{}
	for _, rw := range t.rows {
		m, err := membershipRow(t, rw, t.get(rw, "instrument"))
		if err != nil {
			return nil, err
		}
		m.Source = fmt.Sprintf("shared/data memberships_curated.csv (%s list as of %s)", m.Instrument, m.ListAsOf)
		m.CitedSource = curatedMembershipCited[m.Instrument]
		if urls[m.Instrument] == nil {
			urls[m.Instrument] = map[string]int{}
		}
		urls[m.Instrument][m.SourceURL]++
		rows = append(rows, m)
		lines = append(lines, rw.line)
	}
	used := map[string]bool{}
	for i := range rows {
		base, n := "", 0
		for u, c := range urls[rows[i].Instrument] {
			if c > n || (c == n && u < base) {
				base, n = u, c
			}
		}
		if rows[i].SourceURL == base {
			continue
		}
		rows[i].CitedSource = ""
		rows[i].Source = fmt.Sprintf("shared/data memberships_curated.csv (%s list as of %s, row cited to its own source)", rows[i].Instrument, rows[i].ListAsOf)
		if rows[i].Status != "not_party" {
			continue
		}
		key := rows[i].ISO3 + " " + rows[i].Instrument
		w, ok := withdrawals[key]
		if !ok {
			return nil, fmt.Errorf("%s:%d: %s not_party cited to %s, not to the instrument's list: a withdrawal without an effective date in %s", t.name, lines[i], key, rows[i].SourceURL, WithdrawalsFile)
		}
		used[key] = true
		rows[i].Override = true
		rows[i].Effective = w.Effective
		rows[i].Source = fmt.Sprintf("shared/data memberships_curated.csv (%s, later change: withdrawal effective %s, cited to its own notice)", rows[i].Instrument, w.Effective.Format(time.DateOnly))
	}
	for _, key := range slices.Sorted(maps.Keys(withdrawals)) {
		if !used[key] {
			return nil, fmt.Errorf("%s: %s has no not_party row of its own in %s", WithdrawalsFile, key, MembershipsFile)
		}
	}
	return rows, nil
}

// membershipRow reads the common columns iso3, status, year, source_url, list_as_of.
func membershipRow(t *table, rw row, instrument string) (MembershipRow, error) {
	m := MembershipRow{
		ISO3: normaliseISO3(t.get(rw, "iso3")), Instrument: instrument, Status: t.get(rw, "status"),
		SourceURL: t.get(rw, "source_url"), ListAsOf: t.get(rw, "list_as_of"), Note: t.get(rw, "note"),
	}
	if !knownISO3(m.ISO3) {
		return m, fmt.Errorf("%s:%d: iso3: unknown country code %q", t.name, rw.line, m.ISO3)
	}
	if !slices.Contains(indicators.Instruments, instrument) {
		return m, fmt.Errorf("%s:%d: instrument: %q is not in the catalog", t.name, rw.line, instrument)
	}
	if !slices.Contains(indicators.MembershipStatuses, m.Status) {
		return m, fmt.Errorf("%s:%d: status: want party, signatory or not_party, got %q", t.name, rw.line, m.Status)
	}
	y, ok, err := t.integer(rw, "year")
	if err != nil {
		return m, err
	}
	if ok {
		m.Year = y
	}
	if _, err := m.listDate(); err != nil {
		return m, fmt.Errorf("%s:%d: list_as_of: %w", t.name, rw.line, err)
	}
	return m, nil
}

// ReadTreatySummary reads treaty_status_summary.csv: CAT and ICCPR (UN Treaty Collection,
// state about 2021) and the Rome Statute and Ottawa Convention (UNTC exports, state 2016).
// "none" becomes not_party; "not_listed" and "unknown" give no row (unknown).
func ReadTreatySummary(r io.Reader) ([]MembershipRow, error) {
	t, err := readTable(r, TreatySummaryFile, false)
	if err != nil {
		return nil, err
	}
	cols := []struct{ prefix, instrument, asOf, cited string }{
		{"cat", "cat", "2021", "UN Treaty Collection status (compiled by world-politics-datalab/humanrights-treaties-ratification-status, state about 2021)"},
		{"iccpr", "iccpr", "2021", "UN Treaty Collection status (compiled by world-politics-datalab/humanrights-treaties-ratification-status, state about 2021)"},
		{"rome_statute", "rome_statute", "2016", "UN Treaty Collection participant export UNTS I-38544 (tkah/CountriesAndIntlAffairs, state 2016)"},
		{"ottawa_apm", "apmbc", "2016", "UN Treaty Collection participant export UNTS I-35597 (tkah/CountriesAndIntlAffairs, state 2016)"},
	}
	need := []string{"iso3"}
	for _, c := range cols {
		need = append(need, c.prefix+"_status", c.prefix+"_year")
	}
	if err := t.need(need...); err != nil {
		return nil, err
	}
	var rows []MembershipRow
	for _, rw := range t.rows {
		iso := normaliseISO3(t.get(rw, "iso3"))
		if !knownISO3(iso) {
			return nil, fmt.Errorf("%s:%d: iso3: unknown country code %q", t.name, rw.line, iso)
		}
		for _, c := range cols {
			status := t.get(rw, c.prefix+"_status")
			switch status {
			case "party", "signatory":
			case "none":
				status = "not_party"
			case "not_listed", "unknown", "":
				continue
			default:
				return nil, fmt.Errorf("%s:%d: %s_status: unknown status %q", t.name, rw.line, c.prefix, status)
			}
			m := MembershipRow{
				ISO3: iso, Instrument: c.instrument, Status: status, ListAsOf: c.asOf,
				Source:      fmt.Sprintf("shared/data treaty_status_summary.csv (%s list as of %s)", c.instrument, c.asOf),
				CitedSource: c.cited,
			}
			y, ok, err := t.integer(rw, c.prefix+"_year")
			if err != nil {
				return nil, err
			}
			if ok && status == "party" {
				m.Year = y
			}
			rows = append(rows, m)
		}
	}
	return rows, nil
}

// ReadCuratedInstrument reads one of this package's curated tables (curated/<instrument>.csv:
// iso3, status, year, source_url, list_as_of, note).
func ReadCuratedInstrument(r io.Reader, instrument string) ([]MembershipRow, error) {
	name := "curated/" + instrument + ".csv"
	t, err := readTable(r, name, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "status", "year", "source_url", "list_as_of", "note"); err != nil {
		return nil, err
	}
	var rows []MembershipRow
	seen := map[string]int{}
	for _, rw := range t.rows {
		m, err := membershipRow(t, rw, instrument)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[m.ISO3]; dup {
			return nil, fmt.Errorf("%s:%d: %s is already listed on line %d", name, rw.line, m.ISO3, first)
		}
		seen[m.ISO3] = rw.line
		if m.SourceURL == "" {
			return nil, fmt.Errorf("%s:%d: source_url: every curated row cites its public list", name, rw.line)
		}
		m.Source = fmt.Sprintf("exportrisk curated table indicators/importers/curated/%s.csv (row as of %s)", instrument, m.ListAsOf)
		rows = append(rows, m)
	}
	return rows, nil
}

// NonPartyMaxAge is how old a list may be, in years before the bundle's as_of, for its
// signatory or not_party row to say anything about as_of: a state missing from an older list
// may have joined since, so its status is unknown (MEMBERSHIPS.md, "Staleness": a not_party in
// an old list means "not known to be a party then", not a current fact). A party row needs no
// such limit: it gives the deposit year, and a later withdrawal comes as a dated notice.
const NonPartyMaxAge = 5

// listConfirmed moves an instrument's list date later where an independent count check shows
// that the list was still complete then (the method of MEMBERSHIPS.md, "Per instrument").
var listConfirmed = map[string]struct{ date, why, whyDE string }{
	"wassenaar": {"2025", "NTI Education Center (nti.org/education-center/treaties-and-regimes/wassenaar-arrangement/) counts 42 participating states, the 41 of the list plus India (2017); MEMBERSHIPS.md classes the list as current",
		"das NTI Education Center (nti.org/education-center/treaties-and-regimes/wassenaar-arrangement/) zählt 42 Teilnehmerstaaten, die 41 der Liste und Indien (2017); MEMBERSHIPS.md stuft die Liste als aktuell ein"},
}

// Why a row cannot say the status at as_of.
const (
	rowSays       = iota
	overrideLater // a later notice (withdrawal) dated after as_of
	listTooOld    // a signatory or not_party row from a list older than NonPartyMaxAge years
)

// resolve turns one row into the status at asOf, or says why it cannot (rowSays if it can).
func (m MembershipRow) resolve(asOf time.Time) (indicators.Membership, int) {
	listDate, _ := m.listDate()
	out := indicators.Membership{Status: m.Status, Provenance: indicators.Provenance{
		Source: m.Source, CitedSource: m.CitedSource, URL: m.SourceURL,
	}}
	note := func(en, de string) { addNote(&out.Provenance, "; ", en, de) }
	if m.Note != "" {
		note(m.Note, "") // the table's own note is English
	}
	switch m.Status {
	case "party":
		if m.Year > asOf.Year() {
			out.Status = "not_party"
			note(fmt.Sprintf("instrument deposited in %d, after as_of: not a party on %s (a signature before then is not recorded in the list)", m.Year, asOf.Format(time.DateOnly)),
				fmt.Sprintf("Urkunde %d hinterlegt, nach dem Stichtag: am %s keine Vertragspartei (eine Unterzeichnung davor verzeichnet die Liste nicht)", m.Year, dateDE(asOf)))
			break
		}
		out.Year = m.Year
		if m.Year == 0 && listDate.After(asOf) {
			note(fmt.Sprintf("party in the list as of %s; the list gives no year", m.ListAsOf),
				fmt.Sprintf("Vertragspartei in der Liste mit Stand %s; die Liste nennt kein Jahr", partialDateDE(m.ListAsOf)))
		}
	default:
		if m.Override && m.Effective.After(asOf) {
			return out, overrideLater
		}
		if m.Override {
			note(fmt.Sprintf("withdrawal effective %s", m.Effective.Format(time.DateOnly)), fmt.Sprintf("Austritt wirksam zum %s", dateDE(m.Effective)))
		}
		asOfList := m.ListAsOf
		if c, ok := listConfirmed[m.Instrument]; ok && !m.Override {
			if d, err := partialDate(c.date); err == nil && d.After(listDate) {
				listDate = d
				asOfList = c.date
				note(fmt.Sprintf("list of %s still complete in %s: %s", m.ListAsOf, c.date, c.why),
					fmt.Sprintf("Liste vom %s auch %s noch vollständig: %s", partialDateDE(m.ListAsOf), partialDateDE(c.date), c.whyDE))
			}
		}
		if listDate.Before(asOf.AddDate(-NonPartyMaxAge, 0, 0)) {
			return out, listTooOld
		}
		what, whatDE := "not a party", "keine Vertragspartei"
		if m.Status == "signatory" {
			what, whatDE = "signed, not a party", "unterzeichnet, keine Vertragspartei"
		}
		note(fmt.Sprintf("%s as of %s", what, asOfList), fmt.Sprintf("%s, Stand %s", whatDE, partialDateDE(asOfList)))
	}
	return out, rowSays
}

// ResolveMemberships gives each country's status per instrument at asOf. sources are in
// order of precedence: for each (country, instrument) the first source with a row that can
// say the status at asOf wins; later sources fill what earlier ones cannot say (e.g. the
// 2016 Rome/Ottawa exports for a withdrawal notified after asOf). An instrument no source
// can settle is left out: unknown, never guessed. unknown says, per instrument, how many
// states were left unknown because their only non-party row came from a list too old for asOf.
func ResolveMemberships(sources [][]MembershipRow, asOf time.Time) (out map[string]map[string]indicators.Membership, unknown []string) {
	out = map[string]map[string]indicators.Membership{}
	pending := map[string][2]string{}        // "ISO3 instrument" -> why an earlier source could not say (en, de)
	tooOld := map[string]map[string]string{} // instrument -> ISO3 -> list date
	for _, rows := range sources {
		// stable order within a source
		sorted := append([]MembershipRow(nil), rows...)
		sort.SliceStable(sorted, func(i, j int) bool {
			if sorted[i].ISO3 != sorted[j].ISO3 {
				return sorted[i].ISO3 < sorted[j].ISO3
			}
			return sorted[i].Instrument < sorted[j].Instrument
		})
		for _, m := range sorted {
			if _, done := out[m.ISO3][m.Instrument]; done {
				continue
			}
			ms, why := m.resolve(asOf)
			key := m.ISO3 + " " + m.Instrument
			switch why {
			case overrideLater:
				pending[key] = [2]string{
					fmt.Sprintf("withdrawal effective %s (%s), after as_of: the status on as_of comes from an older list", m.Effective.Format(time.DateOnly), m.SourceURL),
					fmt.Sprintf("Austritt wirksam zum %s (%s), nach dem Stichtag: der Stand am Stichtag stammt aus einer älteren Liste", dateDE(m.Effective), m.SourceURL),
				}
				continue
			case listTooOld:
				if tooOld[m.Instrument] == nil {
					tooOld[m.Instrument] = map[string]string{}
				}
				tooOld[m.Instrument][m.ISO3] = m.ListAsOf
				continue
			}
			if why, ok := pending[key]; ok {
				addNote(&ms.Provenance, "; ", why[0], why[1])
			}
			if out[m.ISO3] == nil {
				out[m.ISO3] = map[string]indicators.Membership{}
			}
			out[m.ISO3][m.Instrument] = ms
		}
	}
	for inst, states := range tooOld {
		var isos []string
		dates := map[string]bool{}
		for iso, d := range states {
			if _, settled := out[iso][inst]; !settled {
				isos = append(isos, iso)
				dates[d] = true
			}
		}
		if len(isos) == 0 {
			continue
		}
		sort.Strings(isos)
		unknown = append(unknown, fmt.Sprintf("%s: status unknown for %d (%s): their only non-party row is in a list of %s, more than %d years before as_of",
			inst, len(isos), strings.Join(isos, " "), strings.Join(slices.Sorted(maps.Keys(dates)), ", "), NonPartyMaxAge))
	}
	sort.Strings(unknown)
	return out, unknown
}
