# METADATA
# title: Criterion 6 tests
# description: Treaty gaps among the 29 and the 10 at every threshold, unknown statuses, missing data.
package criteria.c6_test

import data.lib.testdata_test as td

_conventions := td.thresholds.c6.conventions

_key := td.thresholds.c6.key_conventions

# Conventions of the 29 that are not among the 10, in list order (19).
_other := [id | some id in _conventions; not id in _key]

# Memberships for the 29: the ids in gaps not_party, the ids in unknown absent, the rest party.
_members(gaps, unknown) := {id: td.membership(status) |
	some id in _conventions
	not id in unknown
	status := {true: "not_party", false: "party"}[id in gaps]
}

_input(gaps, unknown) := td.bundle({}, _members(gaps, unknown), [], [])

_verdict(gaps, unknown) := td.verdict("c6", _input(gaps, unknown))

_codes(gaps, unknown) := td.reason_codes("c6", _input(gaps, unknown))

# This test checks the shipped policies/data.yaml itself: BICC counts 29 conventions, 10 of
# them key conventions (the other tests use the test calibration's copy of the lists).
test_shipped_conventions_are_29_with_10_key if {
	count(data.thresholds.c6.conventions) == 29
	count({id | some id in data.thresholds.c6.conventions}) == 29
	count(data.thresholds.c6.key_conventions) == 10
}

test_the_lists if {
	count(_conventions) == 29
	count({id | some id in _conventions}) == 29
	count(_key) == 10
	every id in _key {
		id in _conventions
	}
	count(_other) == 19
}

test_all_joined_is_not_critical if {
	_verdict([], []) == "not_critical"
	_codes([], []) == ["C6-PASS"]
	td.missing("c6", _input([], [])) == set()
}

test_pass_reason if {
	gaps := ["ptbt", "seabed", "apmbc", "ccm", "rome_statute"]
	td.missing("c6", _input(gaps, ["uncac"])) == {"memberships.uncac"}
	some r in td.reasons("c6", _input(gaps, ["uncac"]))
	r.code == "C6-PASS"
	r.verdict == "not_critical"
	r.vars == {
		"gaps": {"apmbc", "ccm", "ptbt", "rome_statute", "seabed"},
		"key_gaps": {"rome_statute"},
		"unknown": {"uncac"},
		"joined": 23,
		"total": 29,
		"key_total": 10,
		"limit": 7,
		"key_limit": 3,
	}
	r.indicators == sort([concat(".", ["memberships", id]) | some id in _conventions; id != "uncac"])
	count(r.indicators) == 28
}

test_pass_reason_without_gaps if {
	some r in td.reasons("c6", _input([], []))
	r.vars.gaps == set()
	r.vars.key_gaps == set()
	r.vars.unknown == set()
	r.vars.joined == 29
}

test_gaps_among_the_29 if {
	_verdict(array.slice(_other, 0, 6), []) == "not_critical"
	_verdict(array.slice(_other, 0, 7), []) == "possibly_critical"
	_codes(array.slice(_other, 0, 7), []) == ["C6-GAPS"]
	_verdict(array.slice(_other, 0, 11), []) == "possibly_critical"
	_verdict(array.slice(_other, 0, 12), []) == "critical"
	_codes(array.slice(_other, 0, 12), []) == ["C6-GAPS-CRITICAL"]
	some r in td.reasons("c6", _input(array.slice(_other, 0, 7), []))
	r.code == "C6-GAPS"
	r.vars == {"count": 7, "total": 29, "limit": 7, "gaps": {id | some id in array.slice(_other, 0, 7)}}
	r.indicators == sort([concat(".", ["memberships", id]) | some id in array.slice(_other, 0, 7)])
	some c in td.reasons("c6", _input(array.slice(_other, 0, 12), []))
	c.code == "C6-GAPS-CRITICAL"
	c.vars.limit == 12
	count(c.indicators) == 12
}

test_gaps_among_the_10 if {
	_verdict(array.slice(_key, 0, 2), []) == "not_critical"
	_verdict(array.slice(_key, 0, 3), []) == "possibly_critical"
	_codes(array.slice(_key, 0, 3), []) == ["C6-KEY-GAPS"]
	_verdict(array.slice(_key, 0, 4), []) == "possibly_critical"
	_verdict(array.slice(_key, 0, 5), []) == "critical"
	_codes(array.slice(_key, 0, 5), []) == ["C6-KEY-GAPS-CRITICAL"]
}

test_both_counts_fire_together if {
	gaps := array.concat(array.slice(_key, 0, 5), array.slice(_other, 0, 7))
	_codes(gaps, []) == ["C6-GAPS-CRITICAL", "C6-KEY-GAPS-CRITICAL"]
	_codes(array.slice(_key, 0, 7), []) == ["C6-GAPS", "C6-KEY-GAPS-CRITICAL"]
}

test_signatory_counts_as_a_gap if {
	members := object.union(_members([], []), {id: td.membership("signatory") | some id in array.slice(_key, 0, 3)})
	td.criterion("c6", td.bundle({}, members, [], []), {}).verdict == "possibly_critical"
}

test_gap_reason if {
	gaps := array.slice(_key, 0, 3)
	some r in td.reasons("c6", _input(gaps, []))
	r == {
		"code": "C6-KEY-GAPS",
		"verdict": "possibly_critical",
		"vars": {"count": 3, "total": 10, "limit": 3, "gaps": {"npt", "bwc", "cwc"}},
		"indicators": ["memberships.bwc", "memberships.cwc", "memberships.npt"],
		"evidence": [],
	}
	some c in td.reasons("c6", _input(array.slice(_key, 0, 5), []))
	c.code == "C6-KEY-GAPS-CRITICAL"
	c.vars == {"count": 5, "total": 10, "limit": 5, "gaps": {id | some id in array.slice(_key, 0, 5)}}
}

test_unknown_is_never_a_gap if {
	_verdict([], array.slice(_key, 0, 5)) == "not_critical"
	count(td.missing("c6", _input([], array.slice(_key, 0, 5)))) == 5
}

test_more_than_half_unknown_is_insufficient if {
	_verdict([], array.slice(_conventions, 0, 14)) == "not_critical"
	_verdict([], array.slice(_conventions, 0, 15)) == "insufficient_data"
	_codes([], array.slice(_conventions, 0, 15)) == ["C6-NO-DATA"]
	count(td.missing("c6", _input([], array.slice(_conventions, 0, 15)))) == 15
}

test_no_memberships_is_insufficient if {
	td.criterion("c6", td.bundle({}, {}, [], []), {}).verdict == "insufficient_data"
	count(td.missing("c6", td.bundle({}, {}, [], []))) == 29
	some r in td.reasons("c6", td.bundle({}, {}, [], []))
	r == {
		"code": "C6-NO-DATA",
		"verdict": "insufficient_data",
		"vars": {"unknown": {id | some id in _conventions}, "total": 29, "limit": 14},
		"indicators": [],
		"evidence": [],
	}
}

# Missing data never lowers a verdict: with 15 of 29 unknown, known gaps that reach a threshold
# still give that verdict; below the thresholds the criterion is insufficient_data.
test_known_gaps_force_their_level_when_too_much_is_unknown if {
	unknown := array.concat(array.slice(_key, 0, 10), array.slice(_other, 12, 17))
	_verdict(array.slice(_other, 0, 12), unknown) == "critical"
	_codes(array.slice(_other, 0, 12), unknown) == ["C6-GAPS-CRITICAL"]
	_verdict(array.slice(_other, 0, 7), unknown) == "possibly_critical"
	_codes(array.slice(_other, 0, 7), unknown) == ["C6-GAPS"]
	_verdict(array.slice(_other, 0, 6), unknown) == "insufficient_data"
	_codes(array.slice(_other, 0, 6), unknown) == ["C6-NO-DATA"]
}

test_known_key_gaps_force_their_level_when_too_much_is_unknown if {
	unknown := array.slice(_other, 0, 15)
	_verdict(array.slice(_key, 0, 3), unknown) == "possibly_critical"
	_codes(array.slice(_key, 0, 3), unknown) == ["C6-KEY-GAPS"]
	_verdict(array.slice(_key, 0, 2), unknown) == "insufficient_data"
}

test_thresholds_from_data if {
	td.criterion("c6", _input(array.slice(_other, 0, 7), []), {"c6": {"critical_min_gaps": 7}}).verdict == "critical"
	ten_unknown := _input([], array.slice(_conventions, 0, 10))
	td.criterion("c6", ten_unknown, {"c6": {"max_unknown_share": 0.3}}).verdict == "insufficient_data"
}
