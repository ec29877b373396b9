package importers

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// QoG editions in shared/data. Year is the cross-section's target year: QoG takes each
// variable from that year, or, where a country has no value for it, from the nearest year
// within +/-3 (first the year after, then the year before, and so on). The subsets keep no
// year-of-measurement column, so the exact year of a single value is not known; the target
// year is recorded and the note says so.
//
//   - Jan24: "data from and around 2020" (gu.se, QoG Standard Dataset page, version Jan24).
//   - Jan25: 2021. Not stated on a page we could read; established from the data: its
//     undp_hdi equals the UNDP HDR 2023/24 hdi_2021 value (to 3 decimals) for all 190
//     countries with a value (see TestQoGJan25TargetYear).
var QoGEditions = []QoGEdition{
	{File: "qog/qog_std_cs_jan25_subset.csv", Version: "Jan25", Year: 2021},
	{File: "qog/qog_std_cs_jan24_subset.csv", Version: "Jan24", Year: 2020},
}

// QoGEdition is one QoG Standard cross-section file.
type QoGEdition struct {
	File    string
	Version string
	Year    int // the cross-section's target year
}

// qogVariables maps QoG columns to catalog ids, with the original producer.
var qogVariables = []struct{ col, id, cited string }{
	{"wbgi_vae", "wgi_voice_accountability", "World Bank, Worldwide Governance Indicators (Voice and Accountability, estimate)"},
	{"wbgi_rle", "wgi_rule_of_law", "World Bank, Worldwide Governance Indicators (Rule of Law, estimate)"},
	{"wbgi_pve", "wgi_political_stability", "World Bank, Worldwide Governance Indicators (Political Stability and Absence of Violence/Terrorism, estimate)"},
	{"wdi_chexppgdp", "health_exp_gdp", "World Bank, World Development Indicators (current health expenditure, % of GDP)"},
	{"wdi_expedu", "education_exp_gdp", "World Bank, World Development Indicators (government expenditure on education, % of GDP)"},
	{"bicc_gmi", "gmi_score", "BICC, Global Militarisation Index"},
}

// QoG reads one QoG Standard cross-section subset: WGI, health and education spending and
// the BICC Global Militarisation Index. QoG's own Freedom House, HDI, CPI and UCDP columns
// are not used: the original data sets are read directly (their years are known exactly),
// and QoG's ucdp_type* columns count conflicts by type without the party/location split
// the catalog needs (the Jan24 subset lacks ucdp_type1/2 altogether).
//
// gmi_rank is not in QoG. It is derived here: the rank of the country's GMI score among all
// countries with a score in the same file (1 = highest score = most militarised; equal
// scores share a rank). BICC's published rank may differ where its coverage differs; the
// note says so.
func QoG(r io.Reader, ed QoGEdition) (*Result, error) {
	t, err := readTable(r, ed.File, false)
	if err != nil {
		return nil, err
	}
	cols := []string{"ccodealp", "cname"}
	for _, v := range qogVariables {
		cols = append(cols, v.col)
	}
	if err := t.need(cols...); err != nil {
		return nil, err
	}
	res := &Result{}
	source := fmt.Sprintf("QoG Standard Dataset, cross-section, version %s (Teorell et al.)", ed.Version)
	yearNote := fmt.Sprintf("QoG cross-section %s: value for %d or, where missing, the nearest year within ±3; the exact year is not in the file", ed.Version, ed.Year)
	yearNoteDE := fmt.Sprintf("QoG-Querschnitt %s: Wert für %d oder, wo er fehlt, das nächste Jahr innerhalb von ±3; welches Jahr, steht nicht in der Datei", ed.Version, ed.Year)
	type gmi struct {
		iso   string
		score float64
	}
	var gmis []gmi
	for _, rw := range t.rows {
		iso, reason := resolveCode(t.get(rw, "ccodealp"))
		if iso == "" {
			res.unmatched(ed.File, t.get(rw, "cname"), ed.Year, reason)
			continue
		}
		for _, v := range qogVariables {
			f, ok, err := t.number(rw, v.col)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			res.add(Value{ISO3: iso, ID: v.id, Value: f, Year: ed.Year, Provenance: indicators.Provenance{
				Source: source, CitedSource: v.cited, Note: yearNote, NoteDE: yearNoteDE,
			}})
			if v.id == "gmi_score" {
				gmis = append(gmis, gmi{iso, f})
			}
		}
	}
	sort.SliceStable(gmis, func(i, j int) bool { return gmis[i].score > gmis[j].score })
	for i, g := range gmis {
		rank := i + 1
		for rank > 1 && gmis[rank-2].score == g.score {
			rank--
		}
		res.add(Value{ISO3: g.iso, ID: "gmi_rank", Value: float64(rank), Year: ed.Year, Provenance: indicators.Provenance{
			Source:      source,
			CitedSource: "BICC, Global Militarisation Index",
			Note: fmt.Sprintf("rank derived by exportrisk: position of the GMI score %.2f among the %d countries with a score in QoG %s (1 = most militarised); BICC's published rank may differ; %s",
				g.score, len(gmis), ed.Version, yearNote),
			NoteDE: fmt.Sprintf("Rang von exportrisk abgeleitet: Stelle des GMI-Werts %s unter den %d Ländern mit einem Wert in QoG %s (1 = am stärksten militarisiert); der von BICC veröffentlichte Rang kann abweichen; %s",
				strings.Replace(fmt.Sprintf("%.2f", g.score), ".", ",", 1), len(gmis), ed.Version, yearNoteDE),
		}})
	}
	return res, nil
}
