package importers

import (
	"fmt"
	"io"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// GDI file name.
const GDIFile = "gdi/gdi_bands.csv"

// GDI reads the curated Government Defence Integrity bands (TI Defence & Security: GI 2013,
// GI 2015, GDI 2020). The year is the edition. Rows without a band (score only) give no
// value. Each row keeps its own source page, how the band was read (printed letter, risk
// label mapped with TI's scale, or inferred from wording) and the sub-band.
func GDI(r io.Reader) (*Result, error) {
	t, err := readTable(r, GDIFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "year", "band", "source_url", "index_name", "band_detail", "basis", "note"); err != nil {
		return nil, err
	}
	names := map[string]string{"GI2013": "Government Defence Anti-Corruption Index 2013", "GI2015": "Government Defence Anti-Corruption Index 2015", "GDI2020": "Government Defence Integrity Index 2020"}
	res := &Result{}
	for _, rw := range t.rows {
		year, ok, err := t.integer(rw, "year")
		if err != nil || !ok {
			return nil, fmt.Errorf("%s:%d: year: want the edition year (%v)", t.name, rw.line, err)
		}
		band := strings.ToUpper(t.get(rw, "band"))
		if band == "" {
			continue
		}
		if !strings.Contains("ABCDEF", band) || len(band) != 1 {
			return nil, fmt.Errorf("%s:%d: band: want A..F, got %q", t.name, rw.line, band)
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(GDIFile, t.get(rw, "iso3"), year, reason)
			continue
		}
		index := t.get(rw, "index_name")
		note := "band read as " + t.get(rw, "basis")
		if d := t.get(rw, "band_detail"); d != "" && d != band {
			note += "; sub-band " + d
		}
		if n := t.get(rw, "note"); n != "" {
			note += "; " + n
		}
		res.add(Value{ISO3: iso, ID: "gdi_band", Value: band, Year: year, Provenance: indicators.Provenance{
			Source:      "shared/data gdi_bands.csv (hand-transcribed from archived public pages)",
			CitedSource: "Transparency International Defence & Security, " + names[index],
			URL:         t.get(rw, "source_url"),
			Note:        note,
		}})
	}
	return res, nil
}
