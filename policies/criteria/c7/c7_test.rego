# METADATA
# title: Criterion 7 tests
# description: ATT and Wassenaar, transparency, defence integrity, transfer controls, diversion windows, missing data.
package criteria.c7_test

import data.lib.testdata_test as td

# A bundle with an ATT party (decisive, no finding) plus the given indices and evidence.
_att(indices, evidence) := td.bundle(indices, {"att": td.membership("party")}, [], evidence)

_diversion(id, date, category, by_state) := object.union(td.event(id, date, category), {"by_state": by_state})

test_no_data_is_insufficient if {
	# missing data never lowers a verdict: a finding forces its level without ATT/Wassenaar status
	bundle := td.bundle({"sats_barometer": td.index(2), "gdi_band": td.index("F")}, {}, [], [])
	td.verdict("c7", bundle) == "critical"
	td.reason_codes("c7", bundle) == ["C7-VERY-POOR-TRANSPARENCY-INTEGRITY"]
	td.verdict("c7", td.bundle({"sats_barometer": td.index(20)}, {}, [], [])) == "insufficient_data"
	td.reason_codes("c7", td.bundle({"sats_barometer": td.index(20)}, {}, [], [])) == ["C7-NO-DATA"]
	td.missing("c7", bundle) == {"indices.att_bap_score", "memberships.att", "memberships.wassenaar"}
	some r in td.reasons("c7", td.bundle({}, {}, [], []))
	r == {
		"code": "C7-NO-DATA",
		"verdict": "insufficient_data",
		"vars": {"regimes": ["att", "wassenaar"]},
		"indicators": [],
		"evidence": [],
	}
}

test_each_regime_alone_is_decisive if {
	td.verdict("c7", td.bundle({}, {"att": td.membership("party")}, [], [])) == "not_critical"
	td.verdict("c7", td.bundle({}, {"wassenaar": td.membership("not_party")}, [], [])) == "not_critical"
}

test_neither_att_nor_wassenaar_is_critical if {
	bundle := td.bundle({}, {"att": td.membership("signatory"), "wassenaar": td.membership("not_party")}, [], [])
	td.verdict("c7", bundle) == "critical"
	td.reason_codes("c7", bundle) == ["C7-NO-ATT-NO-WASSENAAR"]
	some r in td.reasons("c7", bundle)
	r == {
		"code": "C7-NO-ATT-NO-WASSENAAR",
		"verdict": "critical",
		"vars": {},
		"indicators": ["memberships.att", "memberships.wassenaar"],
		"evidence": [],
	}
}

test_one_regime_known_not_joined_is_not_enough if {
	td.verdict("c7", td.bundle({}, {"att": td.membership("not_party")}, [], [])) == "not_critical"
	members := {"att": td.membership("not_party"), "wassenaar": td.membership("party")}
	td.verdict("c7", td.bundle({}, members, [], [])) == "not_critical"
}

test_very_poor_transparency_and_integrity_is_critical if {
	bundle := _att({"sats_barometer": td.index(5), "gdi_band": td.index("E")}, [])
	td.verdict("c7", bundle) == "critical"
	td.reason_codes("c7", bundle) == ["C7-VERY-POOR-TRANSPARENCY-INTEGRITY"]
	some r in td.reasons("c7", bundle)
	r.vars == {"sats_max": 5, "bands": ["E", "F"]}
	r.indicators == ["indices.gdi_band", "indices.sats_barometer"]
}

test_poor_but_not_very_poor if {
	td.reason_codes("c7", _att({"sats_barometer": td.index(5.5), "gdi_band": td.index("F")}, [])) == [
		"C7-DEFENCE-INTEGRITY-POOR", "C7-TRANSPARENCY-POOR",
	]
	td.verdict("c7", _att({"sats_barometer": td.index(5.5), "gdi_band": td.index("F")}, [])) == "possibly_critical"
	td.reason_codes("c7", _att({"sats_barometer": td.index(3), "gdi_band": td.index("D")}, [])) == [
		"C7-DEFENCE-INTEGRITY-POOR", "C7-TRANSPARENCY-POOR",
	]
}

test_transparency_threshold if {
	td.reason_codes("c7", _att({"sats_barometer": td.index(10)}, [])) == ["C7-TRANSPARENCY-POOR"]
	td.verdict("c7", _att({"sats_barometer": td.index(10.5)}, [])) == "not_critical"
	some r in td.reasons("c7", _att({"sats_barometer": td.index(7.5)}, []))
	r.vars == {"limit": 10}
	r.indicators == ["indices.sats_barometer"]
}

test_defence_integrity_bands if {
	every band in ["D", "E", "F"] {
		td.reason_codes("c7", _att({"gdi_band": td.index(band)}, [])) == ["C7-DEFENCE-INTEGRITY-POOR"]
	}
	every band in ["A", "B", "C"] {
		td.verdict("c7", _att({"gdi_band": td.index(band)}, [])) == "not_critical"
	}
	some r in td.reasons("c7", _att({"gdi_band": td.index("D")}, []))
	r.vars == {"bands": ["D", "E", "F"]}
	r.indicators == ["indices.gdi_band"]
}

test_few_transfer_controls if {
	td.reason_codes("c7", _att({"att_bap_score": td.index(7.9)}, [])) == ["C7-FEW-CONTROLS"]
	td.verdict("c7", _att({"att_bap_score": td.index(8)}, [])) == "not_critical"
	some r in td.reasons("c7", _att({"att_bap_score": td.index(6)}, []))
	r.vars == {"limit": 8}
	r.indicators == ["indices.att_bap_score"]
}

test_diversion_history_window if {
	every category in ["diversion", "weapons_loss"] {
		td.reason_codes("c7", _att({}, [_diversion("d", "1996-06-01", category, false)])) == ["C7-DIVERSION-HISTORY"]
		td.verdict("c7", _att({}, [_diversion("d", "1996-05-31", category, false)])) == "not_critical"
	}
	td.verdict("c7", _att({}, [td.event("u", "2025-01-01", "unrest")])) == "not_critical"
}

test_recent_diversion_by_the_state_is_critical if {
	td.reason_codes("c7", _att({}, [_diversion("d", "2021-06-01", "weapons_loss", true)])) == ["C7-STATE-DIVERSION"]
	td.verdict("c7", _att({}, [_diversion("d", "2021-06-01", "diversion", true)])) == "critical"
	td.reason_codes("c7", _att({}, [_diversion("d", "2021-05-31", "diversion", true)])) == ["C7-DIVERSION-HISTORY"]
	td.reason_codes("c7", _att({}, [_diversion("d", "2025-01-01", "diversion", false)])) == ["C7-DIVERSION-HISTORY"]
	td.reason_codes("c7", _att({}, [td.event("d", "2025-01-01", "diversion")])) == ["C7-DIVERSION-HISTORY"]
}

test_state_and_other_diversion_split_between_reasons if {
	evidence := [
		_diversion("old", "1999-01-01", "diversion", false),
		_diversion("recent-state", "2024-03-01", "diversion", true),
		_diversion("recent-loss", "2022-01-06", "weapons_loss", false),
	]
	reasons := td.reasons("c7", _att({}, evidence))
	{[r.code, r.vars, r.evidence] | some r in reasons} == {
		["C7-STATE-DIVERSION", {"years": 5}, ["recent-state"]],
		["C7-DIVERSION-HISTORY", {"years": 30}, ["old", "recent-loss"]],
	}
}

test_diversion_reason if {
	some r in td.reasons("c7", _att({}, [_diversion("loss", "2022-01-06", "weapons_loss", false)]))
	r == {
		"code": "C7-DIVERSION-HISTORY",
		"verdict": "possibly_critical",
		"vars": {"years": 30},
		"indicators": [],
		"evidence": ["loss"],
	}
}

test_windows_from_data if {
	state := _att({}, [_diversion("d", "2021-05-31", "diversion", true)])
	td.criterion("c7", state, {"c7": {"state_diversion_window_years": 6}}).verdict == "critical"
	other := _att({}, [_diversion("d", "1996-05-31", "diversion", false)])
	td.criterion("c7", other, {"c7": {"diversion_window_years": 31}}).verdict == "possibly_critical"
}

test_pass_reason if {
	bundle := _att({"sats_barometer": td.index(14), "att_bap_score": td.index(12)}, [])
	td.missing("c7", bundle) == {"indices.gdi_band", "memberships.wassenaar"}
	some r in td.reasons("c7", bundle)
	r == {
		"code": "C7-PASS",
		"verdict": "not_critical",
		"vars": {"years": 30},
		"indicators": ["memberships.att", "indices.att_bap_score", "indices.sats_barometer"],
		"evidence": [],
	}
}
