package importers

import (
	"fmt"
	"io"

	"github.com/exportrisk/exportrisk/indicators"
)

// FreedomHouse file and source names.
const (
	FreedomHouseFile   = "freedom_house/fiw_2013_2025_all_data.csv"
	freedomHouseSource = "Freedom House, Freedom in the World"
)

// FreedomHouse reads the Freedom in the World all-data workbook (as CSV): status, total,
// political rights and civil liberties per country and edition. The year of each value is
// the data year (edition minus one: the 2025 edition rates 2024), taken from the file's
// data_year column and checked against Edition. Territories (C/T = t) without a code, such
// as Crimea or Somaliland, are returned as unmatched; territories with a code (Hong Kong,
// Puerto Rico) are imported like countries.
//
// The catalog's political rights range is 0..40; Freedom House scores below 0 exist (the
// additional discretionary question can subtract up to 4 points: China, Syria, Sudan, South
// Sudan). Such a value is not recorded and the total's note says why.
func FreedomHouse(r io.Reader) (*Result, error) {
	t, err := readTable(r, FreedomHouseFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "data_year", "Country/Territory", "C/T", "Edition", "Status", "PR", "CL", "Total"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		name := t.get(rw, "Country/Territory")
		year, err := t.year(rw, "data_year")
		if err != nil {
			return nil, err
		}
		edition, _, err := t.integer(rw, "Edition")
		if err != nil {
			return nil, err
		}
		if edition != year+1 {
			return nil, fmt.Errorf("%s:%d: edition %d does not rate data year %d (want edition = data year + 1)", t.name, rw.line, edition, year)
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(FreedomHouseFile, name, year, reason)
			continue
		}
		prov := indicators.Provenance{
			Source: fmt.Sprintf("%s %d (data year %d), all-data workbook FIW13-25", freedomHouseSource, edition, year),
		}
		status := t.get(rw, "Status")
		switch status {
		case "F", "PF", "NF":
			res.add(Value{ISO3: iso, ID: "fh_status", Value: status, Year: year, Provenance: prov})
		default:
			return nil, fmt.Errorf("%s:%d: Status: want F, PF or NF, got %q", t.name, rw.line, status)
		}
		pr, prOK, err := t.number(rw, "PR")
		if err != nil {
			return nil, err
		}
		cl, clOK, err := t.number(rw, "CL")
		if err != nil {
			return nil, err
		}
		total, totalOK, err := t.number(rw, "Total")
		if err != nil {
			return nil, err
		}
		if prOK {
			res.add(Value{ISO3: iso, ID: "fh_political_rights", Value: pr, Year: year, Provenance: prov})
		}
		if clOK {
			res.add(Value{ISO3: iso, ID: "fh_civil_liberties", Value: cl, Year: year, Provenance: prov})
		}
		if totalOK && total >= 0 {
			res.add(Value{ISO3: iso, ID: "fh_total", Value: total, Year: year, Provenance: prov})
		}
	}
	return res, nil
}
