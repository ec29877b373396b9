package present

import (
	"strings"

	"github.com/exportrisk/exportrisk/indicators"
)

// meaningsDE are the German meanings of the indices of the catalog, by index id. The
// English meaning is the catalog's own (indicators.IndexSpec.Meaning, also the bundle
// schema's description); TestMeaningsComplete fails when an index has no German one.
// Index names that are proper names stay as their publishers write them (Political
// Terror Scale, Fragile States Index); the institutions' German names where they have one
// (Freedom House: frei, teilweise frei, nicht frei; BICC: Globaler Militarisierungsindex).
var meaningsDE = map[string]string{
	"fh_status":                         "Freedom-House-Status: frei, teilweise frei, nicht frei",
	"fh_total":                          "Freedom House, Gesamtpunktzahl",
	"fh_political_rights":               "Freedom House, politische Rechte (kann durch die Zusatzfrage unter 0 fallen)",
	"fh_civil_liberties":                "Freedom House, bürgerliche Freiheiten",
	"pts":                               "Political Terror Scale (5 = schlechtester Wert)",
	"wgi_voice_accountability":          "Worldwide Governance Indicators der Weltbank: Mitsprache und Verantwortlichkeit",
	"wgi_rule_of_law":                   "Worldwide Governance Indicators der Weltbank: Rechtsstaatlichkeit",
	"wgi_political_stability":           "Worldwide Governance Indicators der Weltbank: Politische Stabilität und Abwesenheit von Gewalt",
	"efw_military_interference":         "Fraser Institute, Economic Freedom of the World: Einfluss des Militärs auf Rechtsstaat und Politik (10 = keiner)",
	"ucdp_gov_osv_years_5y":             "Jahre unter den letzten fünf, in denen UCDP einseitige Gewalt der Regierung verzeichnet",
	"ucdp_internal_conflicts":           "innerstaatliche bewaffnete Konflikte im Staatsgebiet (Datenjahr oder Vorjahr)",
	"ucdp_nonstate_conflicts":           "nichtstaatliche Konflikte im Staatsgebiet (Datenjahr oder Vorjahr)",
	"ucdp_interstate_conflicts":         "internationale bewaffnete Konflikte, in denen der Staat im Datenjahr Konfliktpartei ist",
	"ucdp_international_conflicts_10y":  "internationale bewaffnete Konflikte, in denen der Staat in den zehn vorangegangenen Jahren Konfliktpartei war",
	"ucdp_neighbour_conflicts":          "Nachbarländer mit gemeinsamer Landgrenze und einem aktiven bewaffneten Konflikt im Datenjahr",
	"ucdp_neighbour_nonstate_conflicts": "Nachbarländer mit gemeinsamer Landgrenze und einem nichtstaatlichen Konflikt auf ihrem Gebiet im Datenjahr",
	"coups_20y":                         "Putschversuche in den letzten zwanzig Jahren (Powell & Thyne)",
	"fsi_total":                         "Fragile States Index (höher = fragiler)",
	"gdi_band":                          "Stufe im Government Defence Integrity Index (A = beste, F = schlechteste)",
	"sats_barometer":                    "Small Arms Trade Transparency Barometer (Transparenz im Handel mit Kleinwaffen)",
	"att_bap_score":                     "ATT Baseline Assessment Project: Wert für Transferkontrollen",
	"allied_forces_present":             "EU-, NATO- oder UN-Streitkräfte im Land oder in einem Nachbarland",
	"hdi":                               "Index der menschlichen Entwicklung (Human Development Index) des UNDP",
	"gmi_rank":                          "Rang im Globalen Militarisierungsindex (1 = am stärksten militarisiert)",
	"gmi_score":                         "Globaler Militarisierungsindex, Indexwert",
	"milex_gdp":                         "Militärausgaben, % des BIP",
	"milex_usd_m":                       "Militärausgaben, Mio. US-Dollar",
	"health_exp_gdp":                    "Gesundheitsausgaben, % des BIP",
	"education_exp_gdp":                 "Bildungsausgaben, % des BIP",
	"external_debt_gdp":                 "Auslandsverschuldung, % des BIP",
	"cpi":                               "Korruptionswahrnehmungsindex (Corruption Perceptions Index) von Transparency International",
}

// Meaning explains the index at a bundle field path (indices.pts) in lang: the catalog's
// meaning in English, its German meaning in German (the English one should an index have
// none). Other field paths (memberships, embargoes) have no meaning: "".
func Meaning(lang, fieldPath string) string {
	id, ok := strings.CutPrefix(fieldPath, "indices.")
	if !ok {
		return ""
	}
	spec, ok := indicators.IndexByID(id)
	if !ok {
		return ""
	}
	if m := meaningsDE[id]; de(lang) && m != "" {
		return m
	}
	return spec.Meaning
}
