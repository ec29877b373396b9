# METADATA
# title: Internal situation (tensions or armed conflicts)
# description: >-
#   Internal situation in the country of final destination, as a function of the existence of
#   tensions or armed conflicts. Published BICC rule: critical with frequent, organised use of force
#   within the state, operationally at least thresholds.c3.internal_conflicts_min ongoing internal
#   armed conflicts (UCDP, current or previous year). Possibly critical (calibration default) with
#   at least thresholds.c3.nonstate_conflicts_min non-state conflicts, at least
#   thresholds.c3.coups_min coup attempts in the last 20 years, WGI Political Stability at or below
#   thresholds.c3.wgi_political_stability_max, a Political Terror Scale at or above
#   thresholds.c3.pts_min, very high fragility (Fragile States Index at or above
#   thresholds.c3.fsi_very_high_min) or evidence of thresholds.c3.evidence_categories (unrest,
#   states of emergency, lethal repression) within thresholds.c3.evidence_window_years. Decisive:
#   the UCDP conflict counts, WGI Political Stability, PTS, or such evidence inside the window (our
#   reading: evidence outside the window is not a current indicator).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Three
# custom:
#   criterion: 3
#   title_de: Innere Lage im Empfängerland
#   basis: published
#   thresholds: thresholds.c3
package criteria.c3

import data.lib.bundle
import data.lib.evidence
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c3 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c3

# Index ids this criterion reads, and the decisive ones.
_read := {
	"ucdp_internal_conflicts", "ucdp_nonstate_conflicts", "coups_20y",
	"wgi_political_stability", "pts", "fsi_total",
}

_decisive := {"ucdp_internal_conflicts", "ucdp_nonstate_conflicts", "wgi_political_stability", "pts"}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: Absent indices this criterion reads.
missing contains path if some path in bundle.missing_indices(_read)

default _rateable := false

_rateable if count(_decisive & bundle.index_ids) > 0

_rateable if count(_unrest) > 0

_unrest := evidence.items(_t.evidence_categories, _t.evidence_window_years)

# METADATA
# title: Internal armed conflict
# description: >-
#   At least thresholds.c3.internal_conflicts_min ongoing internal armed conflicts (UCDP, data year
#   or the year before).
# custom:
#   code: C3-INTERNAL-CONFLICT
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{with .indices.ucdp_internal_conflicts}}{{value .}} ongoing internal armed {{plural . "conflict"
#       "conflicts"}} on the territory{{end}}; {{num .limit}} or more make the criterion critical.
#     de: >-
#       {{with .indices.ucdp_internal_conflicts}}{{value .}} {{plural . "andauernder innerstaatlicher
#       bewaffneter Konflikt" "andauernde innerstaatliche bewaffnete Konflikte"}} im Staatsgebiet{{end}}; ab
#       {{num .limit}} ist das Kriterium kritisch.
_findings contains r if {
	bundle.indices.ucdp_internal_conflicts.value >= _t.internal_conflicts_min
	r := reason.make(rego.metadata.chain(), {"limit": _t.internal_conflicts_min}, ["indices.ucdp_internal_conflicts"], [])
}

# METADATA
# title: Non-state conflict
# description: At least thresholds.c3.nonstate_conflicts_min non-state conflicts on the territory.
# custom:
#   code: C3-NONSTATE-CONFLICT
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.ucdp_nonstate_conflicts}}{{value .}} non-state {{plural . "conflict" "conflicts"}}
#       on the territory{{end}}.
#     de: >-
#       {{with .indices.ucdp_nonstate_conflicts}}{{value .}} {{plural . "nichtstaatlicher Konflikt"
#       "nichtstaatliche Konflikte"}} im Staatsgebiet{{end}}.
_findings contains r if {
	bundle.indices.ucdp_nonstate_conflicts.value >= _t.nonstate_conflicts_min
	r := reason.make(rego.metadata.chain(), {}, ["indices.ucdp_nonstate_conflicts"], [])
}

# METADATA
# title: Coup attempt
# description: At least thresholds.c3.coups_min coup attempts in the last 20 years (indices.coups_20y).
# custom:
#   code: C3-COUP
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.coups_20y}}{{value .}} coup {{plural . "attempt" "attempts"}} in the last 20
#       years{{end}}.
#     de: >-
#       {{with .indices.coups_20y}}{{value .}} {{plural . "Putschversuch" "Putschversuche"}} in den letzten
#       20 Jahren{{end}}.
_findings contains r if {
	bundle.indices.coups_20y.value >= _t.coups_min
	r := reason.make(rego.metadata.chain(), {}, ["indices.coups_20y"], [])
}

# METADATA
# title: Low political stability
# description: WGI Political Stability at or below thresholds.c3.wgi_political_stability_max.
# custom:
#   code: C3-POLITICAL-STABILITY-LOW
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.wgi_political_stability}}{{name .}} {{value .}}{{end}}, at or below {{num .limit}}.
#     de: >-
#       {{with .indices.wgi_political_stability}}{{name .}} {{value .}}{{end}}, höchstens {{num .limit}}.
_findings contains r if {
	bundle.indices.wgi_political_stability.value <= _t.wgi_political_stability_max
	r := reason.make(
		rego.metadata.chain(), {"limit": _t.wgi_political_stability_max},
		["indices.wgi_political_stability"], [],
	)
}

# METADATA
# title: Political terror
# description: Political Terror Scale at or above thresholds.c3.pts_min.
# custom:
#   code: C3-PTS
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Political Terror Scale {{value .indices.pts}} of 5, at or above {{num .limit}}.
#     de: >-
#       Political Terror Scale {{value .indices.pts}} von 5, mindestens {{num .limit}}.
_findings contains r if {
	bundle.indices.pts.value >= _t.pts_min
	r := reason.make(rego.metadata.chain(), {"limit": _t.pts_min}, ["indices.pts"], [])
}

# METADATA
# title: Very high fragility
# description: Fragile States Index at or above thresholds.c3.fsi_very_high_min.
# custom:
#   code: C3-FRAGILITY-VERY-HIGH
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Very high fragility: Fragile States Index {{value .indices.fsi_total}} of 120, at or above {{num
#       .limit}}.
#     de: >-
#       Sehr hohe Fragilität: Fragile States Index {{value .indices.fsi_total}} von 120, mindestens {{num
#       .limit}}.
_findings contains r if {
	bundle.indices.fsi_total.value >= _t.fsi_very_high_min
	r := reason.make(rego.metadata.chain(), {"limit": _t.fsi_very_high_min}, ["indices.fsi_total"], [])
}

# METADATA
# title: Unrest evidence
# description: Evidence of thresholds.c3.evidence_categories within thresholds.c3.evidence_window_years.
# custom:
#   code: C3-UNREST
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Violent unrest, a state of emergency or lethal repression within the last {{.years}} years: {{count (len
#       .evidence) "event"}}.
#     de: >-
#       Gewaltsame Unruhen, Ausnahmezustand oder tödliche Repression in den letzten {{.years}} Jahren: {{count (len
#       .evidence) "event"}}.
_findings contains r if {
	count(_unrest) > 0
	r := reason.make(rego.metadata.chain(), {"years": _t.evidence_window_years}, [], evidence.ids(_unrest))
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No internal conflict or tension
# description: None of the critical or possibly critical conditions holds.
# custom:
#   code: C3-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       No internal armed conflict and no sign of internal tension. Checked: {{values .indicators}}; no violent
#       unrest, state of emergency or lethal repression within the last {{.years}} years.
#     de: >-
#       Kein innerstaatlicher bewaffneter Konflikt und kein Anzeichen innerer Spannungen. Geprüft: {{values
#       .indicators}}; keine gewaltsamen Unruhen, kein Ausnahmezustand und keine tödliche Repression in den
#       letzten {{.years}} Jahren.
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(rego.metadata.chain(), {"years": _t.evidence_window_years}, bundle.index_paths(_read), [])
}

# METADATA
# title: No decisive indicator
# description: None of the decisive indicators is present.
# custom:
#   code: C3-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: no UCDP internal or non-state conflict count, no WGI Political
#       Stability, no Political Terror Scale, and no evidence of violent unrest, a state of emergency or lethal
#       repression within the last {{.years}} years.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: keine UCDP-Zahlen zu innerstaatlichen oder nichtstaatlichen
#       Konflikten, kein WGI-Wert für politische Stabilität, keine Political Terror Scale und keine Belege für
#       gewaltsame Unruhen, Ausnahmezustand oder tödliche Repression in den letzten {{.years}} Jahren.
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(rego.metadata.chain(), {"years": _t.evidence_window_years}, [], [])
}
