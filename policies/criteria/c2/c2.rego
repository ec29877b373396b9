# METADATA
# title: Respect for human rights and international humanitarian law
# description: >-
#   Respect for human rights in the country of final destination and respect by that country of
#   international humanitarian law. Published BICC rule: critical whenever the government committed
#   one-sided violence against civilians (UCDP) in at least thresholds.c2.gov_osv_min_years of the
#   last five years. Otherwise (calibration default) signals are counted: severe and concern signals
#   from Freedom House, the Political Terror Scale, WGI, Fraser EFW, credible torture evidence,
#   lethal repression evidence and treaty gaps; critical with at least
#   thresholds.c2.critical_min_severe severe signals and thresholds.c2.critical_min_signals signals
#   in all, possibly critical with at least one signal, not critical with none. Decisive: Freedom
#   House status, PTS, WGI Voice and Accountability or Rule of Law, UCDP government one-sided
#   violence, or torture / lethal-repression evidence that counts (inside its window,
#   thresholds.c2.torture_window_years or thresholds.c2.lethal_repression_window_years; torture from
#   a reporter of thresholds.c2.torture_reporters). Our reading: evidence outside its window is not
#   a current indicator and is neither a signal nor decisive.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Two
# custom:
#   criterion: 2
#   title_de: Achtung der Menschenrechte im Empfängerland
#   basis: published
#   thresholds: thresholds.c2
package criteria.c2

import data.lib.bundle
import data.lib.evidence
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c2 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c2

# Index ids this criterion reads, the decisive ones, and the two WGI indicators.
_read := {
	"fh_status", "pts", "wgi_voice_accountability", "wgi_rule_of_law",
	"efw_military_interference", "ucdp_gov_osv_years_5y",
}

_decisive := {"fh_status", "pts", "wgi_voice_accountability", "wgi_rule_of_law", "ucdp_gov_osv_years_5y"}

_wgi := {"wgi_voice_accountability", "wgi_rule_of_law"}

_treaties contains id if {
	some group in array.concat(_t.severe_treaty_groups, _t.concern_treaty_groups)
	some id in group
}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: Absent indices this criterion reads and human-rights treaties with unknown status.
# scope: document
missing contains path if some path in bundle.missing_indices(_read)

missing contains path if some path in bundle.missing_memberships(_treaties)

default _rateable := false

_rateable if count(_decisive & bundle.index_ids) > 0

_rateable if count(_torture) > 0

_rateable if count(_lethal) > 0

_torture := [e |
	some e in evidence.items({"torture"}, _t.torture_window_years)
	e.reported_by in _t.torture_reporters
]

_lethal := evidence.items({"lethal_repression"}, _t.lethal_repression_window_years)

_findings contains r if some r in _signals

# METADATA
# title: Government one-sided violence
# description: >-
#   UCDP records one-sided violence by the government in at least thresholds.c2.gov_osv_min_years of
#   the last five years.
# custom:
#   code: C2-GOV-ONE-SIDED-VIOLENCE
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       UCDP records one-sided violence against civilians by the government in {{value
#       .indices.ucdp_gov_osv_years_5y}} of the last five years; {{num .limit}} or more make the criterion
#       critical.
#     de: >-
#       UCDP verzeichnet einseitige Gewalt der Regierung gegen Zivilpersonen in {{value
#       .indices.ucdp_gov_osv_years_5y}} der letzten fünf Jahre; ab {{num .limit}} ist das Kriterium
#       kritisch.
_findings contains r if {
	bundle.indices.ucdp_gov_osv_years_5y.value >= _t.gov_osv_min_years
	r := reason.make(
		rego.metadata.chain(), {"limit": _t.gov_osv_min_years},
		["indices.ucdp_gov_osv_years_5y"], [],
	)
}

# METADATA
# title: Severe and further signals
# description: >-
#   At least thresholds.c2.critical_min_severe severe signals and thresholds.c2.critical_min_signals
#   signals in all.
# custom:
#   code: C2-SIGNALS-CRITICAL
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{count .severe "severe_signal"}} and {{count .concern "concern_signal"}}, each listed below; the
#       criterion is critical from {{count .min_severe "severe_signal"}} and {{count .min_total "signal"}}
#       in all.
#     de: >-
#       {{count .severe "severe_signal"}} und {{count .concern "concern_signal"}}, unten einzeln aufgeführt;
#       kritisch ist das Kriterium, sobald mindestens {{count .min_severe "severe_signal"}} und insgesamt
#       mindestens {{count .min_total "signal"}} vorliegen.
_findings contains r if {
	severe := count([s | some s in _signals; s.signal == "severe"])
	severe >= _t.critical_min_severe
	count(_signals) >= _t.critical_min_signals
	r := reason.make(
		rego.metadata.chain(),
		{
			"severe": severe,
			"concern": count(_signals) - severe,
			"codes": {s.code | some s in _signals},
			"min_severe": _t.critical_min_severe,
			"min_total": _t.critical_min_signals,
		},
		[],
		[],
	)
}

# METADATA
# title: Not Free
# description: The Freedom House status is one of thresholds.c2.fh_severe_status.
# custom:
#   code: C2-FH-NOT-FREE
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: Freedom House rates the country "{{value .indices.fh_status}}".
#     de: >-
#       Schwerwiegendes Signal: Freedom House stuft das Land als „{{value .indices.fh_status}}“ ein.
_signals contains r if {
	bundle.indices.fh_status.value in _t.fh_severe_status
	r := reason.make(rego.metadata.chain(), {}, ["indices.fh_status"], [])
}

# METADATA
# title: Partly Free
# description: The Freedom House status is one of thresholds.c2.fh_concern_status (and not severe).
# custom:
#   code: C2-FH-PARTLY-FREE
#   verdict: possibly_critical
#   signal: concern
#   basis: calibration_default
#   message:
#     en: >-
#       Concern signal: Freedom House rates the country "{{value .indices.fh_status}}".
#     de: >-
#       Bedenkliches Signal: Freedom House stuft das Land als „{{value .indices.fh_status}}“ ein.
_signals contains r if {
	status := bundle.indices.fh_status.value
	status in _t.fh_concern_status
	not status in _t.fh_severe_status
	r := reason.make(rego.metadata.chain(), {}, ["indices.fh_status"], [])
}

# METADATA
# title: High political terror
# description: Political Terror Scale at or above thresholds.c2.pts_severe_min.
# custom:
#   code: C2-PTS-HIGH
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: Political Terror Scale {{value .indices.pts}} of 5, at or above {{num .limit}}.
#     de: >-
#       Schwerwiegendes Signal: Political Terror Scale {{value .indices.pts}} von 5, mindestens {{num
#       .limit}}.
_signals contains r if {
	bundle.indices.pts.value >= _t.pts_severe_min
	r := reason.make(rego.metadata.chain(), {"limit": _t.pts_severe_min}, ["indices.pts"], [])
}

# METADATA
# title: Elevated political terror
# description: Political Terror Scale at or above thresholds.c2.pts_concern_min, below thresholds.c2.pts_severe_min.
# custom:
#   code: C2-PTS-ELEVATED
#   verdict: possibly_critical
#   signal: concern
#   basis: calibration_default
#   message:
#     en: >-
#       Concern signal: Political Terror Scale {{value .indices.pts}} of 5, at or above {{num .limit}}.
#     de: >-
#       Bedenkliches Signal: Political Terror Scale {{value .indices.pts}} von 5, mindestens {{num .limit}}.
_signals contains r if {
	bundle.indices.pts.value >= _t.pts_concern_min
	bundle.indices.pts.value < _t.pts_severe_min
	r := reason.make(rego.metadata.chain(), {"limit": _t.pts_concern_min}, ["indices.pts"], [])
}

# METADATA
# title: Very low WGI score
# description: WGI Voice and Accountability or Rule of Law at or below thresholds.c2.wgi_severe_max (one signal each).
# custom:
#   code: C2-WGI-VERY-LOW
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: {{with index .indicators 0}}{{name .}} {{value .}}{{end}}, at or below {{num
#       .limit}}.
#     de: >-
#       Schwerwiegendes Signal: {{with index .indicators 0}}{{name .}} {{value .}}{{end}}, höchstens {{num
#       .limit}}.
_signals contains r if {
	some id in _wgi
	bundle.indices[id].value <= _t.wgi_severe_max
	r := reason.make(rego.metadata.chain(), {"limit": _t.wgi_severe_max}, [concat(".", ["indices", id])], [])
}

# METADATA
# title: Low WGI score
# description: >-
#   WGI Voice and Accountability or Rule of Law at or below thresholds.c2.wgi_concern_max without
#   being severe (one signal for both).
# custom:
#   code: C2-WGI-LOW
#   verdict: possibly_critical
#   signal: concern
#   basis: calibration_default
#   message:
#     en: >-
#       Concern signal: {{values .indicators}}; at or below {{num .limit}}.
#     de: >-
#       Bedenkliches Signal: {{values .indicators}}; höchstens {{num .limit}}.
_signals contains r if {
	low := {id |
		some id in _wgi
		bundle.indices[id].value <= _t.wgi_concern_max
		bundle.indices[id].value > _t.wgi_severe_max
	}
	count(low) > 0
	r := reason.make(rego.metadata.chain(), {"limit": _t.wgi_concern_max}, bundle.index_paths(low), [])
}

# METADATA
# title: Heavy military interference
# description: Fraser EFW military interference at or below thresholds.c2.efw_severe_max.
# custom:
#   code: C2-EFW-MILITARY-HIGH
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: {{with .indices.efw_military_interference}}{{name .}} {{value .}} of 10{{end}}, at or
#       below {{num .limit}}.
#     de: >-
#       Schwerwiegendes Signal: {{with .indices.efw_military_interference}}{{name .}} {{value .}} von
#       10{{end}}, höchstens {{num .limit}}.
_signals contains r if {
	bundle.indices.efw_military_interference.value <= _t.efw_severe_max
	r := reason.make(rego.metadata.chain(), {"limit": _t.efw_severe_max}, ["indices.efw_military_interference"], [])
}

# METADATA
# title: Military interference
# description: >-
#   Fraser EFW military interference at or below thresholds.c2.efw_concern_max, above
#   thresholds.c2.efw_severe_max.
# custom:
#   code: C2-EFW-MILITARY-ELEVATED
#   verdict: possibly_critical
#   signal: concern
#   basis: calibration_default
#   message:
#     en: >-
#       Concern signal: {{with .indices.efw_military_interference}}{{name .}} {{value .}} of 10{{end}}, at
#       or below {{num .limit}}.
#     de: >-
#       Bedenkliches Signal: {{with .indices.efw_military_interference}}{{name .}} {{value .}} von
#       10{{end}}, höchstens {{num .limit}}.
_signals contains r if {
	bundle.indices.efw_military_interference.value <= _t.efw_concern_max
	bundle.indices.efw_military_interference.value > _t.efw_severe_max
	r := reason.make(rego.metadata.chain(), {"limit": _t.efw_concern_max}, ["indices.efw_military_interference"], [])
}

# METADATA
# title: Torture evidence
# description: >-
#   Torture or ill-treatment by state agents reported by one of thresholds.c2.torture_reporters
#   within thresholds.c2.torture_window_years.
# custom:
#   code: C2-TORTURE
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: torture or ill-treatment by state agents reported by a credible body within the last
#       {{.years}} years: {{count (len .evidence) "event"}}.
#     de: >-
#       Schwerwiegendes Signal: Folter oder Misshandlung durch staatliche Stellen, von einer glaubwürdigen
#       Stelle berichtet, in den letzten {{.years}} Jahren: {{count (len .evidence) "event"}}.
_signals contains r if {
	count(_torture) > 0
	r := reason.make(rego.metadata.chain(), {"years": _t.torture_window_years}, [], evidence.ids(_torture))
}

# METADATA
# title: Lethal repression evidence
# description: >-
#   Lethal force by state forces against protesters or civilians within
#   thresholds.c2.lethal_repression_window_years.
# custom:
#   code: C2-LETHAL-REPRESSION
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: lethal force by state forces against protesters or civilians within the last {{.years}}
#       years: {{count (len .evidence) "event"}}.
#     de: >-
#       Schwerwiegendes Signal: tödliche Gewalt staatlicher Kräfte gegen Demonstrierende oder Zivilpersonen in
#       den letzten {{.years}} Jahren: {{count (len .evidence) "event"}}.
_signals contains r if {
	count(_lethal) > 0
	r := reason.make(rego.metadata.chain(), {"years": _t.lethal_repression_window_years}, [], evidence.ids(_lethal))
}

# METADATA
# title: Core treaty not ratified (severe)
# description: An instrument of a group of thresholds.c2.severe_treaty_groups is known not to be ratified.
# custom:
#   code: C2-TREATY-SEVERE
#   verdict: possibly_critical
#   signal: severe
#   basis: calibration_default
#   message:
#     en: >-
#       Severe signal: not ratified: {{values .indicators}}.
#     de: >-
#       Schwerwiegendes Signal: nicht ratifiziert: {{values .indicators}}.
_signals contains r if {
	some group in _t.severe_treaty_groups
	gaps := bundle.not_joined({id | some id in group})
	count(gaps) > 0
	r := reason.make(rego.metadata.chain(), {}, bundle.membership_paths(gaps), [])
}

# METADATA
# title: Treaty not ratified (concern)
# description: >-
#   An instrument of a group of thresholds.c2.concern_treaty_groups is known not to be ratified.
#   One signal per group.
# custom:
#   code: C2-TREATY-CONCERN
#   verdict: possibly_critical
#   signal: concern
#   basis: calibration_default
#   message:
#     en: >-
#       Concern signal: not ratified: {{values .indicators}}.
#     de: >-
#       Bedenkliches Signal: nicht ratifiziert: {{values .indicators}}.
_signals contains r if {
	some group in _t.concern_treaty_groups
	gaps := bundle.not_joined({id | some id in group})
	count(gaps) > 0
	r := reason.make(rego.metadata.chain(), {}, bundle.membership_paths(gaps), [])
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No human-rights signal
# description: No government one-sided violence and no severe or concern signal.
# custom:
#   code: C2-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       No human-rights signal. Checked: {{values .indices}}; no credible torture report within
#       {{.torture_years}} years and no lethal repression within {{.lethal_years}} years; no human-rights treaty
#       read is known not to be ratified ({{.treaties_known}} of {{.treaties_total}} known).
#     de: >-
#       Kein Menschenrechtssignal. Geprüft: {{values .indices}}; kein glaubwürdiger Folterbericht in den letzten
#       {{.torture_years}} Jahren und keine tödliche Repression in den letzten {{.lethal_years}} Jahren; keiner
#       der geprüften Menschenrechtsverträge ist nachweislich nicht ratifiziert ({{.treaties_known}} von
#       {{.treaties_total}} bekannt).
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(
		rego.metadata.chain(),
		{
			"torture_years": _t.torture_window_years,
			"lethal_years": _t.lethal_repression_window_years,
			"treaties_known": count(_treaties & bundle.known),
			"treaties_total": count(_treaties),
		},
		array.concat(bundle.index_paths(_read), bundle.membership_paths(_treaties)),
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: None of the decisive indicators is present.
# custom:
#   code: C2-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: no Freedom House status, Political Terror Scale, WGI Voice and
#       Accountability or Rule of Law, or UCDP government one-sided violence, and no credible torture report
#       within {{.torture_years}} years or lethal repression within {{.lethal_years}} years.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: kein Freedom-House-Status, keine Political Terror Scale,
#       keine WGI-Werte für Mitsprache und Verantwortlichkeit oder Rechtsstaatlichkeit, keine UCDP-Daten zu
#       einseitiger Gewalt der Regierung und kein glaubwürdiger Folterbericht in den letzten {{.torture_years}}
#       Jahren oder tödliche Repression in den letzten {{.lethal_years}} Jahren.
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(
		rego.metadata.chain(),
		{"torture_years": _t.torture_window_years, "lethal_years": _t.lethal_repression_window_years},
		[],
		[],
	)
}
