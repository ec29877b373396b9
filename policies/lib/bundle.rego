# METADATA
# title: Bundle access
# description: >-
#   Reads the indicator bundle (input) defensively and names its entries by field path, the way
#   reasons reference them (indices.hdi, memberships.att, embargoes.UN): the engine expands each
#   path into the value with its year and provenance. "Known not joined" means status signatory
#   or not_party (any status but party); an absent instrument is unknown. The functions take sets
#   of ids and work with set operations, so that a criterion pays for one pass over a list.
# custom:
#   basis: published
package lib.bundle

# METADATA
# title: indices
# description: >-
#   The bundle's indices (an empty object when the section is absent or null), without the values
#   too old to count (too_old): every criterion treats those as missing and lists them as missing.
indices[id] := v if {
	some id, v in _all_indices
	not id in too_old
}

default _all_indices := {}

_all_indices := x if {
	x := input.indices
	is_object(x)
}

# METADATA
# title: too old
# description: >-
#   The ids of the bundle's index values that are too old to count (a set): the value's data year
#   is more than max_years before the year of as_of, for the source that lists the id in
#   data.thresholds.data_age. A value without a year, or an id no source lists, is never too old.
too_old contains id if {
	some id, v in _all_indices
	some source in object.get(data.thresholds, "data_age", {})
	id in source.indices
	_as_of_year - v.year > source.max_years
}

_as_of_year := to_number(substring(input.as_of, 0, 4))

# METADATA
# title: memberships
# description: The bundle's memberships (an empty object when the section is absent or null).
# scope: document
default memberships := {}

memberships := x if {
	x := input.memberships
	is_object(x)
}

# METADATA
# title: embargoes
# description: The bundle's embargo records (an empty array when the section is absent or null).
# scope: document
default embargoes := []

embargoes := x if {
	x := input.embargoes
	is_array(x)
}

# METADATA
# title: evidence
# description: The bundle's evidence items (an empty array when the section is absent or null).
# scope: document
default evidence := []

evidence := x if {
	x := input.evidence
	is_array(x)
}

# METADATA
# title: as_of
# description: The bundle's as_of date (YYYY-MM-DD).
as_of := input.as_of

# METADATA
# title: index ids
# description: The ids of the bundle's indices (a set).
index_ids := object.keys(indices)

# METADATA
# title: known instruments
# description: The instruments with a status in the bundle (a set).
known := object.keys(memberships)

# METADATA
# title: party
# description: The instruments whose status in the bundle is party (a set).
party contains id if {
	some id, m in memberships
	m.status == "party"
}

# METADATA
# title: known not joined
# description: The instruments of ids (a set) whose status is known and is not party (signatory or not_party).
not_joined(ids) := (ids & known) - party

# METADATA
# title: unknown
# description: The instruments of ids (a set) without a status in the bundle.
unknown(ids) := ids - known

# METADATA
# title: index paths
# description: The field paths (indices.<id>) of the index ids of ids (a set) that the bundle holds, in id order.
index_paths(ids) := [concat(".", ["indices", id]) | some id in sort(ids & index_ids)]

# METADATA
# title: membership paths
# description: >-
#   The field paths (memberships.<id>) of the instruments of ids (a set) with a status in the
#   bundle, in id order.
membership_paths(ids) := [concat(".", ["memberships", id]) | some id in sort(ids & known)]

# METADATA
# title: embargo path
# description: >-
#   The field path of an embargo record: embargoes.<authority> for a record without addressee,
#   embargoes.<authority>.<addressee> for one with (an authority may have one record per addressee).
# scope: document
embargo_path(record) := concat(".", ["embargoes", record.authority, record.addressee])

embargo_path(record) := concat(".", ["embargoes", record.authority]) if not record.addressee

# METADATA
# title: missing index paths
# description: Field paths (indices.<id>) of the index ids of ids (a set) that the bundle lacks.
missing_indices(ids) := {concat(".", ["indices", id]) | some id in (ids - index_ids)}

# METADATA
# title: missing membership paths
# description: Field paths (memberships.<id>) of the instruments of ids (a set) without a status in the bundle.
missing_memberships(ids) := {concat(".", ["memberships", id]) | some id in (ids - known)}
