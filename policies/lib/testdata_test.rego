# METADATA
# title: Test bundles
# description: Helpers that build small indicator bundles for the policy tests (no tests of its own).
package lib.testdata_test

# METADATA
# title: as_of
# description: The as_of date of every test bundle.
as_of := "2026-06-01"

# METADATA
# title: index
# description: An index entry with value v, year 2025 and a test source.
index(v) := {"value": v, "year": 2025, "source": "Test index source"}

# METADATA
# title: membership
# description: A membership entry with the given status and a test source.
membership(status) := {"status": status, "source": "Test treaty source"}

# METADATA
# title: memberships
# description: The same status for every instrument of ids.
memberships(ids, status) := {id: membership(status) | some id in ids}

# METADATA
# title: event
# description: An evidence item of category dated date, with a test summary and source.
event(id, date, category) := {
	"id": id,
	"date": date,
	"category": category,
	"summary": concat(" ", ["Test event", id]),
	"source": "Test evidence source",
}

# METADATA
# title: bundle
# description: A bundle with the given sections and the test as_of date.
bundle(indices, members, embargoes, evidence) := {
	"schema_version": 1,
	"country": {"iso3": "KAZ", "name_en": "Kazakhstan", "name_de": "Kasachstan"},
	"as_of": as_of,
	"indices": indices,
	"memberships": members,
	"embargoes": embargoes,
	"evidence": evidence,
}

# METADATA
# title: indices only
# description: A bundle with only the given indices.
with_indices(xs) := bundle(xs, {}, [], [])

# METADATA
# title: codes
# description: The codes of a set of reasons, sorted (duplicates kept).
codes(reasons) := sort([r.code | some r in reasons])
