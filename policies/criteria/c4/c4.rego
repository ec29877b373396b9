# METADATA
# title: Preservation of regional peace, security and stability
# description: >-
#   Preservation of regional peace, security and stability. Published BICC rule: critical only when
#   the state is a party (primary or secondary) to at least thresholds.c4.interstate_conflicts_min
#   ongoing international armed conflicts; UN Security Council mandated operations do not count.
#   Possibly critical (calibration default) with armed conflicts in at least
#   thresholds.c4.neighbour_conflicts_min neighbouring countries (or non-state conflicts in
#   thresholds.c4.neighbour_nonstate_conflicts_min), at least
#   thresholds.c4.international_conflicts_10y_min international conflicts in the last ten years, at
#   least thresholds.c4.coups_min coup attempts in the last 20 years, or evidence of
#   thresholds.c4.evidence_categories (border clashes, territorial claims) within
#   thresholds.c4.evidence_window_years. Decisive: conflict involvement (ucdp_interstate_conflicts)
#   and neighbour-conflict information (ucdp_neighbour_conflicts).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Four
# custom:
#   criterion: 4
#   title_de: Erhalt von Frieden, Sicherheit und Stabilität in der Region
#   basis: published
#   thresholds: thresholds.c4
package criteria.c4

import data.lib.bundle
import data.lib.evidence
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c4 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c4

# Index ids this criterion reads, and the decisive ones.
_read := {
	"ucdp_interstate_conflicts", "ucdp_neighbour_conflicts", "ucdp_neighbour_nonstate_conflicts",
	"ucdp_international_conflicts_10y", "coups_20y",
}

_decisive := {"ucdp_interstate_conflicts", "ucdp_neighbour_conflicts"}

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

_clashes := evidence.items(_t.evidence_categories, _t.evidence_window_years)

# METADATA
# title: International armed conflict
# description: >-
#   The state is a party to at least thresholds.c4.interstate_conflicts_min ongoing international
#   armed conflicts.
# custom:
#   code: C4-INTERSTATE-CONFLICT
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       {{with .indices.ucdp_interstate_conflicts}}The state is a party to {{value .}} ongoing international
#       armed {{plural . "conflict" "conflicts"}}, UN Security Council mandated operations excluded{{end}};
#       {{num .limit}} or more make the criterion critical.
#     de: >-
#       {{with .indices.ucdp_interstate_conflicts}}Der Staat ist Partei in {{value .}} andauernden
#       internationalen bewaffneten {{plural . "Konflikt" "Konflikten"}}, ohne vom UN-Sicherheitsrat
#       mandatierte Einsätze{{end}}; ab {{num .limit}} ist das Kriterium kritisch.
_findings contains r if {
	bundle.indices.ucdp_interstate_conflicts.value >= _t.interstate_conflicts_min
	r := reason.make(
		rego.metadata.chain(), {"limit": _t.interstate_conflicts_min},
		["indices.ucdp_interstate_conflicts"], [],
	)
}

# METADATA
# title: Armed conflict in a neighbouring country
# description: At least thresholds.c4.neighbour_conflicts_min land neighbours have an active armed conflict.
# custom:
#   code: C4-NEIGHBOUR-CONFLICT
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.ucdp_neighbour_conflicts}}{{value .}} neighbouring {{plural . "country"
#       "countries"}} with an active armed conflict{{end}}.
#     de: >-
#       {{with .indices.ucdp_neighbour_conflicts}}{{value .}} {{plural . "Nachbarland" "Nachbarländer"}} mit
#       aktivem bewaffnetem Konflikt{{end}}.
_findings contains r if {
	bundle.indices.ucdp_neighbour_conflicts.value >= _t.neighbour_conflicts_min
	r := reason.make(rego.metadata.chain(), {}, ["indices.ucdp_neighbour_conflicts"], [])
}

# METADATA
# title: Non-state conflict in a neighbouring country
# description: >-
#   At least thresholds.c4.neighbour_nonstate_conflicts_min land neighbours have a non-state
#   conflict on their territory (fighting between organised groups, neither a government, UCDP;
#   our reading of the method's non-state conflicts for this criterion).
# custom:
#   code: C4-NEIGHBOUR-NONSTATE-CONFLICT
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.ucdp_neighbour_nonstate_conflicts}}{{value .}} neighbouring {{plural . "country"
#       "countries"}} with a non-state conflict on {{plural . "its" "their"}} territory ({{cite .}}){{end}}.
#     de: >-
#       {{with .indices.ucdp_neighbour_nonstate_conflicts}}{{value .}} {{plural . "Nachbarland" "Nachbarländer"}}
#       mit nichtstaatlichem Konflikt im eigenen Staatsgebiet ({{cite .}}){{end}}.
_findings contains r if {
	bundle.indices.ucdp_neighbour_nonstate_conflicts.value >= _t.neighbour_nonstate_conflicts_min
	r := reason.make(rego.metadata.chain(), {}, ["indices.ucdp_neighbour_nonstate_conflicts"], [])
}

# METADATA
# title: Recent international conflict
# description: >-
#   The state was a party to at least thresholds.c4.international_conflicts_10y_min international
#   armed conflicts in the last ten years.
# custom:
#   code: C4-INTERNATIONAL-CONFLICT-10Y
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       {{with .indices.ucdp_international_conflicts_10y}}The state was a party to {{value .}} international
#       armed {{plural . "conflict" "conflicts"}} in the last ten years{{end}}.
#     de: >-
#       {{with .indices.ucdp_international_conflicts_10y}}Der Staat war in den letzten zehn Jahren Partei in
#       {{value .}} internationalen bewaffneten {{plural . "Konflikt" "Konflikten"}}{{end}}.
_findings contains r if {
	bundle.indices.ucdp_international_conflicts_10y.value >= _t.international_conflicts_10y_min
	r := reason.make(rego.metadata.chain(), {}, ["indices.ucdp_international_conflicts_10y"], [])
}

# METADATA
# title: Coup attempt
# description: At least thresholds.c4.coups_min coup attempts in the last 20 years (indices.coups_20y).
# custom:
#   code: C4-COUP
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
# title: Border clashes or territorial claims
# description: Evidence of thresholds.c4.evidence_categories within thresholds.c4.evidence_window_years.
# custom:
#   code: C4-BORDER-CLASH
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Armed border clashes or open territorial claims involving the state within the last {{.years}} years:
#       {{count (len .evidence) "event"}}.
#     de: >-
#       Bewaffnete Grenzzusammenstöße oder offene Gebietsansprüche unter Beteiligung des Staates in den letzten
#       {{.years}} Jahren: {{count (len .evidence) "event"}}.
_findings contains r if {
	count(_clashes) > 0
	r := reason.make(rego.metadata.chain(), {"years": _t.evidence_window_years}, [], evidence.ids(_clashes))
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No regional conflict involvement
# description: None of the critical or possibly critical conditions holds.
# custom:
#   code: C4-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       No involvement in an international armed conflict and no regional risk sign. Checked: {{values
#       .indicators}}; no armed border clash or open territorial claim within the last {{.years}} years.
#     de: >-
#       Keine Beteiligung an einem internationalen bewaffneten Konflikt und kein regionales Risikozeichen.
#       Geprüft: {{values .indicators}}; keine bewaffneten Grenzzusammenstöße oder offenen Gebietsansprüche in
#       den letzten {{.years}} Jahren.
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(rego.metadata.chain(), {"years": _t.evidence_window_years}, bundle.index_paths(_read), [])
}

# METADATA
# title: No decisive indicator
# description: Neither conflict involvement nor neighbour-conflict information is present.
# custom:
#   code: C4-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: neither the number of international armed conflicts the state is a
#       party to nor the number of neighbouring countries with an armed conflict (UCDP).
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: weder die Zahl der internationalen bewaffneten Konflikte mit
#       dem Staat als Partei noch die Zahl der Nachbarländer mit bewaffnetem Konflikt (UCDP).
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(rego.metadata.chain(), {}, [], [])
}
