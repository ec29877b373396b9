# METADATA
# title: Bundle access
# description: >-
#   Reads the indicator bundle (input) defensively and turns its entries into the indicator
#   objects that reasons carry: the id as a bundle field path (indices.hdi, memberships.att,
#   embargoes.UN), the value, and every provenance field of the input object. "Known not joined" means
#   status signatory or not_party (any status but party); an absent instrument is unknown.
# custom:
#   basis: published
package lib.bundle

# METADATA
# title: indices
# description: The bundle's indices (an empty object when the section is absent).
indices := object.get(input, "indices", {})

# METADATA
# title: memberships
# description: The bundle's memberships (an empty object when the section is absent).
memberships := object.get(input, "memberships", {})

# METADATA
# title: embargoes
# description: The bundle's embargo records (an empty array when the section is absent).
embargoes := object.get(input, "embargoes", [])

# METADATA
# title: evidence
# description: The bundle's evidence items (an empty array when the section is absent).
evidence := object.get(input, "evidence", [])

# METADATA
# title: as_of
# description: The bundle's as_of date (YYYY-MM-DD).
as_of := input.as_of

# METADATA
# title: dated evidence
# description: >-
#   The evidence items as [date in nanoseconds, item] pairs, sorted by date, then id; dates are
#   parsed once per evaluation (see lib.evidence).
dated := [[time.parse_ns("2006-01-02", e.date), e] | some [_, _, e] in sort([[e.date, e.id, e] | some e in evidence])]

# METADATA
# title: index indicator
# description: >-
#   The indicator object of index id of values (the bundle's indices): the value and every
#   provenance field copied, the id as indices.<id>.
indicator(values, id) := object.union(values[id], {"id": concat(".", ["indices", id])})

# METADATA
# title: embargo indicator
# description: >-
#   The indicator object for an embargo record: in_force becomes the value; addressee, since,
#   unconfirmed and all provenance fields are copied.
embargo(record) := object.union(
	object.remove(record, {"authority", "in_force"}),
	{"id": concat(".", ["embargoes", record.authority]), "value": record.in_force},
)

# METADATA
# title: known not joined
# description: >-
#   The instruments of ids whose status in members is known and is not party (signatory or
#   not_party).
not_joined(members, ids) := {id | some id in ids; members[id].status != "party"}

# METADATA
# title: unknown
# description: The instruments of ids (a set or array) without a status in members.
unknown(members, ids) := {id | some id in ids} - object.keys(members)

# METADATA
# title: missing index paths
# description: Field paths (indices.<id>) of the index ids of ids (a set) that values lacks.
missing_indices(values, ids) := {concat(".", ["indices", id]) | some id in (ids - object.keys(values))}

# METADATA
# title: missing membership paths
# description: Field paths (memberships.<id>) of the instruments of ids without a status in members.
missing_memberships(members, ids) := {concat(".", ["memberships", id]) | some id in unknown(members, ids)}

# METADATA
# title: index indicators of ids
# description: The indicator objects of the index ids of ids that values holds, in id order.
indices_of(values, ids) := [indicator(values, id) | some id in sort(ids); values[id]]

# METADATA
# title: membership indicators of ids
# description: >-
#   The indicator objects of the instruments of ids with a status in members, in id order: the status
#   becomes the value; all provenance fields are copied.
memberships_of(members, ids) := [indicator |
	some id in sort(ids)
	entry := members[id]
	indicator := object.union(
		object.remove(entry, {"status"}),
		{"id": concat(".", ["memberships", id]), "value": entry.status},
	)
]
