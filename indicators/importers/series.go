package importers

import (
	"fmt"
	"io"
	"math"

	"github.com/exportrisk/exportrisk/indicators"
)

// Time series files (one row per country and year).
const (
	WGIFile = "wgi/wgi_estimates_2010_2023_iso3.csv"
	GMIFile = "gmi/gmi_1990_2022_bicc2023.csv"
	// CPISeriesFile is TI's CPI time series, the one CPI file the build reads.
	CPISeriesFile = "ti_cpi/cpi_2012_2025_long.csv"
)

const wgiSource = "World Bank, Worldwide Governance Indicators, 2024 update (Kaufmann & Kraay)"

// wgiColumns maps the WGI estimate columns to catalog ids and the dimension's name.
var wgiColumns = []struct{ col, id, name string }{
	{"va_est", "wgi_voice_accountability", "Voice and Accountability"},
	{"rl_est", "wgi_rule_of_law", "Rule of Law"},
	{"pv_est", "wgi_political_stability", "Political Stability and Absence of Violence/Terrorism"},
}

// round returns v rounded to n decimals.
func round(v float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(v*p) / p
}

// WGI reads the World Bank's Worldwide Governance Indicators (2024 update, data years
// 2010-2023, derived wide file). The file stores float32 values (1.2817047739028931): they are
// rounded to 4 decimals, far below the indicator's standard error. The 2024 update revised
// the whole back series, so every value is the 2024 update's estimate for its data year.
func WGI(r io.Reader) (*Result, error) {
	t, err := readTable(r, WGIFile, false)
	if err != nil {
		return nil, err
	}
	need := []string{"iso3", "country", "year"}
	for _, c := range wgiColumns {
		need = append(need, c.col)
	}
	if err := t.need(need...); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, err
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		for _, c := range wgiColumns {
			v, ok, err := t.number(rw, c.col)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if iso == "" {
				res.unmatched(WGIFile, t.get(rw, "country"), year, reason)
				break
			}
			res.add(Value{ISO3: iso, ID: c.id, Value: round(v, 4), Year: year, Provenance: indicators.Provenance{
				Source: wgiSource,
				Note:   fmt.Sprintf("%s, estimate (about -2.5 to 2.5, higher is better), rounded to 4 decimals; the 2024 update revised the back series", c.name),
			}})
		}
	}
	return res, nil
}

// GMI reads BICC's Global Militarisation Index, 2023 edition (data years 1990-2022): the
// score and BICC's own rank of each year (1 = most militarised).
func GMI(r io.Reader) (*Result, error) {
	t, err := readTable(r, GMIFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "name", "year", "gmi_score", "gmi_rank"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, err
		}
		score, okScore, err := t.number(rw, "gmi_score")
		if err != nil {
			return nil, err
		}
		rank, okRank, err := t.integer(rw, "gmi_rank")
		if err != nil {
			return nil, err
		}
		if !okScore && !okRank {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(GMIFile, t.get(rw, "name"), year, reason)
			continue
		}
		prov := indicators.Provenance{Source: "BICC, Global Militarisation Index, 2023 edition (data years 1990-2022)"}
		if okScore {
			p := prov
			p.Note = "score rounded to 2 decimals; higher = more militarised"
			res.add(Value{ISO3: iso, ID: "gmi_score", Value: round(score, 2), Year: year, Provenance: p})
		}
		if okRank {
			p := prov
			p.Note = "BICC's rank among the countries scored that year (1 = most militarised)"
			res.add(Value{ISO3: iso, ID: "gmi_rank", Value: float64(rank), Year: year, Provenance: p})
		}
	}
	return res, nil
}

// CPISeries reads Transparency International's CPI time series 2012-2025 (long file). TI
// writes Kosovo as KSV; it is mapped to XKX.
func CPISeries(r io.Reader) (*Result, error) {
	t, err := readTable(r, CPISeriesFile, false)
	if err != nil {
		return nil, err
	}
	if err := t.need("iso3", "country", "year", "cpi_score"); err != nil {
		return nil, err
	}
	res := &Result{}
	for _, rw := range t.rows {
		year, err := t.year(rw, "year")
		if err != nil {
			return nil, err
		}
		v, ok, err := t.number(rw, "cpi_score")
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		iso, reason := resolveCode(t.get(rw, "iso3"))
		if iso == "" {
			res.unmatched(CPISeriesFile, t.get(rw, "country"), year, reason)
			continue
		}
		res.add(Value{ISO3: iso, ID: "cpi", Value: v, Year: year, Provenance: indicators.Provenance{
			Source: fmt.Sprintf("Transparency International, Corruption Perceptions Index %d", year),
		}})
	}
	return res, nil
}
