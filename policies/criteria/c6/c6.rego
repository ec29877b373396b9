# METADATA
# title: Behaviour towards the international community
# description: >-
#   Behaviour of the buyer country with regard to the international community, in particular its
#   attitude to terrorism, the nature of its alliances and respect for international law. Published
#   BICC rule: ratification of the conventions on arms control, terrorism, organised crime and
#   humanitarian law of thresholds.c6.conventions, those of thresholds.c6.key_conventions of
#   particular relevance; critical or possibly critical when too few of all or of the key ones are
#   ratified. Counted as treaty gaps (known not joined: signatory or not_party) so that an unknown
#   status is never mistaken for "not joined": critical at thresholds.c6.critical_min_gaps or more
#   gaps (or thresholds.c6.critical_min_key_gaps of the key ones), possibly critical at
#   thresholds.c6.possibly_critical_min_gaps or more (or
#   thresholds.c6.possibly_critical_min_key_gaps of the key ones). Conventions with unknown status
#   are listed as missing; with more than thresholds.c6.max_unknown_share of them unknown the
#   criterion is insufficient_data unless the known gaps already reach a threshold (missing data
#   never lowers a verdict). Decisive: the membership list.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Six
# custom:
#   criterion: 6
#   title_de: Verhalten in der internationalen Gemeinschaft
#   basis: published
#   thresholds: thresholds.c6
package criteria.c6

import data.lib.bundle
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c6 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c6

_conventions := {id | some id in _t.conventions}

_key := {id | some id in _t.key_conventions}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: The conventions of thresholds.c6.conventions with unknown status.
missing contains path if some path in bundle.missing_memberships(_conventions)

_gaps := bundle.not_joined(_conventions)

_key_gaps := bundle.not_joined(_key)

_unknown := bundle.unknown(_conventions)

# The largest number of unknown conventions that still allows a rating.
_max_unknown := floor(count(_conventions) * _t.max_unknown_share)

default _rateable := false

_rateable if count(_unknown) <= _max_unknown

# A reason about the treaty gaps (conventions known not joined) among total conventions, with the
# limit that made it fire.
_gap_reason(chain, gaps, total, limit) := reason.make(
	chain,
	{"count": count(gaps), "total": total, "limit": limit, "gaps": gaps},
	bundle.membership_paths(gaps),
	[],
)

# METADATA
# title: Many treaty gaps
# description: At least thresholds.c6.critical_min_gaps of thresholds.c6.conventions known not to be joined.
# custom:
#   code: C6-GAPS-CRITICAL
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions are known not to be joined ({{num .limit}} or more make the
#       criterion critical); listed below.
#     de: >-
#       {{.count}} der {{.total}} Abkommen sind nachweislich nicht beigetreten (ab {{num .limit}} ist das
#       Kriterium kritisch); unten aufgeführt.
_findings contains r if {
	count(_gaps) >= _t.critical_min_gaps
	r := _gap_reason(rego.metadata.chain(), _gaps, count(_conventions), _t.critical_min_gaps)
}

# METADATA
# title: Many key treaty gaps
# description: At least thresholds.c6.critical_min_key_gaps of thresholds.c6.key_conventions known not to be joined.
# custom:
#   code: C6-KEY-GAPS-CRITICAL
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions of particular relevance are known not to be joined ({{num
#       .limit}} or more make the criterion critical); listed below.
#     de: >-
#       {{.count}} der {{.total}} besonders relevanten Abkommen sind nachweislich nicht beigetreten (ab
#       {{num .limit}} ist das Kriterium kritisch); unten aufgeführt.
_findings contains r if {
	count(_key_gaps) >= _t.critical_min_key_gaps
	r := _gap_reason(rego.metadata.chain(), _key_gaps, count(_key), _t.critical_min_key_gaps)
}

# METADATA
# title: Treaty gaps
# description: >-
#   At least thresholds.c6.possibly_critical_min_gaps of thresholds.c6.conventions known not joined,
#   below the critical number.
# custom:
#   code: C6-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions are known not to be joined ({{num .limit}} or more make the
#       criterion possibly critical); listed below.
#     de: >-
#       {{.count}} der {{.total}} Abkommen sind nachweislich nicht beigetreten (ab {{num .limit}} ist das
#       Kriterium möglicherweise kritisch); unten aufgeführt.
_findings contains r if {
	count(_gaps) >= _t.possibly_critical_min_gaps
	count(_gaps) < _t.critical_min_gaps
	r := _gap_reason(rego.metadata.chain(), _gaps, count(_conventions), _t.possibly_critical_min_gaps)
}

# METADATA
# title: Key treaty gaps
# description: >-
#   At least thresholds.c6.possibly_critical_min_key_gaps of thresholds.c6.key_conventions known not
#   joined, below the critical number.
# custom:
#   code: C6-KEY-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} conventions of particular relevance are known not to be joined ({{num
#       .limit}} or more make the criterion possibly critical); listed below.
#     de: >-
#       {{.count}} der {{.total}} besonders relevanten Abkommen sind nachweislich nicht beigetreten (ab
#       {{num .limit}} ist das Kriterium möglicherweise kritisch); unten aufgeführt.
_findings contains r if {
	count(_key_gaps) >= _t.possibly_critical_min_key_gaps
	count(_key_gaps) < _t.critical_min_key_gaps
	r := _gap_reason(rego.metadata.chain(), _key_gaps, count(_key), _t.possibly_critical_min_key_gaps)
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: Few treaty gaps
# description: Fewer gaps than thresholds.c6.possibly_critical_min_gaps and possibly_critical_min_key_gaps.
# custom:
#   code: C6-PASS
#   verdict: not_critical
#   basis: published
#   message:
#     en: >-
#       {{len .gaps}} of the {{.total}} conventions known not to be joined and {{len .key_gaps}} of the
#       {{.key_total}} of particular relevance
#       (possibly critical from {{num .limit}} and {{num .key_limit}}); {{.joined}} joined{{if .unknown}},
#       {{len .unknown}} with unknown status{{end}}.
#     de: >-
#       {{len .gaps}} der {{.total}} Abkommen nachweislich nicht beigetreten und {{len .key_gaps}} der
#       {{.key_total}} besonders relevanten
#       (möglicherweise kritisch ab {{num .limit}} bzw. {{num .key_limit}}); {{.joined}} beigetreten{{if
#       .unknown}}, {{len .unknown}} mit unbekanntem Status{{end}}.
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(
		rego.metadata.chain(),
		{
			"gaps": _gaps,
			"key_gaps": _key_gaps,
			"unknown": _unknown,
			"joined": count(_conventions & bundle.party),
			"total": count(_conventions),
			"key_total": count(_key),
			"limit": _t.possibly_critical_min_gaps,
			"key_limit": _t.possibly_critical_min_key_gaps,
		},
		bundle.membership_paths(_conventions),
		[],
	)
}

# METADATA
# title: Too many unknown
# description: More than thresholds.c6.max_unknown_share of thresholds.c6.conventions have unknown status.
# custom:
#   code: C6-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       The status of {{len .unknown}} of the {{.total}} conventions is unknown; with more than {{num .limit}}
#       unknown the criterion cannot be rated.
#     de: >-
#       Der Status von {{len .unknown}} der {{.total}} Abkommen ist unbekannt; bei mehr als {{num .limit}}
#       unbekannten lässt sich das Kriterium nicht bewerten.
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(
		rego.metadata.chain(),
		{"unknown": _unknown, "total": count(_conventions), "limit": _max_unknown},
		[],
		[],
	)
}
