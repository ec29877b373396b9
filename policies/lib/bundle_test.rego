# METADATA
# title: Bundle access tests
# description: Defensive section access, indicator objects, known-not-joined, unknown and missing paths, dated evidence.
package lib.bundle_test

import data.lib.bundle
import data.lib.testdata_test as td

_members := {
	"att": {"status": "party", "year": 2017, "source": "UNODA", "cited_source": "UNTC", "url": "https://x", "note": "n"},
	"ptbt": td.membership("signatory"),
	"seabed": td.membership("not_party"),
}

test_absent_sections_are_empty if {
	bundle.indices == {} with input as {"as_of": "2026-01-01"}
	bundle.memberships == {} with input as {"as_of": "2026-01-01"}
	bundle.embargoes == [] with input as {"as_of": "2026-01-01"}
	bundle.evidence == [] with input as {"as_of": "2026-01-01"}
	bundle.dated == [] with input as {"as_of": "2026-01-01"}
}

test_index_indicator_copies_every_field if {
	entry := {"value": "NF", "year": 2026, "source": "s", "cited_source": "c", "url": "u", "note": "n"}
	bundle.indicator({"fh_status": entry}, "fh_status") == object.union(entry, {"id": "indices.fh_status"})
	not bundle.indicator({"fh_status": entry}, "pts")
}

test_membership_indicators_turn_status_into_value if {
	bundle.memberships_of(_members, ["seabed", "att", "unknown"]) == [
		{
			"id": "memberships.att", "value": "party", "year": 2017, "source": "UNODA", "cited_source": "UNTC",
			"url": "https://x", "note": "n",
		},
		{"id": "memberships.seabed", "value": "not_party", "source": "Test treaty source"},
	]
}

test_embargo_indicator if {
	record := {
		"authority": "EU", "in_force": true, "addressee": "non_state", "since": "2011-05-23",
		"source": "s", "unconfirmed": true,
	}
	bundle.embargo(record) == {
		"id": "embargoes.EU", "value": true, "addressee": "non_state", "since": "2011-05-23",
		"source": "s", "unconfirmed": true,
	}
}

test_not_joined_counts_signatory_and_not_party_only if {
	bundle.not_joined(_members, ["att", "ptbt", "seabed", "npt"]) == {"ptbt", "seabed"}
}

test_unknown_and_missing_memberships if {
	bundle.unknown(_members, ["att", "npt", "bwc"]) == {"npt", "bwc"}
	bundle.missing_memberships(_members, {"att", "npt"}) == {"memberships.npt"}
}

test_missing_and_present_indices if {
	indices := {"hdi": td.index(0.5)}
	bundle.missing_indices(indices, {"hdi", "pts"}) == {"indices.pts"}
	bundle.indices_of(indices, {"pts", "hdi"}) == [
		{"id": "indices.hdi", "value": 0.5, "year": 2025, "source": "Test index source"},
	]
}

test_dated_evidence_is_sorted_by_date_then_id if {
	evidence := [
		td.event("b", "2022-01-05", "unrest"),
		td.event("c", "2021-12-31", "unrest"),
		td.event("a", "2022-01-05", "unrest"),
	]
	[[ns, e.id] | some [ns, e] in bundle.dated] == [
		[time.parse_ns("2006-01-02", "2021-12-31"), "c"],
		[time.parse_ns("2006-01-02", "2022-01-05"), "a"],
		[time.parse_ns("2006-01-02", "2022-01-05"), "b"],
	] with input as td.bundle({}, {}, [], evidence)
}

test_as_of if {
	bundle.as_of == "2026-06-01" with input as td.bundle({}, {}, [], [])
}
