# METADATA
# title: Criterion 5 tests
# description: Allied forces, fragility and defence-integrity grading at every threshold, missing data.
package criteria.c5_test

import data.criteria.c5 as criterion
import data.lib.testdata_test as td

_forces(present, indices) := td.with_indices(object.union({"allied_forces_present": td.index(present)}, indices))

_verdict(bundle) := v if {
	v := criterion.verdict with input as bundle
}

_codes(bundle) := c if {
	c := td.codes(criterion.reasons) with input as bundle
}

test_no_data_is_insufficient if {
	bundle := td.with_indices({"fsi_total": td.index(100), "gdi_band": td.index("F")})
	_verdict(bundle) == "insufficient_data"
	_codes(bundle) == ["C5-NO-DATA"]
	criterion.missing == {"indices.allied_forces_present"} with input as bundle
	criterion.missing == {
		"indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band",
	} with input as td.bundle({}, {}, [], [])
}

test_no_data_reason if {
	some r in criterion.reasons with input as td.bundle({}, {}, [], [])
	r == {"code": "C5-NO-DATA", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}
}

test_no_forces_is_not_critical_whatever_the_grading if {
	bundle := _forces(false, {"fsi_total": td.index(110), "gdi_band": td.index("F")})
	_verdict(bundle) == "not_critical"
	_codes(bundle) == ["C5-NO-FORCES"]
	criterion.missing == set() with input as _forces(false, {})
}

test_no_forces_reason if {
	some r in criterion.reasons with input as _forces(false, {})
	r == {
		"code": "C5-NO-FORCES",
		"verdict": "not_critical",
		"vars": {},
		"indicators": ["indices.allied_forces_present"],
		"evidence": [],
	}
}

test_forces_without_grading_is_insufficient if {
	_verdict(_forces(true, {})) == "insufficient_data"
	_codes(_forces(true, {})) == ["C5-CANNOT-GRADE"]
	criterion.missing == {"indices.fsi_total", "indices.gdi_band"} with input as _forces(true, {})
	some r in criterion.reasons with input as _forces(true, {})
	r.verdict == "insufficient_data"
	r.indicators == ["indices.allied_forces_present"]
}

test_fragility_thresholds if {
	_codes(_forces(true, {"fsi_total": td.index(90)})) == ["C5-FRAGILITY-VERY-HIGH"]
	_verdict(_forces(true, {"fsi_total": td.index(90)})) == "critical"
	_codes(_forces(true, {"fsi_total": td.index(89.9)})) == ["C5-FRAGILITY-HIGH"]
	_verdict(_forces(true, {"fsi_total": td.index(80)})) == "possibly_critical"
	_codes(_forces(true, {"fsi_total": td.index(79.9)})) == ["C5-PASS"]
	_verdict(_forces(true, {"fsi_total": td.index(79.9)})) == "not_critical"
}

test_fragility_threshold_from_data if {
	_verdict(_forces(true, {"fsi_total": td.index(79.9)})) == "possibly_critical"
		with data.thresholds.c5.fsi_high_min as 75
}

test_defence_integrity_bands if {
	every band in ["E", "F"] {
		_codes(_forces(true, {"gdi_band": td.index(band)})) == ["C5-DEFENCE-INTEGRITY-CRITICAL"]
	}
	_codes(_forces(true, {"gdi_band": td.index("D")})) == ["C5-DEFENCE-INTEGRITY-POOR"]
	_verdict(_forces(true, {"gdi_band": td.index("D")})) == "possibly_critical"
	every band in ["A", "B", "C"] {
		_verdict(_forces(true, {"gdi_band": td.index(band)})) == "not_critical"
	}
}

test_grading_reasons if {
	entry := {"value": 95.5, "year": 2025, "source": "Fund for Peace"}
	bundle := _forces(true, {"fsi_total": entry, "gdi_band": td.index("E")})
	_codes(bundle) == ["C5-DEFENCE-INTEGRITY-CRITICAL", "C5-FRAGILITY-VERY-HIGH"]
	some r in criterion.reasons with input as bundle
	r.code == "C5-FRAGILITY-VERY-HIGH"
	r.vars == {"limit": 90}
	r.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some band in criterion.reasons with input as bundle
	band.code == "C5-DEFENCE-INTEGRITY-CRITICAL"
	band.vars == {"bands": ["E", "F"]}
	band.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
	some high in criterion.reasons with input as _forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")})
	high.code == "C5-FRAGILITY-HIGH"
	high.vars == {"limit": 80}
	high.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some poor in criterion.reasons with input as _forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")})
	poor.code == "C5-DEFENCE-INTEGRITY-POOR"
	poor.vars == {}
	poor.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
}

test_pass_reason if {
	bundle := _forces(true, {"fsi_total": td.index(60.1), "gdi_band": td.index("B")})
	some r in criterion.reasons with input as bundle
	r == {
		"code": "C5-PASS",
		"verdict": "not_critical",
		"vars": {},
		"indicators": ["indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band"],
		"evidence": [],
	}
}

test_graded_by_one_index_lists_the_other_as_missing if {
	criterion.missing == {"indices.gdi_band"} with input as _forces(true, {"fsi_total": td.index(50)})
}
