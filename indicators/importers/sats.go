package importers

import (
	"fmt"
	"io"

	"github.com/exportrisk/exportrisk/indicators"
)

// SATS file name.
const SATSFile = "sats/transparency_barometer.csv"

// SATS reads the curated Small Arms Trade Transparency Barometer scores. The year of a value
// is the activity year the edition assesses (edition minus three), the source names the
// edition. The file has an oddity: four rows carry an unquoted comma in the last column
// (note); the surplus field is joined back into the note. Rows without a source URL say so.
func SATS(r io.Reader) (*Result, error) {
	t, err := readTable(r, SATSFile, true)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "edition_year", "score", "source_url", "activity_year", "note"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		edition, err := t.year(rw, "edition_year")
		if err != nil {
			return nil, err
		}
		activity, err := t.year(rw, "activity_year")
		if err != nil {
			return nil, err
		}
		v, ok, err := t.number(rw, "score")
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(SATSFile, t.get(rw, "iso3"), activity, reason)
			continue
		}
		note := t.get(rw, "note")
		if t.get(rw, "source_url") == "" {
			note += " (no source URL recorded)"
		}
		res.add(Value{ISO3: iso, ID: "sats_barometer", Value: v, Year: activity, Provenance: indicators.Provenance{
			Source:      "shared/data transparency_barometer.csv (hand-transcribed from archived public pages)",
			CitedSource: fmt.Sprintf("Small Arms Survey, Small Arms Trade Transparency Barometer %d (%d activities)", edition, activity),
			URL:         t.get(rw, "source_url"),
			Note:        note,
		}})
	}
	return res, nil
}
