package importers

import (
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/exportrisk/exportrisk/indicators"
)

// CPI file name.
const CPIFile = "ti_cpi/cpi2023_global_results.csv"

var cpiScoreColumn = regexp.MustCompile(`^cpi_score_(\d{4})$`)

// CPI reads Transparency International's Corruption Perceptions Index (global results
// table; the year comes from the cpi_score_YYYY column). TI writes Kosovo as KSV; it is
// mapped to XKX.
func CPI(r io.Reader) (*Result, error) {
	t, err := readTable(r, CPIFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("country", "iso3"); err != nil {
		return nil, err
	}
	col, year := "", 0
	for _, h := range t.header {
		if m := cpiScoreColumn.FindStringSubmatch(h); m != nil {
			col = h
			year, _ = strconv.Atoi(m[1])
		}
	}
	if col == "" {
		return nil, fmt.Errorf("%s: no cpi_score_YYYY column", t.name)
	}
	res := &Result{}
	for _, rw := range t.rows {
		v, ok, err := t.number(rw, col)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(CPIFile, t.get(rw, "country"), year, reason)
			continue
		}
		res.add(Value{ISO3: iso, ID: "cpi", Value: v, Year: year, Provenance: indicators.Provenance{
			Source: fmt.Sprintf("Transparency International, Corruption Perceptions Index %d", year),
		}})
	}
	return res, nil
}
