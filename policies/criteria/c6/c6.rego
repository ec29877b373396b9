# METADATA
# title: "Criterion 6: Behaviour towards the international community"
# description: >-
#   Behaviour of the buyer country with regard to the international community, in particular its
#   attitude to terrorism, the nature of its alliances and respect for international law.
#   Published BICC rule: ratification of 29 conventions on arms control, terrorism, organised
#   crime and humanitarian law, 10 of them of particular relevance; critical with fewer than 18
#   of 29 or 6 of the 10, possibly critical with fewer than 23 of 29 or 8 of the 10. Counted as
#   treaty gaps (known not joined: signatory or not_party) so that an unknown status is never
#   mistaken for "not joined": critical at 12 or more gaps (5 or more of the 10), possibly
#   critical at 7 or more (3 or more of the 10). Conventions with unknown status are listed as
#   missing; with more than half of the 29 unknown the criterion is insufficient_data.
#   Decisive: the membership list.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Six
# custom:
#   criterion: 6
#   title_de: Verhalten in der internationalen Gemeinschaft
#   basis: published
package criteria.c6

import data.lib.bundle
import data.lib.rating
import data.lib.reason
import data.lib.text

_t := data.thresholds.c6

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: The conventions of the 29 with unknown status.
missing contains path if some path in bundle.missing_memberships(bundle.memberships, _t.conventions)

_gaps := bundle.not_joined(bundle.memberships, _t.conventions)

_key_gaps := bundle.not_joined(bundle.memberships, _t.key_conventions)

_unknown := bundle.unknown(bundle.memberships, _t.conventions)

# The largest number of unknown conventions that still allows a rating.
_max_unknown := floor(count(_t.conventions) * _t.max_unknown_share)

default _rateable := false

_rateable if count(_unknown) <= _max_unknown

# A reason about the treaty gaps (instruments known not joined) among total conventions, with the
# limit that made it fire; members are the bundle's memberships.
_gap_reason(chain, members, gaps, total, limit) := reason.make(
	chain,
	{
		"count": count(gaps),
		"total": total,
		"limit": text.number(limit),
		"gaps": text.names("memberships", gaps),
		"sources": text.sources(indicators),
	},
	indicators,
	[],
) if {
	indicators := bundle.memberships_of(members, gaps)
}

# METADATA
# title: Many treaty gaps
# description: At least the critical number of the 29 conventions known not to be joined.
# custom:
#   code: C6-GAPS-CRITICAL
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions are known not to be joined ({{.limit.en}} or more make the
#       criterion critical): {{.gaps.en}} (sources: {{.sources}}).
#     de: >-
#       {{.count}} der {{.total}} Abkommen sind nachweislich nicht beigetreten (ab {{.limit.de}} ist das
#       Kriterium kritisch): {{.gaps.de}} (Quellen: {{.sources}}).
_findings contains r if {
	count(_gaps) >= _t.critical_min_gaps
	r := _gap_reason(rego.metadata.chain(), bundle.memberships, _gaps, count(_t.conventions), _t.critical_min_gaps)
}

# METADATA
# title: Many key treaty gaps
# description: At least the critical number of the 10 key conventions known not to be joined.
# custom:
#   code: C6-KEY-GAPS-CRITICAL
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions of particular relevance are known not to be joined
#       ({{.limit.en}} or more make the criterion critical): {{.gaps.en}} (sources: {{.sources}}).
#     de: >-
#       {{.count}} der {{.total}} besonders relevanten Abkommen sind nachweislich nicht beigetreten (ab
#       {{.limit.de}} ist das Kriterium kritisch): {{.gaps.de}} (Quellen: {{.sources}}).
_findings contains r if {
	count(_key_gaps) >= _t.critical_min_key_gaps
	r := _gap_reason(
		rego.metadata.chain(), bundle.memberships, _key_gaps, count(_t.key_conventions),
		_t.critical_min_key_gaps,
	)
}

# METADATA
# title: Treaty gaps
# description: At least the possibly-critical number of the 29 known not joined, below the critical number.
# custom:
#   code: C6-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions are known not to be joined ({{.limit.en}} or more make the
#       criterion possibly critical): {{.gaps.en}} (sources: {{.sources}}).
#     de: >-
#       {{.count}} der {{.total}} Abkommen sind nachweislich nicht beigetreten (ab {{.limit.de}} ist das
#       Kriterium möglicherweise kritisch): {{.gaps.de}} (Quellen: {{.sources}}).
_findings contains r if {
	count(_gaps) >= _t.possibly_critical_min_gaps
	count(_gaps) < _t.critical_min_gaps
	r := _gap_reason(
		rego.metadata.chain(), bundle.memberships, _gaps, count(_t.conventions),
		_t.possibly_critical_min_gaps,
	)
}

# METADATA
# title: Key treaty gaps
# description: >-
#   At least the possibly-critical number of the 10 key conventions known not joined, below the
#   critical number.
# custom:
#   code: C6-KEY-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions of particular relevance are known not to be joined
#       ({{.limit.en}} or more make the criterion possibly critical): {{.gaps.en}} (sources: {{.sources}}).
#     de: >-
#       {{.count}} der {{.total}} besonders relevanten Abkommen sind nachweislich nicht beigetreten (ab
#       {{.limit.de}} ist das Kriterium möglicherweise kritisch): {{.gaps.de}} (Quellen: {{.sources}}).
_findings contains r if {
	count(_key_gaps) >= _t.possibly_critical_min_key_gaps
	count(_key_gaps) < _t.critical_min_key_gaps
	r := _gap_reason(
		rego.metadata.chain(), bundle.memberships, _key_gaps, count(_t.key_conventions),
		_t.possibly_critical_min_key_gaps,
	)
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: Few treaty gaps
# description: Fewer gaps than the possibly-critical numbers, among the 29 and among the 10.
# custom:
#   code: C6-PASS
#   verdict: not_critical
#   basis: published
#   message:
#     en: >-
#       {{.gap_count}} of the {{.total}} conventions known not to be joined{{if .gaps.en}} ({{.gaps.en}}){{end}}
#       and {{.key_gap_count}} of the {{.key_total}} of particular relevance (possibly critical from
#       {{.limit.en}} and {{.key_limit}}); {{.joined}} joined{{if .has_unknown}}, {{.unknown_count}} with
#       unknown status{{end}} (sources: {{.sources}}).
#     de: >-
#       {{.gap_count}} der {{.total}} Abkommen nachweislich nicht beigetreten{{if .gaps.de}}
#       ({{.gaps.de}}){{end}} und {{.key_gap_count}} der {{.key_total}} besonders relevanten (möglicherweise
#       kritisch ab {{.limit.de}} bzw. {{.key_limit}}); {{.joined}} beigetreten{{if .has_unknown}},
#       {{.unknown_count}} mit unbekanntem Status{{end}} (Quellen: {{.sources}}).
reasons contains r if {
	verdict == "not_critical"
	indicators := bundle.memberships_of(bundle.memberships, _t.conventions)
	r := reason.make(
		rego.metadata.chain(),
		{
			"gap_count": count(_gaps),
			"gaps": text.names("memberships", _gaps),
			"total": count(_t.conventions),
			"key_gap_count": count(_key_gaps),
			"key_total": count(_t.key_conventions),
			"limit": text.number(_t.possibly_critical_min_gaps),
			"key_limit": _t.possibly_critical_min_key_gaps,
			"joined": (count(_t.conventions) - count(_gaps)) - count(_unknown),
			"unknown_count": count(_unknown),
			"has_unknown": count(_unknown) > 0,
			"sources": text.sources(indicators),
		},
		indicators,
		[],
	)
}

# METADATA
# title: Too many unknown
# description: More than half of the 29 conventions have unknown status.
# custom:
#   code: C6-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       The status of {{.unknown_count}} of the {{.total}} conventions is unknown; with more than {{.limit.en}}
#       unknown the criterion cannot be rated.
#     de: >-
#       Der Status von {{.unknown_count}} der {{.total}} Abkommen ist unbekannt; bei mehr als {{.limit.de}}
#       unbekannten lässt sich das Kriterium nicht bewerten.
reasons contains r if {
	not _rateable
	r := reason.make(
		rego.metadata.chain(),
		{"unknown_count": count(_unknown), "total": count(_t.conventions), "limit": text.number(_max_unknown)},
		[],
		[],
	)
}
