# METADATA
# title: Criterion 1 tests
# description: Embargoes, the five instruments, missing data.
package criteria.c1_test

import data.lib.testdata_test as td

_five := ["npt", "bwc", "cwc", "hcoc", "att"]

_no_embargo := [
	{"authority": "UN", "in_force": false, "source": "UN sanctions list"},
	{"authority": "EU", "in_force": false, "source": "EU sanctions map"},
	{"authority": "OSCE", "in_force": false, "source": "OSCE"},
]

_embargo(authority, addressee) := {
	"authority": authority,
	"in_force": true,
	"addressee": addressee,
	"since": "2011-05-23",
	"source": "EU sanctions map",
}

_input(members, embargoes) := td.bundle({}, members, embargoes, [])

_all_party := td.memberships(_five, "party")

test_no_data_is_insufficient if {
	td.verdict("c1", _input({}, [])) == "insufficient_data"
	td.reason_codes("c1", _input({}, [])) == ["C1-NO-DATA"]
	td.missing("c1", _input({}, [])) == {
		"embargoes.EU", "embargoes.OSCE", "embargoes.UN",
		"memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt",
	}
}

test_no_data_reason if {
	some r in td.reasons("c1", _input({}, []))
	r == {
		"code": "C1-NO-DATA",
		"verdict": "insufficient_data",
		"vars": {"authorities": ["UN", "EU", "OSCE"], "instruments": _five},
		"indicators": [],
		"evidence": [],
	}
}

test_embargo_against_state_is_critical if {
	embargoes := array.concat(_no_embargo, [_embargo("EU", "state")])
	td.verdict("c1", _input(_all_party, embargoes)) == "critical"
	some r in td.reasons("c1", _input(_all_party, embargoes))
	r == {
		"code": "C1-EMBARGO-STATE",
		"verdict": "critical",
		"vars": {"authority": "EU", "since": "2011-05-23", "unconfirmed": false},
		"indicators": ["embargoes.EU.state"],
		"evidence": [],
	}
}

test_embargo_against_non_state_actors_is_possibly_critical if {
	embargoes := [_embargo("UN", "non_state")]
	td.verdict("c1", _input(_all_party, embargoes)) == "possibly_critical"
	td.reason_codes("c1", _input(_all_party, embargoes)) == ["C1-EMBARGO-NON-STATE"]
	some r in td.reasons("c1", _input(_all_party, embargoes))
	r.verdict == "possibly_critical"
	r.vars == {"authority": "UN", "since": "2011-05-23", "unconfirmed": false}
	r.indicators == ["embargoes.UN.non_state"]
}

test_state_and_non_state_embargo_is_critical_with_both_reasons if {
	embargoes := [_embargo("UN", "non_state"), _embargo("EU", "state")]
	td.verdict("c1", _input({}, embargoes)) == "critical"
	td.reason_codes("c1", _input({}, embargoes)) == ["C1-EMBARGO-NON-STATE", "C1-EMBARGO-STATE"]
}

test_unconfirmed_embargo_is_used_and_marked if {
	embargoes := [object.union(_embargo("OSCE", "state"), {"unconfirmed": true})]
	td.verdict("c1", _input({}, embargoes)) == "critical"
	some r in td.reasons("c1", _input({}, embargoes))
	r.vars.unconfirmed == true
	r.indicators == ["embargoes.OSCE.state"]
}

test_embargo_record_alone_is_decisive if {
	td.verdict("c1", _input({}, _no_embargo)) == "not_critical"
	td.missing("c1", _input({}, _no_embargo)) == {
		"memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt",
	}
}

test_one_instrument_alone_is_decisive if {
	td.verdict("c1", _input({"npt": td.membership("party")}, [])) == "not_critical"
}

test_three_gaps_is_possibly_critical if {
	members := object.union(td.memberships(["npt", "bwc"], "party"), td.memberships(["cwc", "hcoc", "att"], "not_party"))
	td.verdict("c1", _input(members, _no_embargo)) == "possibly_critical"
	td.reason_codes("c1", _input(members, _no_embargo)) == ["C1-INSTRUMENT-GAPS"]
}

test_gaps_reason if {
	members := object.union(td.memberships(["npt", "bwc"], "party"), td.memberships(["cwc", "hcoc"], "not_party"))
	with_signatory := object.union(members, {"att": {"status": "signatory", "year": 2014, "source": "UNODA"}})
	some r in td.reasons("c1", _input(with_signatory, _no_embargo))
	r == {
		"code": "C1-INSTRUMENT-GAPS",
		"verdict": "possibly_critical",
		"vars": {"count": 3, "total": 5, "limit": 3},
		"indicators": ["memberships.att", "memberships.cwc", "memberships.hcoc"],
		"evidence": [],
	}
}

test_two_gaps_is_not_critical if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), td.memberships(["hcoc", "att"], "not_party"))
	td.verdict("c1", _input(members, _no_embargo)) == "not_critical"
	td.reason_codes("c1", _input(members, _no_embargo)) == ["C1-PASS"]
}

test_unknown_is_missing_not_a_gap if {
	members := td.memberships(["cwc", "hcoc"], "not_party")
	td.verdict("c1", _input(members, _no_embargo)) == "not_critical"
	td.missing("c1", _input(members, _no_embargo)) == {"memberships.att", "memberships.bwc", "memberships.npt"}
}

test_gap_threshold_from_data if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), td.memberships(["hcoc", "att"], "not_party"))
	two_gaps := {"c1": {"possibly_critical_min_gaps": 2}}
	td.criterion("c1", _input(members, _no_embargo), two_gaps).verdict == "possibly_critical"
}

test_pass_reason_names_the_checks if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), {"att": td.membership("not_party")})
	embargoes := [{"authority": "UN", "in_force": false, "source": "UN", "cited_source": "UNSC"}]
	td.missing("c1", _input(members, embargoes)) == {"embargoes.EU", "embargoes.OSCE", "memberships.hcoc"}
	some r in td.reasons("c1", _input(members, embargoes))
	r == {
		"code": "C1-PASS",
		"verdict": "not_critical",
		"vars": {
			"checked": {"UN"}, "unchecked": {"EU", "OSCE"}, "joined": 3, "total": 5,
			"gaps": {"att"}, "unknown": {"hcoc"},
		},
		"indicators": ["embargoes.UN", "memberships.att", "memberships.bwc", "memberships.cwc", "memberships.npt"],
		"evidence": [],
	}
}

test_pass_reason_without_embargo_records if {
	some r in td.reasons("c1", _input(_all_party, []))
	r.vars == {
		"checked": set(), "unchecked": {"EU", "OSCE", "UN"}, "joined": 5, "total": 5,
		"gaps": set(), "unknown": set(),
	}
	r.indicators == ["memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt"]
}

test_pass_reason_lists_every_embargo_record_in_bundle_order if {
	some r in td.reasons("c1", _input(_all_party, _no_embargo))
	r.code == "C1-PASS"
	array.slice(r.indicators, 0, 3) == ["embargoes.UN", "embargoes.EU", "embargoes.OSCE"]
	r.vars.checked == {"EU", "OSCE", "UN"}
	r.vars.unchecked == set()
}
