# METADATA
# title: Criterion 8 tests
# description: Human development, militarisation and military expenditure at every threshold, missing data.
package criteria.c8_test

import data.lib.testdata_test as td

_input(hdi, gmi_rank, milex) := td.with_indices({
	"hdi": td.index(hdi),
	"gmi_rank": td.index(gmi_rank),
	"milex_gdp": td.index(milex),
})

test_no_hdi_is_insufficient if {
	bundle := td.with_indices({"gmi_rank": td.index(3), "milex_gdp": td.index(9)})
	td.verdict("c8", bundle) == "insufficient_data"
	td.reason_codes("c8", bundle) == ["C8-NO-DATA"]
	td.missing("c8", bundle) == {"indices.hdi"}
	some r in td.reasons("c8", bundle)
	r == {"code": "C8-NO-DATA", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}
}

test_high_hdi_is_not_critical_whatever_else if {
	td.verdict("c8", _input(0.8, 1, 20)) == "not_critical"
	td.reason_codes("c8", _input(0.8, 1, 20)) == ["C8-HDI-HIGH"]
}

test_high_hdi_reason if {
	bundle := td.with_indices({"hdi": {"value": 0.837, "year": 2023, "source": "BICC", "cited_source": "UNDP"}})
	td.missing("c8", bundle) == {"indices.gmi_rank", "indices.milex_gdp"}
	some r in td.reasons("c8", bundle)
	r == {
		"code": "C8-HDI-HIGH",
		"verdict": "not_critical",
		"vars": {"limit": 0.8},
		"indicators": ["indices.hdi"],
		"evidence": [],
	}
}

test_low_hdi_without_militarisation_is_not_critical if {
	td.verdict("c8", _input(0.799, 51, 4)) == "not_critical"
	td.reason_codes("c8", _input(0.799, 51, 4)) == ["C8-PASS"]
	td.verdict("c8", td.with_indices({"hdi": td.index(0.4)})) == "not_critical"
}

test_pass_reason if {
	some r in td.reasons("c8", _input(0.7, 73, 1.5))
	r == {
		"code": "C8-PASS",
		"verdict": "not_critical",
		"vars": {"hdi_limit": 0.8, "rank_limit": 50, "milex_limit": 4},
		"indicators": ["indices.gmi_rank", "indices.hdi", "indices.milex_gdp"],
		"evidence": [],
	}
}

test_militarisation_threshold if {
	td.reason_codes("c8", _input(0.7, 50, 1)) == ["C8-MILITARISED"]
	td.verdict("c8", _input(0.7, 50, 1)) == "possibly_critical"
	td.verdict("c8", _input(0.7, 51, 1)) == "not_critical"
	some r in td.reasons("c8", _input(0.7, 50, 1))
	r.vars == {"hdi_limit": 0.8, "rank_limit": 50}
	r.indicators == ["indices.gmi_rank", "indices.hdi"]
}

test_military_expenditure_threshold if {
	td.reason_codes("c8", _input(0.7, 90, 4.01)) == ["C8-MILEX-HIGH"]
	td.verdict("c8", _input(0.7, 90, 4)) == "not_critical"
	some r in td.reasons("c8", _input(0.7, 90, 6.5))
	r.code == "C8-MILEX-HIGH"
	r.vars == {"hdi_limit": 0.8, "milex_limit": 4}
	r.indicators == ["indices.hdi", "indices.milex_gdp"]
}

test_very_low_hdi_with_militarisation_is_critical if {
	td.reason_codes("c8", _input(0.549, 50, 1)) == ["C8-LOW-HDI-MILITARISED"]
	td.verdict("c8", _input(0.549, 50, 1)) == "critical"
	td.reason_codes("c8", _input(0.55, 50, 1)) == ["C8-MILITARISED"]
	td.verdict("c8", _input(0.549, 51, 1)) == "not_critical"
	td.reason_codes("c8", _input(0.5, 10, 7)) == ["C8-LOW-HDI-MILITARISED", "C8-MILEX-HIGH"]
}

test_critical_reason if {
	some r in td.reasons("c8", _input(0.45, 12, 1))
	r == {
		"code": "C8-LOW-HDI-MILITARISED",
		"verdict": "critical",
		"vars": {"hdi_limit": 0.55, "rank_limit": 50},
		"indicators": ["indices.gmi_rank", "indices.hdi"],
		"evidence": [],
	}
}

test_thresholds_from_data if {
	td.criterion("c8", _input(0.85, 10, 1), {"c8": {"hdi_below": 0.9}}).verdict == "possibly_critical"
	td.criterion("c8", _input(0.7, 60, 1), {"c8": {"gmi_rank_max": 60}}).verdict == "possibly_critical"
}
