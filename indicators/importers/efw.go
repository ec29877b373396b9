package importers

import (
	"io"

	"github.com/exportrisk/exportrisk/indicators"
)

// EFW file name.
const EFWFile = "efw/efw_military_interference.csv"

const efwSource = "Fraser Institute, Economic Freedom of the World 2025 report (data to 2023), component 2D"

// EFW reads the Fraser Institute's EFW component 2D "military interference in rule of law
// and politics" (0-10, 10 = none). Values are taken verbatim (2023 values have two decimals,
// earlier ones full float precision). The year is the data year.
func EFW(r io.Reader) (*Result, error) {
	t, err := readTable(r, EFWFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "year", "value"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, err
		}
		v, ok, err := t.number(rw, "value")
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(EFWFile, t.get(rw, "iso3"), year, reason)
			continue
		}
		res.add(Value{ISO3: iso, ID: "efw_military_interference", Value: v, Year: year, Provenance: indicators.Provenance{
			Source: efwSource, CitedSource: "PRS Group, International Country Risk Guide (military in politics), as rescaled by Fraser",
		}})
	}
	return res, nil
}
