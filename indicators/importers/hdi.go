package importers

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// UNDP HDI file name.
const HDIFile = "undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv"

const hdiSource = "UNDP Human Development Report 2023/24, composite indices time series 1990-2022"

// HDI reads the UNDP Human Development Index from the HDR 2023/24 time series (wide: one
// hdi_YYYY column per year). The year of a value is the column's year, not the report's.
// Regional and development-group aggregates (codes ZZA.VHHD ... ZZK.WORLD) are unmatched.
func HDI(r io.Reader) (*Result, error) {
	t, err := readTable(r, HDIFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "country"); err != nil {
		return nil, err
	}
	type col struct {
		name string
		year int
	}
	var cols []col
	for _, h := range t.header {
		rest, ok := strings.CutPrefix(strings.TrimSpace(h), "hdi_")
		if !ok {
			continue
		}
		if y, err := strconv.Atoi(rest); err == nil {
			cols = append(cols, col{strings.TrimSpace(h), y})
		}
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s: no hdi_YYYY columns", t.name)
	}
	res := &Result{}
	for _, rw := range t.rows {
		iso, reason := resolveCode(t.get(rw, "iso3"))
		for _, c := range cols {
			v, ok, err := t.number(rw, c.name)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if iso == "" {
				res.unmatched(HDIFile, t.get(rw, "country"), c.year, reason)
				continue
			}
			res.add(Value{ISO3: iso, ID: "hdi", Value: v, Year: c.year, Provenance: indicators.Provenance{Source: hdiSource}})
		}
	}
	return res, nil
}
