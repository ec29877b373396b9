package indicators

// Decimals is the display precision of the numeric indices: the number of decimal places their
// source publishes (reports show values at this precision; bundles keep the values as imported).
// Integer indices are shown without decimals and are not listed.
var Decimals = map[string]int{
	"fh_total":                  0, // Freedom House aggregate scores are whole points
	"fh_political_rights":       0,
	"fh_civil_liberties":        0,
	"wgi_voice_accountability":  2, // World Bank WGI estimates, published to two decimals
	"wgi_rule_of_law":           2,
	"wgi_political_stability":   2,
	"efw_military_interference": 2, // Fraser EFW component scores, two decimals
	"fsi_total":                 1, // Fund for Peace FSI totals, one decimal
	"sats_barometer":            2, // Small Arms Trade Transparency Barometer, quarter points
	"att_bap_score":             1,
	"hdi":                       3, // UNDP HDI, three decimals
	"gmi_score":                 2,
	"milex_gdp":                 1, // SIPRI share of GDP, one decimal (per cent)
	"milex_usd_m":               0, // SIPRI US$ m
	"health_exp_gdp":            1,
	"education_exp_gdp":         1,
	"external_debt_gdp":         1,
	"cpi":                       0, // TI CPI scores are whole points
}
