# METADATA
# title: Criterion 5 tests
# description: Allied forces, fragility and defence-integrity grading at every threshold, missing data.
package criteria.c5_test

import data.criteria.c5 as criterion
import data.lib.testdata_test as td

_forces(present, indices) := td.with_indices(object.union({"allied_forces_present": td.index(present)}, indices))

# The criterion's verdict, reasons and missing paths for bundle, evaluated under the test
# calibration (td.thresholds) with overrides merged in ({} for none).
_eval(bundle, overrides) := {"verdict": v, "reasons": r, "missing": m} if {
	t := td.calibration(overrides)
	v := criterion.verdict with input as bundle with data.thresholds as t
	r := criterion.reasons with input as bundle with data.thresholds as t
	m := criterion.missing with input as bundle with data.thresholds as t
}

_verdict(bundle) := _eval(bundle, {}).verdict

_reasons(bundle) := _eval(bundle, {}).reasons

_missing(bundle) := _eval(bundle, {}).missing

_codes(bundle) := td.codes(_reasons(bundle))

test_no_data_is_insufficient if {
	bundle := td.with_indices({"fsi_total": td.index(100), "gdi_band": td.index("F")})
	_verdict(bundle) == "insufficient_data"
	_codes(bundle) == ["C5-NO-DATA"]
	_missing(bundle) == {"indices.allied_forces_present"}
	_missing(td.bundle({}, {}, [], [])) == {
		"indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band",
	}
}

test_no_data_reason if {
	some r in _reasons(td.bundle({}, {}, [], []))
	r == {"code": "C5-NO-DATA", "verdict": "insufficient_data", "vars": {}, "indicators": [], "evidence": []}
}

test_no_forces_is_not_critical_whatever_the_grading if {
	bundle := _forces(false, {"fsi_total": td.index(110), "gdi_band": td.index("F")})
	_verdict(bundle) == "not_critical"
	_codes(bundle) == ["C5-NO-FORCES"]
	_missing(_forces(false, {})) == set()
}

test_no_forces_reason if {
	some r in _reasons(_forces(false, {}))
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
	_missing(_forces(true, {})) == {"indices.fsi_total", "indices.gdi_band"}
	some r in _reasons(_forces(true, {}))
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
	_eval(_forces(true, {"fsi_total": td.index(79.9)}), {"c5": {"fsi_high_min": 75}}).verdict == "possibly_critical"
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
	some r in _reasons(bundle)
	r.code == "C5-FRAGILITY-VERY-HIGH"
	r.vars == {"limit": 90}
	r.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some band in _reasons(bundle)
	band.code == "C5-DEFENCE-INTEGRITY-CRITICAL"
	band.vars == {"bands": ["E", "F"]}
	band.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
	some high in _reasons(_forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")}))
	high.code == "C5-FRAGILITY-HIGH"
	high.vars == {"limit": 80}
	high.indicators == ["indices.allied_forces_present", "indices.fsi_total"]
	some poor in _reasons(_forces(true, {"fsi_total": td.index(85), "gdi_band": td.index("D")}))
	poor.code == "C5-DEFENCE-INTEGRITY-POOR"
	poor.vars == {}
	poor.indicators == ["indices.allied_forces_present", "indices.gdi_band"]
}

test_pass_reason if {
	bundle := _forces(true, {"fsi_total": td.index(60.1), "gdi_band": td.index("B")})
	some r in _reasons(bundle)
	r == {
		"code": "C5-PASS",
		"verdict": "not_critical",
		"vars": {},
		"indicators": ["indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band"],
		"evidence": [],
	}
}

test_graded_by_one_index_lists_the_other_as_missing if {
	_missing(_forces(true, {"fsi_total": td.index(50)})) == {"indices.gdi_band"}
}
