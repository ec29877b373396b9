# METADATA
# title: Criterion 4 tests
# description: >-
#   International conflict, every possibly-critical trigger at its threshold, the evidence window,
#   missing data.
package criteria.c4_test

import data.lib.testdata_test as td

# A bundle with no conflict involvement and no neighbour conflict, plus the given indices and evidence.
_calm(indices, evidence) := td.bundle(
	object.union({"ucdp_interstate_conflicts": td.index(0), "ucdp_neighbour_conflicts": td.index(0)}, indices),
	{},
	[],
	evidence,
)

test_no_data_is_insufficient if {
	td.verdict("c4", td.bundle({}, {}, [], [])) == "insufficient_data"
	td.reason_codes("c4", td.bundle({}, {}, [], [])) == ["C4-NO-DATA"]
	td.missing("c4", td.bundle({}, {}, [], [])) == {
		"indices.coups_20y", "indices.ucdp_international_conflicts_10y", "indices.ucdp_interstate_conflicts",
		"indices.ucdp_neighbour_conflicts", "indices.ucdp_neighbour_nonstate_conflicts",
	}
}

test_no_data_reason if {
	some r in td.reasons("c4", td.bundle({}, {}, [], []))
	r == {"code": "C4-NO-DATA", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}
}

# Missing data never lowers a verdict: findings force their level without a decisive indicator.
test_non_decisive_findings_force_their_level if {
	bundle := td.bundle({"coups_20y": td.index(1)}, {}, [], [td.event("b", "2025-01-01", "border_clash")])
	td.verdict("c4", bundle) == "possibly_critical"
	td.reason_codes("c4", bundle) == ["C4-BORDER-CLASH", "C4-COUP"]
	td.verdict("c4", td.bundle({"coups_20y": td.index(0)}, {}, [], [])) == "insufficient_data"
	td.reason_codes("c4", td.bundle({"coups_20y": td.index(0)}, {}, [], [])) == ["C4-NO-DATA"]
}

test_each_decisive_indicator_alone if {
	td.verdict("c4", td.with_indices({"ucdp_interstate_conflicts": td.index(0)})) == "not_critical"
	td.verdict("c4", td.with_indices({"ucdp_neighbour_conflicts": td.index(0)})) == "not_critical"
}

test_interstate_conflict_is_critical_at_the_limit if {
	td.verdict("c4", _calm({"ucdp_interstate_conflicts": td.index(1)}, [])) == "critical"
	td.reason_codes("c4", _calm({"ucdp_interstate_conflicts": td.index(1)}, [])) == ["C4-INTERSTATE-CONFLICT"]
	td.verdict("c4", _calm({}, [])) == "not_critical"
}

test_interstate_conflict_reason if {
	some r in td.reasons("c4", _calm({"ucdp_interstate_conflicts": td.index(1)}, []))
	r == {
		"code": "C4-INTERSTATE-CONFLICT",
		"verdict": "critical",
		"vars": {"limit": 1},
		"indicators": ["indices.ucdp_interstate_conflicts"],
		"evidence": [],
	}
}

test_neighbour_conflict if {
	td.reason_codes("c4", _calm({"ucdp_neighbour_conflicts": td.index(1)}, [])) == ["C4-NEIGHBOUR-CONFLICT"]
	td.verdict("c4", _calm({"ucdp_neighbour_conflicts": td.index(2)}, [])) == "possibly_critical"
	two := _calm({"ucdp_neighbour_conflicts": td.index(2)}, [])
	td.criterion("c4", two, {"c4": {"neighbour_conflicts_min": 3}}).verdict == "not_critical"
	some r in td.reasons("c4", _calm({"ucdp_neighbour_conflicts": td.index(1)}, []))
	r.indicators == ["indices.ucdp_neighbour_conflicts"]
}

test_neighbour_nonstate_conflict if {
	one := _calm({"ucdp_neighbour_nonstate_conflicts": td.index(1)}, [])
	td.reason_codes("c4", one) == ["C4-NEIGHBOUR-NONSTATE-CONFLICT"]
	td.verdict("c4", one) == "possibly_critical"
	td.verdict("c4", _calm({"ucdp_neighbour_nonstate_conflicts": td.index(0)}, [])) == "not_critical"
	two := _calm({"ucdp_neighbour_nonstate_conflicts": td.index(2)}, [])
	td.criterion("c4", two, {"c4": {"neighbour_nonstate_conflicts_min": 2}}).verdict == "possibly_critical"
	td.criterion("c4", two, {"c4": {"neighbour_nonstate_conflicts_min": 3}}).verdict == "not_critical"
	some r in td.reasons("c4", one)
	r.indicators == ["indices.ucdp_neighbour_nonstate_conflicts"]
}

test_neighbour_nonstate_conflict_alone_forces_its_level if {
	td.verdict("c4", td.with_indices({"ucdp_neighbour_nonstate_conflicts": td.index(1)})) == "possibly_critical"
	td.verdict("c4", td.with_indices({"ucdp_neighbour_nonstate_conflicts": td.index(0)})) == "insufficient_data"
}

test_international_conflict_in_ten_years if {
	one := _calm({"ucdp_international_conflicts_10y": td.index(1)}, [])
	td.reason_codes("c4", one) == ["C4-INTERNATIONAL-CONFLICT-10Y"]
	td.verdict("c4", _calm({"ucdp_international_conflicts_10y": td.index(0)}, [])) == "not_critical"
	some r in td.reasons("c4", one)
	r.indicators == ["indices.ucdp_international_conflicts_10y"]
}

test_coup if {
	td.reason_codes("c4", _calm({"coups_20y": td.index(1)}, [])) == ["C4-COUP"]
	td.verdict("c4", _calm({"coups_20y": td.index(0)}, [])) == "not_critical"
	some r in td.reasons("c4", _calm({"coups_20y": td.index(1)}, []))
	r.indicators == ["indices.coups_20y"]
}

test_border_evidence_window if {
	every category in ["border_clash", "territorial_claim"] {
		td.reason_codes("c4", _calm({}, [td.event("e", "2021-06-01", category)])) == ["C4-BORDER-CLASH"]
		td.verdict("c4", _calm({}, [td.event("e", "2021-05-31", category)])) == "not_critical"
	}
	td.verdict("c4", _calm({}, [td.event("e", "2025-01-01", "unrest")])) == "not_critical"
}

test_border_reason if {
	item := object.union(
		td.event("kgz", "2022-09-14", "border_clash"),
		{"counterpart": "KGZ", "summary_de": "Grenzgefecht"},
	)
	some r in td.reasons("c4", _calm({}, [item]))
	r == {
		"code": "C4-BORDER-CLASH", "verdict": "possibly_critical", "vars": {"years": 5},
		"indicators": [], "evidence": ["kgz"],
	}
}

test_pass_reason if {
	some r in td.reasons("c4", _calm({}, []))
	r == {
		"code": "C4-PASS",
		"verdict": "not_critical",
		"vars": {"years": 5},
		"indicators": ["indices.ucdp_interstate_conflicts", "indices.ucdp_neighbour_conflicts"],
		"evidence": [],
	}
}
