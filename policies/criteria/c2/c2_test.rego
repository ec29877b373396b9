# METADATA
# title: Criterion 2 tests
# description: Government one-sided violence, signal counting at every threshold, evidence windows, missing data.
package criteria.c2_test

import data.lib.testdata_test as td

# A bundle with Freedom House "Free" (no signal) plus the given indices.
_free(indices) := td.with_indices(object.union({"fh_status": td.index("F")}, indices))

_signals(bundle) := _signals_of(td.reasons("c2", bundle))

_signals_of(reasons) := sort([[r.code, r.signal] | some r in reasons; r.signal])

_torture(date, reporter) := object.union(td.event("torture-1", date, "torture"), {"reported_by": reporter})

test_no_data_reason if {
	some r in td.reasons("c2", td.bundle({}, {}, [], []))
	r == {
		"code": "C2-NO-DATA",
		"verdict": "insufficient_data",
		"vars": {"torture_years": 3, "lethal_years": 5},
		"indicators": [],
		"evidence": [],
	}
}

test_no_data_is_insufficient if {
	td.verdict("c2", td.bundle({}, {}, [], [])) == "insufficient_data"
	td.reason_codes("c2", td.bundle({}, {}, [], [])) == ["C2-NO-DATA"]
	td.missing("c2", td.bundle({}, {}, [], [])) == {
		"indices.efw_military_interference", "indices.fh_status", "indices.pts", "indices.ucdp_gov_osv_years_5y",
		"indices.wgi_rule_of_law", "indices.wgi_voice_accountability",
		"memberships.cat", "memberships.cedaw", "memberships.cerd", "memberships.crc", "memberships.iccpr",
		"memberships.icescr", "memberships.rome_statute",
	}
}

# Missing data never lowers a verdict: signals force their level without a decisive indicator.
test_non_decisive_signals_force_their_level if {
	bundle := td.bundle(
		{"efw_military_interference": td.index(2)},
		{"cat": td.membership("not_party")},
		[],
		[_torture("2015-01-01", "un_body")],
	)
	td.verdict("c2", bundle) == "critical"
	td.reason_codes("c2", bundle) == ["C2-EFW-MILITARY-HIGH", "C2-SIGNALS-CRITICAL", "C2-TREATY-SEVERE"]
	one := td.bundle({"efw_military_interference": td.index(2)}, {}, [], [])
	td.verdict("c2", one) == "possibly_critical"
	td.reason_codes("c2", one) == ["C2-EFW-MILITARY-HIGH"]
	none := td.bundle({"efw_military_interference": td.index(9)}, {}, [], [])
	td.verdict("c2", none) == "insufficient_data"
	td.reason_codes("c2", none) == ["C2-NO-DATA"]
}

test_free_and_nothing_else_is_not_critical if {
	td.verdict("c2", _free({})) == "not_critical"
	td.reason_codes("c2", _free({})) == ["C2-PASS"]
}

test_pass_reason if {
	bundle := td.bundle(
		{"fh_status": td.index("F"), "pts": td.index(1)},
		td.memberships(["cat", "rome_statute", "iccpr"], "party"),
		[],
		[],
	)
	some r in td.reasons("c2", bundle)
	r == {
		"code": "C2-PASS",
		"verdict": "not_critical",
		"vars": {"torture_years": 3, "lethal_years": 5, "treaties_known": 3, "treaties_total": 7},
		"indicators": [
			"indices.fh_status", "indices.pts", "memberships.cat", "memberships.iccpr", "memberships.rome_statute",
		],
		"evidence": [],
	}
}

test_government_one_sided_violence_is_critical_at_the_limit if {
	td.verdict("c2", _free({"ucdp_gov_osv_years_5y": td.index(1)})) == "critical"
	td.reason_codes("c2", _free({"ucdp_gov_osv_years_5y": td.index(1)})) == ["C2-GOV-ONE-SIDED-VIOLENCE"]
	td.verdict("c2", _free({"ucdp_gov_osv_years_5y": td.index(0)})) == "not_critical"
}

test_government_one_sided_violence_alone_is_decisive if {
	td.verdict("c2", td.with_indices({"ucdp_gov_osv_years_5y": td.index(0)})) == "not_critical"
}

test_government_one_sided_violence_reason if {
	some r in td.reasons("c2", _free({"ucdp_gov_osv_years_5y": td.index(2)}))
	r == {
		"code": "C2-GOV-ONE-SIDED-VIOLENCE",
		"verdict": "critical",
		"vars": {"limit": 1},
		"indicators": ["indices.ucdp_gov_osv_years_5y"],
		"evidence": [],
	}
}

test_not_free_alone_is_one_severe_signal if {
	bundle := td.with_indices({"fh_status": td.index("NF")})
	td.verdict("c2", bundle) == "possibly_critical"
	_signals(bundle) == [["C2-FH-NOT-FREE", "severe"]]
}

test_not_free_reason if {
	entry := {"value": "NF", "year": 2026, "source": "BICC report", "cited_source": "Freedom House", "url": "https://x"}
	some r in td.reasons("c2", td.with_indices({"fh_status": entry}))
	r == {
		"code": "C2-FH-NOT-FREE",
		"verdict": "possibly_critical",
		"signal": "severe",
		"vars": {},
		"indicators": ["indices.fh_status"],
		"evidence": [],
	}
}

test_partly_free_is_a_concern_signal if {
	bundle := td.with_indices({"fh_status": td.index("PF")})
	td.verdict("c2", bundle) == "possibly_critical"
	_signals(bundle) == [["C2-FH-PARTLY-FREE", "concern"]]
}

test_one_severe_and_one_concern_is_critical if {
	bundle := td.with_indices({"fh_status": td.index("NF"), "pts": td.index(3)})
	td.verdict("c2", bundle) == "critical"
	_signals(bundle) == [["C2-FH-NOT-FREE", "severe"], ["C2-PTS-ELEVATED", "concern"]]
	td.reason_codes("c2", bundle) == ["C2-FH-NOT-FREE", "C2-PTS-ELEVATED", "C2-SIGNALS-CRITICAL"]
}

test_signals_critical_reason if {
	some r in td.reasons("c2", td.with_indices({"fh_status": td.index("NF"), "pts": td.index(3)}))
	r.code == "C2-SIGNALS-CRITICAL"
	r == {
		"code": "C2-SIGNALS-CRITICAL",
		"verdict": "critical",
		"vars": {
			"severe": 1, "concern": 1, "codes": {"C2-FH-NOT-FREE", "C2-PTS-ELEVATED"},
			"min_severe": 1, "min_total": 2,
		},
		"indicators": [],
		"evidence": [],
	}
}

test_two_concern_signals_are_possibly_critical if {
	bundle := td.with_indices({"fh_status": td.index("PF"), "pts": td.index(3)})
	td.verdict("c2", bundle) == "possibly_critical"
	count(_signals(bundle)) == 2
}

test_signal_count_thresholds_from_data if {
	bundle := td.with_indices({"fh_status": td.index("NF"), "pts": td.index(3)})
	td.criterion("c2", bundle, {"c2": {"critical_min_signals": 3}}).verdict == "possibly_critical"
	not_free := td.with_indices({"fh_status": td.index("NF")})
	td.criterion("c2", not_free, {"c2": {"critical_min_signals": 1}}).verdict == "critical"
}

test_pts_thresholds if {
	_signals(_free({"pts": td.index(5)})) == [["C2-PTS-HIGH", "severe"]]
	_signals(_free({"pts": td.index(4)})) == [["C2-PTS-HIGH", "severe"]]
	_signals(_free({"pts": td.index(3)})) == [["C2-PTS-ELEVATED", "concern"]]
	_signals(_free({"pts": td.index(2)})) == []
	td.verdict("c2", _free({"pts": td.index(2)})) == "not_critical"
	some high in td.reasons("c2", _free({"pts": td.index(5)}))
	high.vars == {"limit": 4}
	high.indicators == ["indices.pts"]
	some elevated in td.reasons("c2", _free({"pts": td.index(3)}))
	elevated.vars == {"limit": 3}
}

test_pts_alone_is_decisive if {
	td.verdict("c2", td.with_indices({"pts": td.index(1)})) == "not_critical"
}

test_pts_threshold_from_data if {
	reasons := td.criterion("c2", _free({"pts": td.index(3)}), {"c2": {"pts_severe_min": 3}}).reasons
	_signals_of(reasons) == [["C2-PTS-HIGH", "severe"]]
}

test_wgi_severe_at_the_limit_one_signal_each if {
	bundle := td.with_indices({"wgi_voice_accountability": td.index(-1), "wgi_rule_of_law": td.index(-1.5)})
	_signals(bundle) == [["C2-WGI-VERY-LOW", "severe"], ["C2-WGI-VERY-LOW", "severe"]]
	td.verdict("c2", bundle) == "critical"
}

test_wgi_just_above_severe_is_concern if {
	_signals(td.with_indices({"wgi_voice_accountability": td.index(-0.99)})) == [["C2-WGI-LOW", "concern"]]
}

test_wgi_concern_is_one_signal_for_both if {
	bundle := td.with_indices({"wgi_voice_accountability": td.index(0), "wgi_rule_of_law": td.index(-0.5)})
	_signals(bundle) == [["C2-WGI-LOW", "concern"]]
	td.verdict("c2", bundle) == "possibly_critical"
	some r in td.reasons("c2", bundle)
	r.code == "C2-WGI-LOW"
	r.vars == {"limit": 0}
	r.indicators == ["indices.wgi_rule_of_law", "indices.wgi_voice_accountability"]
}

test_wgi_above_zero_is_no_signal if {
	bundle := td.with_indices({"wgi_voice_accountability": td.index(0.01), "wgi_rule_of_law": td.index(1.2)})
	_signals(bundle) == []
	td.verdict("c2", bundle) == "not_critical"
}

test_wgi_severe_and_concern_together if {
	bundle := td.with_indices({"wgi_voice_accountability": td.index(-1.2), "wgi_rule_of_law": td.index(-0.3)})
	_signals(bundle) == [["C2-WGI-LOW", "concern"], ["C2-WGI-VERY-LOW", "severe"]]
	td.verdict("c2", bundle) == "critical"
}

test_wgi_severe_reason if {
	some r in td.reasons("c2", td.with_indices({"wgi_rule_of_law": td.index(-1.25)}))
	r.code == "C2-WGI-VERY-LOW"
	r.vars == {"limit": -1}
	r.indicators == ["indices.wgi_rule_of_law"]
}

test_efw_thresholds if {
	_signals(_free({"efw_military_interference": td.index(3.3)})) == [["C2-EFW-MILITARY-HIGH", "severe"]]
	_signals(_free({"efw_military_interference": td.index(3.31)})) == [["C2-EFW-MILITARY-ELEVATED", "concern"]]
	_signals(_free({"efw_military_interference": td.index(6.7)})) == [["C2-EFW-MILITARY-ELEVATED", "concern"]]
	_signals(_free({"efw_military_interference": td.index(6.71)})) == []
}

test_efw_reasons if {
	some high in td.reasons("c2", _free({"efw_military_interference": td.index(2.5)}))
	high.code == "C2-EFW-MILITARY-HIGH"
	high.vars == {"limit": 3.3}
	high.indicators == ["indices.efw_military_interference"]
	some elevated in td.reasons("c2", _free({"efw_military_interference": td.index(5)}))
	elevated.code == "C2-EFW-MILITARY-ELEVATED"
	elevated.vars == {"limit": 6.7}
	elevated.indicators == ["indices.efw_military_interference"]
}

test_torture_by_credible_reporter_within_window if {
	every reporter in ["un_body", "amnesty_international", "human_rights_watch", "npm"] {
		bundle := td.bundle({"fh_status": td.index("F")}, {}, [], [_torture("2025-07-01", reporter)])
		_signals(bundle) == [["C2-TORTURE", "severe"]]
		td.verdict("c2", bundle) == "possibly_critical"
	}
}

test_torture_by_other_reporter_does_not_count if {
	every reporter in ["ngo", "government", "media", "research"] {
		bundle := td.bundle({"fh_status": td.index("F")}, {}, [], [_torture("2025-07-01", reporter)])
		_signals(bundle) == []
	}
}

test_torture_window_boundary if {
	# as_of 2026-06-01, three years: 2023-06-01 is inside, 2023-05-31 outside.
	inside := td.bundle({"fh_status": td.index("F")}, {}, [], [_torture("2023-06-01", "npm")])
	_signals(inside) == [["C2-TORTURE", "severe"]]
	outside := td.bundle({"fh_status": td.index("F")}, {}, [], [_torture("2023-05-31", "npm")])
	_signals(outside) == []
}

test_torture_window_from_data if {
	bundle := td.bundle({"fh_status": td.index("F")}, {}, [], [_torture("2021-06-01", "npm")])
	_signals(bundle) == []
	count(_signals_of(td.criterion("c2", bundle, {"c2": {"torture_window_years": 5}}).reasons)) == 1
}

test_credible_torture_evidence_alone_is_decisive if {
	bundle := td.bundle({}, {}, [], [_torture("2025-07-01", "un_body")])
	td.verdict("c2", bundle) == "possibly_critical"
	td.verdict("c2", td.bundle({}, {}, [], [_torture("2025-07-01", "media")])) == "insufficient_data"
	td.verdict("c2", td.bundle({}, {}, [], [_torture("2020-07-01", "un_body")])) == "insufficient_data"
}

test_torture_reason if {
	item := object.union(_torture("2025-07-15", "un_body"), {"summary_de": "Testereignis", "cited_source": "HRW"})
	later := object.union(_torture("2025-08-01", "npm"), {"id": "torture-0"})
	some r in td.reasons("c2", td.bundle({}, {}, [], [later, item]))
	r == {
		"code": "C2-TORTURE",
		"verdict": "possibly_critical",
		"signal": "severe",
		"vars": {"years": 3},
		"indicators": [],
		"evidence": ["torture-1", "torture-0"],
	}
}

test_lethal_repression_window_boundary if {
	inside := td.bundle({"fh_status": td.index("F")}, {}, [], [td.event("r", "2021-06-01", "lethal_repression")])
	_signals(inside) == [["C2-LETHAL-REPRESSION", "severe"]]
	outside := td.bundle({"fh_status": td.index("F")}, {}, [], [td.event("r", "2021-05-31", "lethal_repression")])
	_signals(outside) == []
	td.verdict("c2", outside) == "not_critical"
}

test_lethal_repression_evidence_alone_is_decisive if {
	td.verdict("c2", td.bundle({}, {}, [], [td.event("r", "2025-01-01", "lethal_repression")])) == "possibly_critical"
	some r in td.reasons("c2", td.bundle({}, {}, [], [td.event("r", "2025-01-01", "lethal_repression")]))
	r.code == "C2-LETHAL-REPRESSION"
	r.vars == {"years": 5}
	r.evidence == ["r"]
}

test_other_categories_do_not_count if {
	bundle := td.bundle({"fh_status": td.index("F")}, {}, [], [td.event("u", "2025-01-01", "unrest")])
	_signals(bundle) == []
}

test_cat_not_ratified_is_severe if {
	every status in ["signatory", "not_party"] {
		bundle := td.bundle({"fh_status": td.index("F")}, {"cat": td.membership(status)}, [], [])
		_signals(bundle) == [["C2-TREATY-SEVERE", "severe"]]
	}
}

test_cat_unknown_is_missing_not_a_signal if {
	bundle := td.bundle({"fh_status": td.index("F")}, {}, [], [])
	_signals(bundle) == []
	"memberships.cat" in td.missing("c2", bundle)
}

test_treaty_concern_groups if {
	rome := td.bundle({"fh_status": td.index("F")}, {"rome_statute": td.membership("not_party")}, [], [])
	_signals(rome) == [["C2-TREATY-CONCERN", "concern"]]
	core := td.bundle({"fh_status": td.index("F")}, td.memberships(["iccpr", "crc"], "signatory"), [], [])
	_signals(core) == [["C2-TREATY-CONCERN", "concern"]]
	both := td.bundle(
		{"fh_status": td.index("F")},
		object.union({"rome_statute": td.membership("not_party")}, td.memberships(["icescr"], "not_party")),
		[],
		[],
	)
	_signals(both) == [["C2-TREATY-CONCERN", "concern"], ["C2-TREATY-CONCERN", "concern"]]
	td.verdict("c2", both) == "possibly_critical"
}

test_treaty_reason if {
	bundle := td.bundle({}, {"cat": {"status": "signatory", "year": 1998, "source": "UN Treaty Collection"}}, [], [])
	core := td.bundle({}, td.memberships(["iccpr", "crc", "cedaw"], "not_party"), [], [])
	some r in td.reasons("c2", bundle)
	r.code == "C2-TREATY-SEVERE"
	r.vars == {}
	r.indicators == ["memberships.cat"]
	some c in td.reasons("c2", core)
	c.code == "C2-TREATY-CONCERN"
	c.indicators == ["memberships.cedaw", "memberships.crc", "memberships.iccpr"]
}

test_kazakhstan_like_signals if {
	bundle := td.bundle(
		{"fh_status": td.index("NF")},
		{"rome_statute": td.membership("not_party"), "cat": td.membership("party")},
		[],
		[_torture("2025-07-01", "un_body"), td.event("r", "2022-01-06", "lethal_repression")],
	)
	td.verdict("c2", bundle) == "critical"
	_signals(bundle) == [
		["C2-FH-NOT-FREE", "severe"], ["C2-LETHAL-REPRESSION", "severe"],
		["C2-TORTURE", "severe"], ["C2-TREATY-CONCERN", "concern"],
	]
}
