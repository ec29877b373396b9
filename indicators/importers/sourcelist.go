package importers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// Sources are the annual data sets, in the order Build reads them (where two give the same
// index id, the first wins). Each row says where the file is, how its rows become values, and
// when a data year becomes known (Publication): a rule that rests on the source's edition
// dates; where they vary, it takes the later one, so that no value comes from the future.
// The computed UCDP indicators follow UCDPLag; coups, embargoes, deployments and treaty
// memberships are dated events and count when dated on or before as_of (world.go).
var Sources = []Source{
	{
		// Freedom in the World all-data workbook (as CSV): status, total, political rights and
		// civil liberties per country and edition; data_year must be the edition minus one (the
		// 2025 edition rates 2024). Territories without a code (Crimea, Somaliland) are
		// unmatched; territories with one (Hong Kong, Puerto Rico) are imported like countries.
		// Political rights below 0 (the discretionary question subtracts up to 4 points: China,
		// Syria, Sudan, South Sudan) are recorded as they are (catalog range -4..40); a total
		// below 0 would be outside its range and is not recorded.
		ID: "freedom_house", Name: "Freedom House, Freedom in the World",
		File: "freedom_house/fiw_2013_2025_all_data.csv",
		Publication: Publication{Lag: 1, Window: 2,
			Rule:   "edition Y appears in February or March of Y and rates Y-1",
			RuleDE: "Ausgabe Y erscheint im Februar oder März von Y und bewertet Y-1"},
		Code: "iso3", Entity: "Country/Territory", Year: "data_year",
		Columns: []Column{
			{ID: "fh_status", Col: "Status", Read: oneOf("F", "PF", "NF")},
			{ID: "fh_political_rights", Col: "PR"},
			{ID: "fh_civil_liberties", Col: "CL"},
			{ID: "fh_total", Col: "Total", Read: notBelow(0)},
		},
		Needs: []string{"C/T", "Edition"},
		Check: func(r Row) error {
			edition, _, err := r.Integer("Edition")
			if err != nil {
				return err
			}
			if edition != r.Year+1 {
				return r.Errorf("edition %d does not rate data year %d (want edition = data year + 1)", edition, r.Year)
			}
			return nil
		},
		Provenance: func(r Row) indicators.Provenance {
			return indicators.Provenance{Source: fmt.Sprintf("Freedom House, Freedom in the World %d (data year %d), all-data workbook FIW13-25", r.Year+1, r.Year)}
		},
	},
	{
		// pts is the highest (worst) of the scores available for the country and year: PTS_A
		// (coded from Amnesty International reports), PTS_H (Human Rights Watch) and PTS_S (US
		// State Department), as the catalog defines it and the cautious reading for an export
		// screen; the note lists all three. A year without any score (NA, NA_Status
		// 66/77/88/99) gives no value.
		ID: "pts", Name: "Political Terror Scale",
		File: "pts/pts_1976_2023_iso3.csv",
		Publication: Publication{Lag: 1, Window: 3,
			Rule:   "the release of year Y (mid-year) covers data years to Y-1 (PTS-2024: 1976-2023)",
			RuleDE: "die Veröffentlichung des Jahres Y (Jahresmitte) reicht bis Datenjahr Y-1 (PTS-2024: 1976–2023)"},
		Code: "iso3", Entity: "Country", Year: "Year",
		Columns: []Column{{ID: "pts", Read: ptsHighest}},
		Needs:   ptsColumns,
		Provenance: func(r Row) indicators.Provenance {
			parts := make([]string, len(ptsColumns))
			for i, col := range ptsColumns {
				score := "NA"
				if v, ok, _ := r.Integer(col); ok { // ptsHighest has read them
					score = strconv.Itoa(v)
				}
				parts[i] = strings.TrimPrefix(col, "PTS_") + " " + score
			}
			return indicators.Provenance{
				Source: "Political Terror Scale, PTS-2024 release (data 1976-2023)",
				Note:   "highest of the available scores (Amnesty A, Human Rights Watch H, State Department S): " + strings.Join(parts, ", "),
				NoteDE: "höchster der verfügbaren Werte (Amnesty A, Human Rights Watch H, State Department S): " + strings.Join(parts, ", "),
			}
		},
	},
	{
		// The World Bank's file stores float32 values (1.2817047739028931): they are rounded to 4
		// decimals, far below the indicator's standard error. The 2024 update revised the whole
		// back series, so every value is the 2024 update's estimate for its data year.
		ID: "wgi", Name: "World Bank, Worldwide Governance Indicators",
		File: "wgi/wgi_estimates_2010_2023_iso3.csv",
		Publication: Publication{Lag: 1, Window: 3,
			Rule:   "the update of year Y appears in September or October and covers data years to Y-1 (2024 update: 27 Sep 2024, to 2023)",
			RuleDE: "das Update des Jahres Y erscheint im September oder Oktober und reicht bis Datenjahr Y-1 (Update 2024: 27. September 2024, bis 2023)"},
		Code: "iso3", Entity: "country", Year: "year",
		Columns: []Column{
			wgiColumn("va_est", "wgi_voice_accountability", "Voice and Accountability", "Mitspracherecht und Rechenschaftspflicht"),
			wgiColumn("rl_est", "wgi_rule_of_law", "Rule of Law", "Rechtsstaatlichkeit"),
			wgiColumn("pv_est", "wgi_political_stability", "Political Stability and Absence of Violence/Terrorism", "Politische Stabilität und Abwesenheit von Gewalt/Terrorismus"),
		},
		Provenance: func(Row) indicators.Provenance {
			return indicators.Provenance{Source: wgiSource}
		},
	},
	{
		// Long format, 2000-2023: milex_gdp from the share of GDP (already in percent in this
		// file), milex_usd_m from spending in constant 2022 US$ millions. SIPRI's "..." (not
		// available) and "xxx" (not independent) give no value. The European Union aggregate and
		// historical states (Soviet Union, Yugoslavia) are unmatched when they carry a value.
		ID: "sipri_milex", Name: "SIPRI Military Expenditure Database",
		File: "sipri_milex/sipri_milex_2000_2023_long.csv",
		Publication: Publication{Lag: 1, Window: 3,
			Rule:   "data year Y appears in April of Y+1",
			RuleDE: "Datenjahr Y erscheint im April von Y+1"},
		Code: "iso3", Entity: "sipri_country", Year: "year",
		Columns: []Column{
			{ID: "milex_gdp", Col: "milex_share_of_gdp_pct", Note: "military expenditure as a share of GDP, in percent",
				NoteDE: "Militärausgaben als Anteil am BIP, in Prozent"},
			{ID: "milex_usd_m", Col: "milex_constant_2022_usd_millions", Note: "constant (2022) US$ millions",
				NoteDE: "Millionen US$ zu konstanten Preisen (2022)"},
		},
		Provenance: func(Row) indicators.Provenance {
			return indicators.Provenance{Source: "SIPRI Military Expenditure Database (2024 release, data 1948-2023)"}
		},
	},
	{
		// The HDR 2023/24 time series, wide: one hdi_YYYY column per data year (the column's
		// year, not the report's). The regional and development-group aggregates (ZZA.VHHD ...
		// ZZK.WORLD) are unmatched.
		ID: "hdi", Name: "UNDP, Human Development Report composite indices",
		File: "undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv",
		Publication: Publication{Lag: 2, Window: 3,
			Rule:   "the report of year Y covers data years to Y-2 (HDR 2023/24, March 2024: to 2022); HDR 2021/22 (Sep 2022) reached Y-1, the rule takes the later",
			RuleDE: "der Bericht des Jahres Y reicht bis Datenjahr Y-2 (HDR 2023/24, März 2024: bis 2022); HDR 2021/22 (September 2022) reichte bis Y-1, die Regel nimmt das spätere"},
		Code: "iso3", Entity: "country", Year: "hdi_", Wide: true,
		Columns: []Column{{ID: "hdi"}},
		Provenance: func(Row) indicators.Provenance {
			return indicators.Provenance{Source: "UNDP Human Development Report 2023/24, composite indices time series 1990-2022"}
		},
	},
	{
		// Component 2D "military interference in rule of law and politics" (0-10, 10 = none),
		// taken verbatim (2023 values have two decimals, earlier ones full float precision).
		ID: "efw", Name: "Fraser Institute, Economic Freedom of the World",
		File: "efw/efw_military_interference.csv",
		Publication: Publication{Lag: 2, Window: 3,
			Rule:   "the report of year Y appears in September and covers data years to Y-2 (2025 report: to 2023)",
			RuleDE: "der Bericht des Jahres Y erscheint im September und reicht bis Datenjahr Y-2 (Bericht 2025: bis 2023)"},
		Code: "iso3", Entity: "iso3", Year: "year",
		Columns: []Column{{ID: "efw_military_interference", Col: "value"}},
		Provenance: func(Row) indicators.Provenance {
			return indicators.Provenance{
				Source:      "Fraser Institute, Economic Freedom of the World 2025 report (data to 2023), component 2D",
				CitedSource: "PRS Group, International Country Risk Guide (military in politics), as rescaled by Fraser",
			}
		},
	},
	{
		// Editions 2006-2023. The year column is the edition; an edition rates the previous
		// calendar year (fragilestatesindex.org, "Highlights of the 2023 Index": "In 2022, the
		// aftermath of COVID-19 and the war in Europe ..."). Totals are rounded to 1 decimal, as
		// FFP publishes them (the 2018 and 2020 workbooks are unrounded).
		ID: "fsi", Name: "Fund for Peace, Fragile States Index",
		File: "fsi/fsi_all_years.csv",
		Publication: Publication{Lag: 1, Window: 3,
			Rule:   "edition Y rates Y-1 and appeared during Y up to the 2023 edition (FSI 2024 appeared in February 2025)",
			RuleDE: "Ausgabe Y bewertet Y-1 und erschien bis zur Ausgabe 2023 im Lauf von Y (FSI 2024 erschien im Februar 2025)"},
		Code: "iso3", Entity: "country_fsi", Year: "year", Edition: true, YearDiff: -1,
		Columns: []Column{{ID: "fsi_total", Col: "total", Decimals: 1,
			Note:   "total 0-120, higher = more fragile; rounded to 1 decimal, as FFP publishes it",
			NoteDE: "Gesamtwert 0–120, höher = fragiler; auf 1 Nachkommastelle gerundet, wie FFP ihn veröffentlicht"}},
		Provenance: func(r Row) indicators.Provenance {
			return indicators.Provenance{Source: fmt.Sprintf("The Fund for Peace, Fragile States Index %d (rates %d)", r.Year+1, r.Year)}
		},
	},
	{
		// The 2023 edition (data years 1990-2022): the score and BICC's own rank of each year.
		ID: "gmi", Name: "BICC, Global Militarisation Index",
		File: "gmi/gmi_1990_2022_bicc2023.csv",
		Publication: Publication{Lag: 2, Window: 3,
			Rule:   "edition Y covers data year Y-1 and appears around the turn of the year Y/Y+1; taken as known at the end of Y+1",
			RuleDE: "Ausgabe Y umfasst Datenjahr Y-1 und erscheint um den Jahreswechsel Y/Y+1; als bekannt angenommen Ende Y+1"},
		Code: "iso3", Entity: "name", Year: "year",
		Columns: []Column{
			{ID: "gmi_score", Col: "gmi_score", Decimals: 2, Note: "score rounded to 2 decimals; higher = more militarised",
				NoteDE: "Wert auf 2 Nachkommastellen gerundet; höher = stärker militarisiert"},
			{ID: "gmi_rank", Col: "gmi_rank", Read: whole, Note: "BICC's rank among the countries scored that year (1 = most militarised)",
				NoteDE: "Rang bei BICC unter den in diesem Jahr bewerteten Ländern (1 = am stärksten militarisiert)"},
		},
		Provenance: func(Row) indicators.Provenance {
			return indicators.Provenance{Source: "BICC, Global Militarisation Index, 2023 edition (data years 1990-2022)"}
		},
	},
	{
		// The CPI time series 2012-2025 (long file). TI writes Kosovo as KSV (mapped to XKX).
		ID: "cpi", Name: "Transparency International, Corruption Perceptions Index",
		File: "ti_cpi/cpi_2012_2025_long.csv",
		Publication: Publication{Lag: 1, Window: 3,
			Rule:   "CPI Y appears in late January or February of Y+1",
			RuleDE: "der CPI Y erscheint Ende Januar oder im Februar von Y+1"},
		Code: "iso3", Entity: "country", Year: "year",
		Columns: []Column{{ID: "cpi", Col: "cpi_score"}},
		Provenance: func(r Row) indicators.Provenance {
			return indicators.Provenance{Source: fmt.Sprintf("Transparency International, Corruption Perceptions Index %d", r.Year)}
		},
	},
	{
		// The curated bands of TI Defence & Security's GI 2013, GI 2015 and GDI 2020; the year is
		// the edition. Rows without a band (score only) give no value. Each value keeps its own
		// source page, how the band was read (printed letter, risk label mapped with TI's scale,
		// or inferred from wording) and the sub-band.
		ID: "gdi", Name: "Transparency International Defence & Security, GI / GDI",
		File: "gdi/gdi_bands.csv",
		Publication: Publication{Lag: 0, Window: 10,
			Rule:   "the value's year is the edition year, the year of publication (GI 2013: Jan 2013; GI 2015: Oct 2015; GDI 2020: Nov 2020)",
			RuleDE: "das Jahr des Werts ist das Jahr der Ausgabe, ihrer Veröffentlichung (GI 2013: Januar 2013; GI 2015: Oktober 2015; GDI 2020: November 2020)"},
		NoMaxAge: "editions years apart (GI 2013, GI 2015, GDI 2020): the build carries a band at most Window (10) years",
		Code:     "iso3", Entity: "iso3", Year: "year", Edition: true,
		Columns: []Column{{ID: "gdi_band", Col: "band", Read: gdiBand}},
		Needs:   []string{"source_url", "index_name", "band_detail", "basis", "note"},
		Provenance: func(r Row) indicators.Provenance {
			note := "band read as " + r.Get("basis")
			if d := r.Get("band_detail"); d != "" && d != strings.ToUpper(r.Get("band")) {
				note += "; sub-band " + d
			}
			if n := r.Get("note"); n != "" {
				note += "; " + n
			}
			return indicators.Provenance{
				Source:      "shared/data gdi_bands.csv (hand-transcribed from archived public pages)",
				CitedSource: "Transparency International Defence & Security, " + gdiIndexNames[r.Get("index_name")],
				URL:         r.Get("source_url"),
				Note:        note,
			}
		},
	},
	{
		// The curated Small Arms Trade Transparency Barometer scores. A value's year is the
		// activity year the edition assesses (edition minus three); the source names the
		// edition. Four rows carry an unquoted comma in the last column (note): Tolerant joins
		// the surplus field back. Rows without a source URL say so.
		ID: "sats", Name: "Small Arms Trade Transparency Barometer",
		File: "sats/transparency_barometer.csv",
		Publication: Publication{Lag: 3, Window: 10,
			Rule:   "the value's year is the activity year, three years before the edition, which appears in the edition year",
			RuleDE: "das Jahr des Werts ist das bewertete Tätigkeitsjahr, drei Jahre vor der Ausgabe, die im Ausgabejahr erscheint"},
		NoMaxAge: "editions years apart (2018, 2020, 2021): the build carries a score at most Window (10) years",
		Code:     "iso3", Entity: "iso3", Year: "activity_year", Tolerant: true,
		Columns: []Column{{ID: "sats_barometer", Col: "score"}},
		Needs:   []string{"edition_year", "source_url", "note"},
		Check: func(r Row) error {
			_, err := r.YearIn("edition_year")
			return err
		},
		Provenance: func(r Row) indicators.Provenance {
			edition, _ := r.YearIn("edition_year")
			note := r.Get("note")
			if r.Get("source_url") == "" {
				note += " (no source URL recorded)"
			}
			return indicators.Provenance{
				Source:      "shared/data transparency_barometer.csv (hand-transcribed from archived public pages)",
				CitedSource: fmt.Sprintf("Small Arms Survey, Small Arms Trade Transparency Barometer %d (%d activities)", edition, r.Year),
				URL:         r.Get("source_url"),
				Note:        note,
			}
		},
	},
}

const wgiSource = "World Bank, Worldwide Governance Indicators, 2024 update (Kaufmann & Kraay)"

// wgiColumn is one WGI estimate column, rounded to 4 decimals.
func wgiColumn(col, id, name, nameDE string) Column {
	return Column{ID: id, Col: col, Decimals: 4,
		Note:   fmt.Sprintf("%s, estimate (about -2.5 to 2.5, higher is better), rounded to 4 decimals; the 2024 update revised the back series", name),
		NoteDE: fmt.Sprintf("%s, Schätzwert (etwa −2,5 bis 2,5, höher ist besser), auf 4 Nachkommastellen gerundet; das Update 2024 hat die zurückliegende Reihe revidiert", nameDE)}
}

// ptsColumns are the three PTS scores: Amnesty International, Human Rights Watch, State Department.
var ptsColumns = []string{"PTS_A", "PTS_H", "PTS_S"}

// ptsHighest reads the highest of a row's PTS scores, each 1..5; a row without any has no value.
func ptsHighest(r Row, _ string) (any, bool, error) {
	best := 0
	for _, col := range ptsColumns {
		v, ok, err := r.Integer(col)
		if err != nil {
			return nil, false, err
		}
		if ok && (v < 1 || v > 5) {
			return nil, false, r.Errorf("%s: want 1..5, got %d", col, v)
		}
		best = max(best, v)
	}
	return float64(best), best > 0, nil
}

// gdiIndexNames are the GI / GDI editions by the file's index_name.
var gdiIndexNames = map[string]string{
	"GI2013":  "Government Defence Anti-Corruption Index 2013",
	"GI2015":  "Government Defence Anti-Corruption Index 2015",
	"GDI2020": "Government Defence Integrity Index 2020",
}

// gdiBand reads a band letter A..F (upper-cased); an empty field is no value.
func gdiBand(r Row, col string) (any, bool, error) {
	band := strings.ToUpper(r.Get(col))
	if band == "" {
		return nil, false, nil
	}
	if !strings.Contains("ABCDEF", band) || len(band) != 1 {
		return nil, false, r.Errorf("%s: want A..F, got %q", col, band)
	}
	return band, true, nil
}
