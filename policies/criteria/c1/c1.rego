# METADATA
# title: International obligations and commitments
# description: >-
#   Respect for the international obligations and commitments of Member States, in particular arms
#   embargoes, and membership in the instruments the EU User's Guide names
#   (thresholds.c1.instruments). Published BICC rule: critical with an embargo against the whole
#   state; possibly critical with an embargo against non-state actors only or with at least
#   thresholds.c1.possibly_critical_min_gaps of those instruments known not joined; otherwise not
#   critical. Decisive: any embargo record (authorities: thresholds.c1.authorities) or the status of
#   any of the instruments.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion One
# custom:
#   criterion: 1
#   title_de: Einhaltung internationaler Verpflichtungen
#   basis: published
#   thresholds: thresholds.c1
package criteria.c1

import data.lib.bundle
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c1 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c1

_instruments := {id | some id in _t.instruments}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: >-
#   Authorities of thresholds.c1.authorities without an embargo record, and instruments of
#   thresholds.c1.instruments with unknown status.
# scope: document
missing contains concat(".", ["embargoes", authority]) if some authority in _unchecked

missing contains path if some path in bundle.missing_memberships(_instruments)

_checked contains record.authority if some record in bundle.embargoes

_unchecked := {a | some a in _t.authorities} - _checked

_gaps := bundle.not_joined(_instruments)

default _rateable := false

_rateable if count(bundle.embargoes) > 0

_rateable if count(_instruments & bundle.known) > 0

# The template variables and indicator of an embargo record in force.
_embargo(chain, record) := reason.make(
	chain,
	{"authority": record.authority, "since": record.since, "unconfirmed": object.get(record, "unconfirmed", false)},
	[bundle.embargo_path(record)],
	[],
)

# METADATA
# title: Embargo against the state
# description: An arms embargo in force against the state as a whole.
# custom:
#   code: C1-EMBARGO-STATE
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{label "embargoes" .authority}} arms embargo against the state as a whole in force since {{date
#       .since}}{{if .unconfirmed}} (unconfirmed){{end}}.
#     de: >-
#       {{label "embargoes" .authority}}-Waffenembargo gegen den Staat als Ganzes, in Kraft seit {{date
#       .since}}{{if .unconfirmed}} (unbestätigt){{end}}.
_findings contains r if {
	some record in bundle.embargoes
	record.in_force
	record.addressee == "state"
	r := _embargo(rego.metadata.chain(), record)
}

# METADATA
# title: Embargo against non-state actors
# description: An arms embargo in force against non-state actors on the state's territory only.
# custom:
#   code: C1-EMBARGO-NON-STATE
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{label "embargoes" .authority}} arms embargo against non-state actors on the territory in force
#       since {{date .since}}{{if .unconfirmed}} (unconfirmed){{end}}.
#     de: >-
#       {{label "embargoes" .authority}}-Waffenembargo gegen nichtstaatliche Akteure im Staatsgebiet, in
#       Kraft seit {{date .since}}{{if .unconfirmed}} (unbestätigt){{end}}.
_findings contains r if {
	some record in bundle.embargoes
	record.in_force
	record.addressee == "non_state"
	r := _embargo(rego.metadata.chain(), record)
}

# METADATA
# title: Instrument gaps
# description: >-
#   At least thresholds.c1.possibly_critical_min_gaps of thresholds.c1.instruments are known not to
#   be joined.
# custom:
#   code: C1-INSTRUMENT-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} instruments named by the EU User's Guide are known not to be joined
#       ({{num .limit}} or more make the criterion possibly critical): {{values .indicators}}.
#     de: >-
#       {{.count}} der {{.total}} im EU-Leitfaden genannten Instrumente sind nachweislich nicht beigetreten (ab
#       {{num .limit}} möglicherweise kritisch): {{values .indicators}}.
_findings contains r if {
	count(_gaps) >= _t.possibly_critical_min_gaps
	r := reason.make(
		rego.metadata.chain(),
		{"count": count(_gaps), "total": count(_instruments), "limit": _t.possibly_critical_min_gaps},
		bundle.membership_paths(_gaps),
		[],
	)
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No embargo, instruments joined
# description: >-
#   No embargo in force and fewer than thresholds.c1.possibly_critical_min_gaps of
#   thresholds.c1.instruments known not joined.
# custom:
#   code: C1-PASS
#   verdict: not_critical
#   basis: published
#   message:
#     en: >-
#       No arms embargo in force{{if .checked}} (checked: {{names "embargoes" .checked}}){{end}}{{if
#       .unchecked}}; no record for {{names "embargoes" .unchecked}}{{end}}; {{.joined}} of {{.total}}
#       instruments joined{{if .gaps}}; not joined: {{names "memberships" .gaps}}{{end}}{{if .unknown}};
#       status unknown: {{names "memberships" .unknown}}{{end}}{{if .indicators}}{{end}}.
#     de: >-
#       Kein Waffenembargo in Kraft{{if .checked}} (geprüft: {{names "embargoes" .checked}}){{end}}{{if
#       .unchecked}}; kein Eintrag für {{names "embargoes" .unchecked}}{{end}}; {{.joined}} von {{.total}}
#       Instrumenten beigetreten{{if .gaps}}; nicht beigetreten: {{names "memberships" .gaps}}{{end}}{{if
#       .unknown}}; Status unbekannt: {{names "memberships" .unknown}}{{end}}{{if .indicators}}{{end}}.
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(
		rego.metadata.chain(),
		{
			"checked": _checked,
			"unchecked": _unchecked,
			"joined": count(_instruments & bundle.party),
			"total": count(_instruments),
			"gaps": _gaps,
			"unknown": bundle.unknown(_instruments),
		},
		array.concat(
			[bundle.embargo_path(record) | some record in bundle.embargoes],
			bundle.membership_paths(_instruments),
		),
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: Neither an embargo record nor the status of any of thresholds.c1.instruments is present.
# custom:
#   code: C1-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: no embargo record ({{names "embargoes" .authorities}}) and no status
#       for any of the five instruments ({{names "memberships" .instruments}}).
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: kein Embargo-Eintrag ({{names "embargoes" .authorities}})
#       und kein Status für eines der fünf Instrumente ({{names "memberships" .instruments}}).
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(rego.metadata.chain(), {"authorities": _t.authorities, "instruments": _t.instruments}, [], [])
}
