# METADATA
# title: Criterion 5 tests
# description: Allied forces, fragility and defence-integrity grading at every threshold, missing data.
package criteria.c5_test

import data.lib.testdata_test as td

_forces(present, indices) := td.with_indices(object.union({"allied_forces_present": td.index(present)}, indices))

test_no_data_is_insufficient if {
	bundle := td.with_indices({"fsi_total": td.index(100), "gdi_band": td.index("F")})
	td.verdict("c5", bundle) == "insufficient_data"
	td.reason_codes("c5", bundle) == ["C5-NO-DATA"]
	td.missing("c5", bundle) == {"indices.allied_forces_present"}
	td.missing("c5", td.bundle({}, {}, [], [])) == {
		"indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band",
	}
}

test_no_data_reason if {
	some r in td.reasons("c5", td.bundle({}, {}, [], []))
	r == {"code": "C5-NO-DATA", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}
}

test_no_forces_is_not_critical_whatever_the_grading if {
	bundle := _forces(false, {"fsi_total": td.index(110), "gdi_band": td.index("F")})
	td.verdict("c5", bundle) == "not_critical"
	td.reason_codes("c5", bundle) == ["C5-NO-FORCES"]
	td.missing("c5", _forces(false, {})) == set()
}

test_no_forces_reason if {
	some r in td.reasons("c5", _forces(false, {}))
	r == {
		"code": "C5-NO-FORCES",
		"verdict": "not_critical",
		"vars": {},
		"indicators": ["indices.allied_forces_present"],
		"evidence": [],
	}
}

test_forces_without_grading_is_insufficient if {
	td.verdict("c5", _forces(true, {})) == "insufficient_data"
	td.reason_codes("c5", _forces(true, {})) == ["C5-CANNOT-GRADE"]
	td.missing("c5", _forces(true, {})) == {"indices.fsi_total", "indices.gdi_band"}
	some r in td.reasons("c5", _forces(true, {}))
	r.verdict == "insufficient_data"
	r.indicators == ["indices.allied_forces_present"]
}

test_fragility_thresholds if {
	td.reason_codes("c5", _forces(true, {"fsi_total": td.index(90)})) == ["C5-FRAGILITY-VERY-HIGH"]
	td.verdict("c5", _forces(true, {"fsi_total": td.index(90)})) == "critical"
	td.reason_codes("c5", _forces(true, {"fsi_total": td.index(89.9)})) == ["C5-FRAGILITY-HIGH"]
	td.verdict("c5", _forces(true, {"fsi_total": td.index(80)})) == "possibly_critical"
	td.reason_codes("c5", _forces(true, {"fsi_total": td.index(79.9)})) == ["C5-PASS"]
	td.verdict("c5", _forces(true, {"fsi_total": td.index(79.9)})) == "not_critical"
}

test_fragility_threshold_from_data if {
	forces := _forces(true, {"fsi_total": td.index(79.9)})
	td.criterion("c5", forces, {"c5": {"fsi_high_min": 75}}).verdict == "possibly_critical"
}

test_defence_integrity_bands if {
	every band in ["E", "F"] {
		td.reason_codes("c5", _forces(true, {"gdi_band": td.index(band)})) == ["C5-DEFENCE-INTEGRITY-CRITICAL"]
	}
	td.reason_codes("c5", _forces(true, {"gdi_band": td.index("D")})) == ["C5-DEFENCE-INTEGRITY-POOR"]
	td.verdict("c5", _forces(true, {"gdi_band": td.index("D")})) == "possibly_critical"
	every band in ["A", "B", "C"] {
		td.verdict("c5", _forces(true, {"gdi_band": td.index(band)})) == "not_critical"
	}
}

test_grading_reasons if {
	entry := {"value": 95.5, "year": 2025, "source": "Fund for Peace"}
	bundle := _forces(true, {"fsi_total": entry, "gdi_band": td.index("E")})
	td.reason_codes("c5", bundle) == ["C5-DEFENCE-INTEGRITY-CRITICAL", "C5-FRAGILITY-VERY-HIGH"]
	some r in td.reasons("c5", bundle)
	r.code == "C5-FRAGILITY-VERY-HIGH"
	r.vars == {"limit": 90}
	r.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some band in td.reasons("c5", bundle)
	band.code == "C5-DEFENCE-INTEGRITY-CRITICAL"
	band.vars == {"bands": ["E", "F"]}
	band.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
	some high in td.reasons("c5", _forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")}))
	high.code == "C5-FRAGILITY-HIGH"
	high.vars == {"limit": 80}
	high.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some poor in td.reasons("c5", _forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")}))
	poor.code == "C5-DEFENCE-INTEGRITY-POOR"
	poor.vars == {}
	poor.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
}

test_pass_reason if {
	bundle := _forces(true, {"fsi_total": td.index(60.1), "gdi_band": td.index("B")})
	some r in td.reasons("c5", bundle)
	r == {
		"code": "C5-PASS",
		"verdict": "not_critical",
		"vars": {},
		"indicators": ["indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band"],
		"evidence": [],
	}
}

test_graded_by_one_index_lists_the_other_as_missing if {
	td.missing("c5", _forces(true, {"fsi_total": td.index(50)})) == {"indices.gdi_band"}
}
