package importers

import (
	"fmt"
	"io"

	"github.com/exportrisk/exportrisk/indicators"
)

// FSI file name.
const FSIFile = "fsi/fsi_all_years.csv"

// FSI reads the Fund for Peace Fragile States Index, editions 2006-2023 (or one edition in
// the same layout). The file's year column is the edition;
// an edition rates the previous calendar year (fragilestatesindex.org, "Highlights of the
// 2023 Index": "In 2022, the aftermath of COVID-19 and the war in Europe ..."), so the value's
// year is edition - 1 and the source names the edition.
func FSI(r io.Reader) (*Result, error) {
	t, err := readTable(r, FSIFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "country_fsi", "year", "total"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		edition, ok, err := t.integer(rw, "year")
		if err != nil || !ok {
			return nil, fmt.Errorf("%s:%d: year: want the edition year (%v)", t.name, rw.line, err)
		}
		v, ok, err := t.number(rw, "total")
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(FSIFile, t.get(rw, "country_fsi"), edition-1, reason)
			continue
		}
		res.add(Value{ISO3: iso, ID: "fsi_total", Value: round(v, 1), Year: edition - 1, Provenance: indicators.Provenance{
			Source: fmt.Sprintf("The Fund for Peace, Fragile States Index %d (rates %d)", edition, edition-1),
			Note:   "total 0-120, higher = more fragile; rounded to 1 decimal, as FFP publishes it",
		}})
	}
	return res, nil
}
