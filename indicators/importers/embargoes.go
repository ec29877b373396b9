package importers

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/exportrisk/exportrisk/indicators"
)

// Embargo table file and source.
const (
	EmbargoesFile   = "embargoes/embargoes_2026.csv"
	embargoesSource = "shared/data embargoes_2026.csv (curated UN, EU and OSCE arms embargoes, state early 2026)"
	historySource   = "exportrisk curated table indicators/importers/curated/embargo_history.csv"
)

// EmbargoesCompleteFrom is the earliest as_of for which the embargo table can be read as a
// complete list: it was built from SIPRI's list of about 2019/20 (embargoes lifted before
// then were not carried over) plus every change since. For an earlier as_of an authority
// without a row is left unchecked (missing), not "no embargo".
var EmbargoesCompleteFrom = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// EmbargoRow is one row of the embargo table (or of the curated history).
type EmbargoRow struct {
	Target, Authority, Addressee string
	Scope                        string
	Since                        time.Time
	Status                       string    // in_force, lifted, suspended (table); in_force, not_in_force (history)
	Changed                      time.Time // zero when no change was found
	To                           time.Time // history rows: last day the row applies
	SourceURL                    string
	Unconfirmed                  bool
	History                      bool
}

func parseDay(t *table, rw row, col string) (time.Time, error) {
	s := t.get(rw, col)
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s:%d: %s: want YYYY-MM-DD, got %q", t.name, rw.line, col, s)
	}
	return d, nil
}

// ReadEmbargoes reads embargoes_2026.csv. Rows without a target country (the UN and EU
// ISIL/Al-Qaida list-based embargoes, which follow listed persons anywhere) are not country
// embargoes: they are returned as unmatched with that reason.
func ReadEmbargoes(r io.Reader) ([]EmbargoRow, []Unmatched, error) {
	t, err := readTable(r, EmbargoesFile, false)
	if err != nil {
		return nil, nil, err
	}
	if err := t.need("target_iso3", "imposed_by", "addressee", "scope_note", "since", "status_as_of_2026", "changed", "source_url", "confidence"); err != nil {
		return nil, nil, err
	}
	var (
		out []EmbargoRow
		um  []Unmatched
	)
	for _, rw := range t.rows {
		e := EmbargoRow{
			Authority: t.get(rw, "imposed_by"), Addressee: t.get(rw, "addressee"), Scope: t.get(rw, "scope_note"),
			Status: t.get(rw, "status_as_of_2026"), SourceURL: t.get(rw, "source_url"),
		}
		if !slices.Contains(indicators.Authorities, e.Authority) {
			return nil, nil, fmt.Errorf("%s:%d: imposed_by: want UN, EU or OSCE, got %q", t.name, rw.line, e.Authority)
		}
		if !slices.Contains(indicators.Addressees, e.Addressee) {
			return nil, nil, fmt.Errorf("%s:%d: addressee: want state or non_state, got %q", t.name, rw.line, e.Addressee)
		}
		if e.Status != "in_force" && e.Status != "lifted" && e.Status != "suspended" {
			return nil, nil, fmt.Errorf("%s:%d: status_as_of_2026: unknown status %q", t.name, rw.line, e.Status)
		}
		switch c := t.get(rw, "confidence"); c {
		case "confirmed":
		case "unconfirmed":
			e.Unconfirmed = true
		default:
			return nil, nil, fmt.Errorf("%s:%d: confidence: want confirmed or unconfirmed, got %q", t.name, rw.line, c)
		}
		if e.Since, err = parseDay(t, rw, "since"); err != nil {
			return nil, nil, err
		}
		if e.Changed, err = parseDay(t, rw, "changed"); err != nil {
			return nil, nil, err
		}
		code := t.get(rw, "target_iso3")
		if code == "" {
			um = append(um, Unmatched{Source: EmbargoesFile, Name: e.Authority + ": " + e.Scope, Reason: "no target country (list-based embargo on persons and entities anywhere): not a country embargo"})
			continue
		}
		if e.Target, _ = resolveCode(code); e.Target == "" {
			return nil, nil, fmt.Errorf("%s:%d: target_iso3: unknown country code %q", t.name, rw.line, code)
		}
		out = append(out, e)
	}
	return out, um, nil
}

// ReadEmbargoHistory reads curated/embargo_history.csv: the status of a (country, authority,
// addressee) over a period before the table's `changed` date, where the 2026 table alone
// cannot say it. Each row cites its source.
func ReadEmbargoHistory(r io.Reader, name string) ([]EmbargoRow, error) {
	t, err := readTable(r, name, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("target_iso3", "imposed_by", "addressee", "status", "from", "to", "source_url", "note"); err != nil {
		return nil, err
	}
	var out []EmbargoRow
	for _, rw := range t.rows {
		e := EmbargoRow{
			Target: normaliseISO3(t.get(rw, "target_iso3")), Authority: t.get(rw, "imposed_by"),
			Addressee: t.get(rw, "addressee"), Status: t.get(rw, "status"), SourceURL: t.get(rw, "source_url"),
			Scope: t.get(rw, "note"), History: true,
		}
		if !knownISO3(e.Target) || !slices.Contains(indicators.Authorities, e.Authority) || !slices.Contains(indicators.Addressees, e.Addressee) {
			return nil, fmt.Errorf("%s:%d: want a known country, authority and addressee", name, rw.line)
		}
		if e.Status != "in_force" && e.Status != "not_in_force" {
			return nil, fmt.Errorf("%s:%d: status: want in_force or not_in_force, got %q", name, rw.line, e.Status)
		}
		if e.Since, err = parseDay(t, rw, "from"); err != nil {
			return nil, err
		}
		if e.To, err = parseDay(t, rw, "to"); err != nil {
			return nil, err
		}
		if e.Since.IsZero() || e.To.IsZero() || e.To.Before(e.Since) || e.SourceURL == "" {
			return nil, fmt.Errorf("%s:%d: want from <= to and a source_url", name, rw.line)
		}
		out = append(out, e)
	}
	return out, nil
}

// determination is what one row says about one addressee at as_of.
type determination struct {
	known   bool
	inForce bool
	row     EmbargoRow
	note    string
}

// at says what the row means on asOf.
func (e EmbargoRow) at(asOf time.Time) determination {
	d := determination{row: e, known: true}
	if e.History {
		d.inForce = e.Status == "in_force"
		return d
	}
	switch {
	case e.Since.After(asOf):
		d.note = fmt.Sprintf("the measure began on %s, after as_of", e.Since.Format(time.DateOnly))
	case e.Changed.IsZero() || !e.Changed.After(asOf):
		d.inForce = e.Status == "in_force"
		if !d.inForce && !e.Changed.IsZero() {
			d.note = fmt.Sprintf("%s on %s", e.Status, e.Changed.Format(time.DateOnly))
		}
	case e.Status != "in_force":
		// lifted or suspended after as_of: in force until then
		d.inForce = true
		d.note = fmt.Sprintf("in force on as_of; %s on %s", e.Status, e.Changed.Format(time.DateOnly))
	default:
		// in force now, but scope, addressee or status changed after as_of: the row cannot
		// say what held on as_of
		d.known = false
	}
	if e.Status != "in_force" && e.Changed.IsZero() && !e.Since.After(asOf) {
		d.known = false // lifted on an unknown date
	}
	return d
}

// ResolveEmbargoes gives each country's embargo records at asOf, one per authority checked:
//
//   - a row (or curated history row for the same country, authority and addressee covering
//     asOf) that says the embargo was in force gives an in_force record with its addressee,
//     since date and unconfirmed flag;
//   - when every row of an authority says "not in force", or the authority has no row at all
//     (the table is a complete list from EmbargoesCompleteFrom on), the record is in_force:
//     false, sourced to the table;
//   - when a row cannot say what held on asOf (in force now but changed after asOf, or lifted
//     on an unknown date) and no history row covers it, only the authority's in-force
//     records are given; if there are none, the authority is left out (not checked) and a
//     warning names the row.
func ResolveEmbargoes(rows, history []EmbargoRow, asOf time.Time, isos []string) (map[string][]indicators.Embargo, []string) {
	type key struct{ target, authority, addressee string }
	hist := map[key]EmbargoRow{}
	for _, h := range history {
		if !asOf.Before(h.Since) && !asOf.After(h.To) {
			hist[key{h.Target, h.Authority, h.Addressee}] = h
		}
	}
	byTA := map[string][]EmbargoRow{}
	for _, e := range rows {
		k := e.Target + " " + e.Authority
		byTA[k] = append(byTA[k], e)
	}
	out := map[string][]indicators.Embargo{}
	var warnings []string
	for _, iso := range isos {
		var recs []indicators.Embargo
		for _, auth := range indicators.Authorities {
			var ds []determination
			seen := map[key]bool{}
			for _, e := range byTA[iso+" "+auth] {
				k := key{iso, auth, e.Addressee}
				if h, ok := hist[k]; ok {
					if !seen[k] {
						ds = append(ds, h.at(asOf))
						seen[k] = true
					}
					continue
				}
				ds = append(ds, e.at(asOf))
			}
			for k, h := range hist { // history for an addressee the table has no row for
				if k.target == iso && k.authority == auth && !seen[k] {
					found := false
					for _, e := range byTA[iso+" "+auth] {
						found = found || e.Addressee == k.addressee
					}
					if !found {
						ds = append(ds, h.at(asOf))
						seen[k] = true
					}
				}
			}
			sort.SliceStable(ds, func(i, j int) bool { return ds[i].row.Addressee > ds[j].row.Addressee }) // state before non_state
			unknown := false
			var inForce []indicators.Embargo
			addressees := map[string]bool{}
			for _, d := range ds {
				if !d.known {
					unknown = true
					warnings = append(warnings, fmt.Sprintf("%s %s (%s): the table cannot say whether the embargo was in force on %s (changed %s, status now %s) and no history row covers it",
						iso, auth, d.row.Addressee, asOf.Format(time.DateOnly), dateOrUnknown(d.row.Changed), d.row.Status))
					continue
				}
				if !d.inForce || addressees[d.row.Addressee] {
					continue
				}
				addressees[d.row.Addressee] = true
				inForce = append(inForce, embargoRecord(d, auth))
			}
			switch {
			case len(inForce) > 0:
				recs = append(recs, inForce...)
			case unknown:
				// authority not checked
			case len(ds) == 0 && asOf.Before(EmbargoesCompleteFrom):
				// the table is not a complete list for this date
			default:
				note := fmt.Sprintf("no %s arms embargo on this country in the table", auth)
				noteDE := fmt.Sprintf("kein %s-Waffenembargo gegen dieses Land in der Tabelle", authorityDE(auth))
				if len(ds) > 0 {
					noteDE = "" // the rows' scope texts are English
					var parts []string
					for _, d := range ds {
						p := d.row.Addressee + " measure not in force on " + asOf.Format(time.DateOnly)
						if d.note != "" {
							p += " (" + d.note + ")"
						}
						if d.row.History {
							p += ": " + d.row.Scope
						}
						parts = append(parts, p)
					}
					note = fmt.Sprintf("%s %s", auth, strings.Join(parts, "; "))
				}
				rec := indicators.Embargo{Authority: auth, InForce: false, Provenance: indicators.Provenance{Source: embargoesSource}}
				addNote(&rec.Provenance, "", note, noteDE)
				addNote(&rec.Provenance, "; ", "the table lists every UN, EU and OSCE arms embargo in force or changed since 2020 (EMBARGOES.md)",
					"die Tabelle führt jedes Waffenembargo von UN, EU und OSZE, das seit 2020 in Kraft war oder geändert wurde (EMBARGOES.md)")
				if len(ds) > 0 {
					rec.URL = ds[0].row.SourceURL
					if ds[0].row.History {
						rec.Source = historySource
					}
				}
				recs = append(recs, rec)
			}
		}
		out[iso] = recs
	}
	sort.Strings(warnings)
	return out, warnings
}

// authorityDE names an embargo authority in German (OSCE is OSZE).
func authorityDE(auth string) string {
	if auth == "OSCE" {
		return "OSZE"
	}
	return auth
}

func embargoRecord(d determination, auth string) indicators.Embargo {
	e := d.row
	note := e.Scope
	if d.note != "" {
		note += "; " + d.note
	}
	src := embargoesSource
	if e.History {
		src = historySource
	}
	return indicators.Embargo{
		Authority: auth, InForce: true, Addressee: e.Addressee, Since: e.Since.Format(time.DateOnly),
		Unconfirmed: e.Unconfirmed,
		Provenance:  indicators.Provenance{Source: src, URL: e.SourceURL, Note: note},
	}
}

func dateOrUnknown(t time.Time) string {
	if t.IsZero() {
		return "on an unknown date"
	}
	return t.Format(time.DateOnly)
}
