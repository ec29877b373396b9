package importers

import (
	"io"

	"github.com/exportrisk/exportrisk/indicators"
)

// SIPRI military expenditure file name.
const SIPRIMilexFile = "sipri_milex/sipri_milex_2000_2023_long.csv"

const sipriSource = "SIPRI Military Expenditure Database (2024 release, data 1948-2023)"

// SIPRIMilex reads SIPRI military expenditure (long format, 2000-2023): milex_gdp from the
// share of GDP (already in percent in this file) and milex_usd_m from spending in constant
// 2022 US$ millions. SIPRI's markers "..." (not available) and "xxx" (the country did not
// exist or was not independent) give no value. Rows without an ISO3 code (the European
// Union aggregate) and historical states (Soviet Union, Yugoslavia, ...) are unmatched when
// they carry a value.
func SIPRIMilex(r io.Reader) (*Result, error) {
	t, err := readTable(r, SIPRIMilexFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "sipri_country", "year", "milex_constant_2022_usd_millions", "milex_share_of_gdp_pct"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, err
		}
		usd, usdOK, err := t.number(rw, "milex_constant_2022_usd_millions")
		if err != nil {
			return nil, err
		}
		gdp, gdpOK, err := t.number(rw, "milex_share_of_gdp_pct")
		if err != nil {
			return nil, err
		}
		if !usdOK && !gdpOK {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(SIPRIMilexFile, t.get(rw, "sipri_country"), year, reason)
			continue
		}
		if gdpOK {
			res.add(Value{ISO3: iso, ID: "milex_gdp", Value: gdp, Year: year, Provenance: indicators.Provenance{
				Source: sipriSource, Note: "military expenditure as a share of GDP, in percent",
			}})
		}
		if usdOK {
			res.add(Value{ISO3: iso, ID: "milex_usd_m", Value: usd, Year: year, Provenance: indicators.Provenance{
				Source: sipriSource, Note: "constant (2022) US$ millions",
			}})
		}
	}
	return res, nil
}
