# METADATA
# title: Bundle access tests
# description: >-
#   Defensive section access (absent and null sections), known, party, known-not-joined, unknown,
#   indicator paths in id order, embargo paths, missing paths.
package lib.bundle_test

import data.lib.bundle
import data.lib.testdata_test as td

_members := {
	"att": {"status": "party", "year": 2017, "source": "UNODA"},
	"ptbt": td.membership("signatory"),
	"seabed": td.membership("not_party"),
}

_input := td.bundle({"hdi": td.index(0.5), "pts": td.index(3)}, _members, [], [])

test_absent_sections_are_empty if {
	bundle.indices == {} with input as {"as_of": "2026-01-01"}
	bundle.memberships == {} with input as {"as_of": "2026-01-01"}
	bundle.embargoes == [] with input as {"as_of": "2026-01-01"}
	bundle.evidence == [] with input as {"as_of": "2026-01-01"}
}

test_null_sections_are_empty if {
	nulls := {"as_of": "2026-01-01", "indices": null, "memberships": null, "embargoes": null, "evidence": null}
	bundle.indices == {} with input as nulls
	bundle.memberships == {} with input as nulls
	bundle.embargoes == [] with input as nulls
	bundle.evidence == [] with input as nulls
}

test_sections if {
	bundle.indices == {"hdi": td.index(0.5), "pts": td.index(3)} with input as _input
	bundle.memberships == _members with input as _input
	bundle.embargoes == [{"authority": "UN", "in_force": false, "source": "s"}]
		with input as td.bundle({}, {}, [{"authority": "UN", "in_force": false, "source": "s"}], [])
	bundle.evidence == [td.event("a", "2022-01-05", "unrest")]
		with input as td.bundle({}, {}, [], [td.event("a", "2022-01-05", "unrest")])
	bundle.as_of == "2026-06-01" with input as _input
}

test_known_party_and_index_ids if {
	bundle.index_ids == {"hdi", "pts"} with input as _input
	bundle.known == {"att", "ptbt", "seabed"} with input as _input
	bundle.party == {"att"} with input as _input
}

test_not_joined_counts_signatory_and_not_party_only if {
	bundle.not_joined({"att", "ptbt", "seabed", "npt"}) == {"ptbt", "seabed"} with input as _input
}

test_unknown if {
	bundle.unknown({"att", "npt", "bwc"}) == {"npt", "bwc"} with input as _input
}

test_paths_in_id_order_of_present_values if {
	bundle.index_paths({"pts", "hdi", "fsi_total"}) == ["indices.hdi", "indices.pts"] with input as _input
	bundle.index_paths(set()) == [] with input as _input
	bundle.membership_paths({"seabed", "att", "npt"}) == ["memberships.att", "memberships.seabed"] with input as _input
}

test_embargo_path if {
	bundle.embargo_path({"authority": "UN", "in_force": false, "source": "s"}) == "embargoes.UN"
	record := {"authority": "EU", "in_force": true, "addressee": "non_state", "since": "2011-05-23"}
	bundle.embargo_path(record) == "embargoes.EU.non_state"
}

test_missing_paths if {
	bundle.missing_indices({"hdi", "gmi_rank"}) == {"indices.gmi_rank"} with input as _input
	bundle.missing_memberships({"att", "npt"}) == {"memberships.npt"} with input as _input
	bundle.missing_memberships(set()) == set() with input as _input
}

# Data age (td.thresholds.data_age: fsi and wgi may be 3 years older than as_of's year; the
# test bundles are as of 2026-06-01).
_aged(year) := td.bundle(
	{"fsi_total": {"value": 95, "year": year, "source": "s"}, "hdi": {"value": 0.5, "year": 2000, "source": "s"}},
	{}, [], [],
)

test_value_at_max_age_counts if {
	bundle.too_old == set() with input as _aged(2023) with data.thresholds as td.thresholds
	bundle.index_ids == {"fsi_total", "hdi"} with input as _aged(2023) with data.thresholds as td.thresholds
}

test_value_one_year_older_is_missing if {
	bundle.too_old == {"fsi_total"} with input as _aged(2022) with data.thresholds as td.thresholds
	bundle.index_ids == {"hdi"} with input as _aged(2022) with data.thresholds as td.thresholds
	bundle.missing_indices({"fsi_total", "hdi"}) == {"indices.fsi_total"}
		with input as _aged(2022)
		with data.thresholds as td.thresholds
}

test_no_data_age_means_no_value_is_too_old if {
	bundle.too_old == set() with input as _aged(1990) with data.thresholds as {}
}

test_value_without_year_is_never_too_old if {
	b := td.bundle({"fsi_total": {"value": 95, "source": "s"}}, {}, [], [])
	bundle.too_old == set() with input as b with data.thresholds as td.thresholds
}
