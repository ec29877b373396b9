# METADATA
# title: Compatibility with the technical and economic capacity of the recipient
# description: >-
#   Compatibility of the exports with the technical and economic capacity of the recipient country,
#   taking into account that states should meet their legitimate security and defence needs with the
#   least diversion of human and economic resources for armaments. BICC reads low human development
#   (UNDP HDI) together with heavy militarisation (BICC Global Militarisation Index). Calibration
#   defaults: rated only when the HDI is below thresholds.c8.hdi_below; critical if the HDI is below
#   thresholds.c8.critical_hdi_below and the GMI rank is within the first thresholds.c8.gmi_rank_max
#   (more militarised); possibly critical if the GMI rank is within the first
#   thresholds.c8.gmi_rank_max or military expenditure exceeds thresholds.c8.milex_gdp_above percent
#   of GDP; otherwise not critical. Decisive: HDI.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Eight
# custom:
#   criterion: 8
#   title_de: Wirtschaftliche und technische Kapazitäten des Landes
#   basis: published
#   thresholds: thresholds.c8
package criteria.c8

import data.lib.bundle
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c8 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c8

# Index ids this criterion reads.
_read := {"hdi", "gmi_rank", "milex_gdp"}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: Absent indices this criterion reads.
missing contains path if some path in bundle.missing_indices(_read)

default _rateable := false

_rateable if bundle.indices.hdi

_low_hdi if bundle.indices.hdi.value < _t.hdi_below

_militarised if bundle.indices.gmi_rank.value <= _t.gmi_rank_max

_very_low_hdi if bundle.indices.hdi.value < _t.critical_hdi_below

# METADATA
# title: Very low development, heavy militarisation
# description: HDI below thresholds.c8.critical_hdi_below and GMI rank within the first thresholds.c8.gmi_rank_max.
# custom:
#   code: C8-LOW-HDI-MILITARISED
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       Very low human development with heavy militarisation: {{values .indicators}} (HDI below {{num
#       .hdi_limit}}, GMI rank {{num .rank_limit}} or better).
#     de: >-
#       Sehr niedrige menschliche Entwicklung bei starker Militarisierung: {{values .indicators}} (HDI unter
#       {{num .hdi_limit}}, GMI-Rang {{num .rank_limit}} oder besser).
_findings contains r if {
	_very_low_hdi
	_militarised
	r := reason.make(
		rego.metadata.chain(),
		{"hdi_limit": _t.critical_hdi_below, "rank_limit": _t.gmi_rank_max},
		["indices.gmi_rank", "indices.hdi"],
		[],
	)
}

# METADATA
# title: Low development, heavy militarisation
# description: >-
#   HDI below thresholds.c8.hdi_below (not below the critical one) and GMI rank within the first
#   thresholds.c8.gmi_rank_max.
# custom:
#   code: C8-MILITARISED
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Heavy militarisation with an HDI below {{num .hdi_limit}}: {{values .indicators}} (GMI rank {{num
#       .rank_limit}} or better).
#     de: >-
#       Starke Militarisierung bei einem HDI unter {{num .hdi_limit}}: {{values .indicators}} (GMI-Rang {{num
#       .rank_limit}} oder besser).
_findings contains r if {
	_low_hdi
	not _very_low_hdi
	_militarised
	r := reason.make(
		rego.metadata.chain(),
		{"hdi_limit": _t.hdi_below, "rank_limit": _t.gmi_rank_max},
		["indices.gmi_rank", "indices.hdi"],
		[],
	)
}

# METADATA
# title: High military expenditure
# description: >-
#   HDI below thresholds.c8.hdi_below and military expenditure above thresholds.c8.milex_gdp_above
#   percent of GDP.
# custom:
#   code: C8-MILEX-HIGH
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       High military expenditure with an HDI below {{num .hdi_limit}}: {{values .indicators}} (more than {{num
#       .milex_limit}} % of GDP).
#     de: >-
#       Hohe Militärausgaben bei einem HDI unter {{num .hdi_limit}}: {{values .indicators}} (mehr als {{num
#       .milex_limit}} % des BIP).
_findings contains r if {
	_low_hdi
	bundle.indices.milex_gdp.value > _t.milex_gdp_above
	r := reason.make(
		rego.metadata.chain(),
		{"hdi_limit": _t.hdi_below, "milex_limit": _t.milex_gdp_above},
		["indices.hdi", "indices.milex_gdp"],
		[],
	)
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: High human development
# description: HDI at or above thresholds.c8.hdi_below (the criterion is rated below it).
# custom:
#   code: C8-HDI-HIGH
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Human Development Index {{value .indices.hdi}} is at or above {{num .limit}}; the capacity test
#       applies only below.
#     de: >-
#       Der Index der menschlichen Entwicklung beträgt {{value .indices.hdi}} und liegt damit bei mindestens
#       {{num .limit}}; die Kapazitätsprüfung gilt erst darunter.
reasons contains r if {
	_rateable
	not _low_hdi
	r := reason.make(rego.metadata.chain(), {"limit": _t.hdi_below}, ["indices.hdi"], [])
}

# METADATA
# title: Capacity compatible
# description: HDI below thresholds.c8.hdi_below, but neither heavy militarisation nor high military expenditure.
# custom:
#   code: C8-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       The HDI is below {{num .hdi_limit}}, but there is neither heavy militarisation (GMI rank {{num
#       .rank_limit}} or better) nor military expenditure above {{num .milex_limit}} % of GDP. Checked: {{values
#       .indicators}}.
#     de: >-
#       Der HDI liegt unter {{num .hdi_limit}}, es gibt aber weder eine starke Militarisierung (GMI-Rang {{num
#       .rank_limit}} oder besser) noch Militärausgaben über {{num .milex_limit}} % des BIP. Geprüft: {{values
#       .indicators}}.
reasons contains r if {
	_low_hdi
	verdict == "not_critical"
	r := reason.make(
		rego.metadata.chain(),
		{"hdi_limit": _t.hdi_below, "rank_limit": _t.gmi_rank_max, "milex_limit": _t.milex_gdp_above},
		bundle.index_paths(_read),
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: The HDI is absent.
# custom:
#   code: C8-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: the Human Development Index is unknown.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: Der Index der menschlichen Entwicklung ist unbekannt.
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(rego.metadata.chain(), {}, [], [])
}
