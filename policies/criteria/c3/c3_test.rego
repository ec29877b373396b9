# METADATA
# title: Criterion 3 tests
# description: Internal conflict, every possibly-critical trigger at its threshold, the evidence window, missing data.
package criteria.c3_test

import data.lib.testdata_test as td

# A bundle with no internal conflict (decisive, no finding) plus the given indices and evidence.
_calm(indices, evidence) := td.bundle(object.union({"ucdp_internal_conflicts": td.index(0)}, indices), {}, [], evidence)

# Missing data never lowers a verdict: findings force their level without a decisive indicator;
# without a finding and a decisive indicator the criterion is insufficient_data.
test_no_data_is_insufficient if {
	bundle := td.bundle({"coups_20y": td.index(2), "fsi_total": td.index(95)}, {}, [], [])
	td.verdict("c3", bundle) == "possibly_critical"
	td.reason_codes("c3", bundle) == ["C3-COUP", "C3-FRAGILITY-VERY-HIGH"]
	td.verdict("c3", td.bundle({"coups_20y": td.index(0)}, {}, [], [])) == "insufficient_data"
	td.reason_codes("c3", td.bundle({"coups_20y": td.index(0)}, {}, [], [])) == ["C3-NO-DATA"]
	td.missing("c3", bundle) == {
		"indices.pts", "indices.ucdp_internal_conflicts", "indices.ucdp_nonstate_conflicts",
		"indices.wgi_political_stability",
	}
}

test_no_data_reason if {
	td.missing("c3", td.bundle({}, {}, [], [])) == {
		"indices.coups_20y", "indices.fsi_total", "indices.pts", "indices.ucdp_internal_conflicts",
		"indices.ucdp_nonstate_conflicts", "indices.wgi_political_stability",
	}
	some r in td.reasons("c3", td.bundle({}, {}, [], []))
	r == {"code": "C3-NO-DATA", "verdict": "insufficient_data", "vars": {"years": 5}, "indicators": [], "evidence": []}
}

test_internal_conflict_is_critical_at_the_limit if {
	td.verdict("c3", td.with_indices({"ucdp_internal_conflicts": td.index(1)})) == "critical"
	td.reason_codes("c3", td.with_indices({"ucdp_internal_conflicts": td.index(1)})) == ["C3-INTERNAL-CONFLICT"]
	td.verdict("c3", td.with_indices({"ucdp_internal_conflicts": td.index(0)})) == "not_critical"
}

test_internal_conflict_reason if {
	some r in td.reasons("c3", td.with_indices({"ucdp_internal_conflicts": td.index(2)}))
	r == {
		"code": "C3-INTERNAL-CONFLICT",
		"verdict": "critical",
		"vars": {"limit": 1},
		"indicators": ["indices.ucdp_internal_conflicts"],
		"evidence": [],
	}
}

test_nonstate_conflict if {
	td.reason_codes("c3", _calm({"ucdp_nonstate_conflicts": td.index(1)}, [])) == ["C3-NONSTATE-CONFLICT"]
	td.verdict("c3", _calm({"ucdp_nonstate_conflicts": td.index(1)}, [])) == "possibly_critical"
	td.verdict("c3", _calm({"ucdp_nonstate_conflicts": td.index(0)}, [])) == "not_critical"
	td.verdict("c3", td.with_indices({"ucdp_nonstate_conflicts": td.index(0)})) == "not_critical"
	some r in td.reasons("c3", _calm({"ucdp_nonstate_conflicts": td.index(1)}, []))
	r.indicators == ["indices.ucdp_nonstate_conflicts"]
}

test_coup if {
	td.reason_codes("c3", _calm({"coups_20y": td.index(1)}, [])) == ["C3-COUP"]
	td.verdict("c3", _calm({"coups_20y": td.index(0)}, [])) == "not_critical"
	some r in td.reasons("c3", _calm({"coups_20y": td.index(1)}, []))
	r.indicators == ["indices.coups_20y"]
}

test_political_stability if {
	td.reason_codes("c3", _calm({"wgi_political_stability": td.index(-0.5)}, [])) == ["C3-POLITICAL-STABILITY-LOW"]
	td.verdict("c3", _calm({"wgi_political_stability": td.index(-0.49)}, [])) == "not_critical"
	td.verdict("c3", td.with_indices({"wgi_political_stability": td.index(0.3)})) == "not_critical"
	some r in td.reasons("c3", _calm({"wgi_political_stability": td.index(-1.1)}, []))
	r.vars == {"limit": -0.5}
	r.indicators == ["indices.wgi_political_stability"]
}

test_pts if {
	td.reason_codes("c3", _calm({"pts": td.index(3)}, [])) == ["C3-PTS"]
	td.verdict("c3", _calm({"pts": td.index(2)}, [])) == "not_critical"
	td.verdict("c3", td.with_indices({"pts": td.index(2)})) == "not_critical"
	td.codes(td.criterion("c3", _calm({"pts": td.index(3)}, []), {"c3": {"pts_min": 4}}).reasons) == ["C3-PASS"]
	some r in td.reasons("c3", _calm({"pts": td.index(3)}, []))
	r.vars == {"limit": 3}
	r.indicators == ["indices.pts"]
}

test_very_high_fragility_uses_criterion_5_threshold if {
	td.reason_codes("c3", _calm({"fsi_total": td.index(90)}, [])) == ["C3-FRAGILITY-VERY-HIGH"]
	td.verdict("c3", _calm({"fsi_total": td.index(89.9)}, [])) == "not_critical"
	below := _calm({"fsi_total": td.index(89.9)}, [])
	td.criterion("c3", below, {"c3": {"fsi_very_high_min": 85}}).verdict == "possibly_critical"
	some r in td.reasons("c3", _calm({"fsi_total": td.index(90)}, []))
	r.vars == {"limit": 90}
	r.indicators == ["indices.fsi_total"]
}

test_unrest_evidence_window if {
	every category in ["unrest", "state_of_emergency", "lethal_repression"] {
		td.reason_codes("c3", _calm({}, [td.event("e", "2021-06-01", category)])) == ["C3-UNREST"]
		td.verdict("c3", _calm({}, [td.event("e", "2021-05-31", category)])) == "not_critical"
	}
}

test_other_evidence_does_not_count if {
	td.verdict("c3", _calm({}, [td.event("e", "2025-01-01", "border_clash")])) == "not_critical"
}

test_unrest_evidence_alone_is_decisive if {
	td.verdict("c3", td.bundle({}, {}, [], [td.event("e", "2025-01-01", "unrest")])) == "possibly_critical"
	td.verdict("c3", td.bundle({}, {}, [], [td.event("e", "2020-01-01", "unrest")])) == "insufficient_data"
}

test_unrest_reason_lists_items_in_date_order if {
	evidence := [
		td.event("b", "2022-01-06", "lethal_repression"),
		td.event("a", "2022-01-05", "state_of_emergency"),
		td.event("c", "2022-01-05", "unrest"),
		td.event("old", "2010-01-05", "unrest"),
	]
	some r in td.reasons("c3", _calm({}, evidence))
	r == {
		"code": "C3-UNREST",
		"verdict": "possibly_critical",
		"vars": {"years": 5},
		"indicators": [],
		"evidence": ["a", "c", "b"],
	}
}

test_critical_and_possibly_critical_together if {
	bundle := td.with_indices({"ucdp_internal_conflicts": td.index(1), "pts": td.index(4)})
	td.verdict("c3", bundle) == "critical"
	td.reason_codes("c3", bundle) == ["C3-INTERNAL-CONFLICT", "C3-PTS"]
}

test_pass_reason if {
	bundle := _calm({"pts": td.index(1), "coups_20y": td.index(0)}, [td.event("old", "2015-01-01", "unrest")])
	td.missing("c3", bundle) == {
		"indices.fsi_total", "indices.ucdp_nonstate_conflicts", "indices.wgi_political_stability",
	}
	some r in td.reasons("c3", bundle)
	r == {
		"code": "C3-PASS",
		"verdict": "not_critical",
		"vars": {"years": 5},
		"indicators": ["indices.coups_20y", "indices.pts", "indices.ucdp_internal_conflicts"],
		"evidence": [],
	}
}
