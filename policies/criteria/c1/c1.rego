# METADATA
# title: "Criterion 1: International obligations and commitments"
# description: >-
#   Respect for the international obligations and commitments of Member States, in particular
#   arms embargoes, and membership in the five instruments the EU User's Guide names (NPT, BWC,
#   CWC, Hague Code of Conduct, Arms Trade Treaty). Published BICC rule: critical with an
#   embargo against the whole state; possibly critical with an embargo against non-state actors
#   only or with three or more of the five known not joined; otherwise not critical.
#   Decisive: any embargo record or the status of any of the five instruments.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion One
# custom:
#   criterion: 1
#   title_de: Einhaltung internationaler Verpflichtungen
#   basis: published
package criteria.c1

import data.lib.bundle
import data.lib.rating
import data.lib.reason
import data.lib.text

_t := data.thresholds.c1

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: Embargo authorities without a record, and instruments of the five with unknown status.
missing contains concat(".", ["embargoes", authority]) if {
	some authority in _t.authorities
	not authority in _checked
}

missing contains path if some path in bundle.missing_memberships(bundle.memberships, _t.instruments)

_checked contains record.authority if some record in bundle.embargoes

_gaps := bundle.not_joined(bundle.memberships, _t.instruments)

default _rateable := false

_rateable if count(bundle.embargoes) > 0

_rateable if {
	some id in _t.instruments
	bundle.memberships[id]
}

_embargo_vars(record) := {
	"authority": text.label("embargoes", record.authority),
	"since": text.date(record.since),
	"unconfirmed": object.get(record, "unconfirmed", false),
	"source": text.source(record),
}

# METADATA
# title: Embargo against the state
# description: An arms embargo in force against the state as a whole.
# custom:
#   code: C1-EMBARGO-STATE
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{.authority.en}} arms embargo against the state as a whole in force since {{.since.en}}{{if
#       .unconfirmed}} (unconfirmed){{end}} (source: {{.source}}).
#     de: >-
#       {{.authority.de}}-Waffenembargo gegen den Staat als Ganzes, in Kraft seit {{.since.de}}{{if
#       .unconfirmed}} (unbestätigt){{end}} (Quelle: {{.source}}).
_findings contains r if {
	some record in bundle.embargoes
	record.in_force
	record.addressee == "state"
	r := reason.make(rego.metadata.chain(), _embargo_vars(record), [bundle.embargo(record)], [])
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
#       {{.authority.en}} arms embargo against non-state actors on the territory in force since
#       {{.since.en}}{{if .unconfirmed}} (unconfirmed){{end}} (source: {{.source}}).
#     de: >-
#       {{.authority.de}}-Waffenembargo gegen nichtstaatliche Akteure im Staatsgebiet, in Kraft seit
#       {{.since.de}}{{if .unconfirmed}} (unbestätigt){{end}} (Quelle: {{.source}}).
_findings contains r if {
	some record in bundle.embargoes
	record.in_force
	record.addressee == "non_state"
	r := reason.make(rego.metadata.chain(), _embargo_vars(record), [bundle.embargo(record)], [])
}

# METADATA
# title: Instrument gaps
# description: At least three of the five instruments are known not to be joined.
# custom:
#   code: C1-INSTRUMENT-GAPS
#   verdict: possibly_critical
#   basis: published
#   message:
#     en: >-
#       {{.count}} of the {{.total}} instruments named by the EU User's Guide are known not to be joined
#       ({{.limit.en}} or more make the criterion possibly critical): {{.gaps.en}}.
#     de: >-
#       {{.count}} der {{.total}} im EU-Leitfaden genannten Instrumente sind nachweislich nicht beigetreten (ab
#       {{.limit.de}} möglicherweise kritisch): {{.gaps.de}}.
_findings contains r if {
	count(_gaps) >= _t.possibly_critical_min_gaps
	indicators := bundle.memberships_of(bundle.memberships, _gaps)
	r := reason.make(
		rego.metadata.chain(),
		{
			"count": count(_gaps),
			"total": count(_t.instruments),
			"limit": text.number(_t.possibly_critical_min_gaps),
			"gaps": text.indicator_list(indicators),
		},
		indicators,
		[],
	)
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No embargo, instruments joined
# description: No embargo in force and fewer than three of the five instruments known not joined.
# custom:
#   code: C1-PASS
#   verdict: not_critical
#   basis: published
#   message:
#     en: >-
#       No arms embargo in force{{if .checked.en}} (checked: {{.checked.en}}){{end}}{{if .unchecked.en}}; no
#       record for {{.unchecked.en}}{{end}}; {{.joined}} of {{.total}} instruments joined{{if .gaps.en}}; not
#       joined: {{.gaps.en}}{{end}}{{if .unknown.en}}; status unknown: {{.unknown.en}}{{end}}{{if .sources}}
#       (sources: {{.sources}}){{end}}.
#     de: >-
#       Kein Waffenembargo in Kraft{{if .checked.de}} (geprüft: {{.checked.de}}){{end}}{{if .unchecked.de}};
#       kein Eintrag für {{.unchecked.de}}{{end}}; {{.joined}} von {{.total}} Instrumenten beigetreten{{if
#       .gaps.de}}; nicht beigetreten: {{.gaps.de}}{{end}}{{if .unknown.de}}; Status unbekannt:
#       {{.unknown.de}}{{end}}{{if .sources}} (Quellen: {{.sources}}){{end}}.
reasons contains r if {
	verdict == "not_critical"
	indicators := array.concat(
		[bundle.embargo(record) | some record in bundle.embargoes],
		bundle.memberships_of(bundle.memberships, _t.instruments),
	)
	r := reason.make(
		rego.metadata.chain(),
		{
			"checked": text.names("embargoes", _checked),
			"unchecked": text.names("embargoes", {a | some a in _t.authorities; not a in _checked}),
			"joined": count([id | some id in _t.instruments; bundle.memberships[id].status == "party"]),
			"total": count(_t.instruments),
			"gaps": text.names("memberships", _gaps),
			"unknown": text.names("memberships", bundle.unknown(bundle.memberships, _t.instruments)),
			"sources": text.sources(indicators),
		},
		indicators,
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: Neither an embargo record nor the status of any of the five instruments is present.
# custom:
#   code: C1-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: no embargo record ({{.authorities.en}}) and no status for any of the
#       five instruments ({{.instruments.en}}).
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: kein Embargo-Eintrag ({{.authorities.de}}) und kein Status
#       für eines der fünf Instrumente ({{.instruments.de}}).
reasons contains r if {
	not _rateable
	r := reason.make(
		rego.metadata.chain(),
		{
			"authorities": text.names("embargoes", _t.authorities),
			"instruments": text.names("memberships", _t.instruments),
		},
		[],
		[],
	)
}
