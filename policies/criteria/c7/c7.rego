# METADATA
# title: Risk of diversion or re-export under undesirable conditions
# description: >-
#   Existence of a risk that the military technology or equipment will be diverted within the buyer
#   country or re-exported under undesirable conditions. Published BICC rule: critical if the state
#   has joined none of thresholds.c7.regimes (the status of each known), or performs very poorly on
#   both transparency (Small Arms Trade Transparency Barometer at or below
#   thresholds.c7.very_poor_sats_max) and defence integrity (Government Defence Integrity band of
#   thresholds.c7.very_poor_gdi_bands); possibly critical with poor performance on those
#   (thresholds.c7.poor_sats_max, thresholds.c7.poor_gdi_bands) or few national transfer controls
#   (ATT-BAP score below thresholds.c7.few_controls_bap_below). The values are calibration defaults,
#   as is the diversion history: a documented diversion or re-export in breach of an embargo, or
#   state weapons lost or looted and not recovered (thresholds.c7.diversion_categories), within
#   thresholds.c7.diversion_window_years gives at least possibly critical; within
#   thresholds.c7.state_diversion_window_years with by_state true, critical. Decisive: ATT and
#   Wassenaar status.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Seven
# custom:
#   criterion: 7
#   title_de: Unerlaubte Wiederausfuhr
#   basis: published
#   thresholds: thresholds.c7
package criteria.c7

import data.lib.bundle
import data.lib.evidence
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c7 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c7

_regimes := {id | some id in _t.regimes}

# Index ids this criterion reads.
_read := {"sats_barometer", "gdi_band", "att_bap_score"}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: ATT or Wassenaar with unknown status, and absent indices this criterion reads.
# scope: document
missing contains path if some path in bundle.missing_memberships(_regimes)

missing contains path if some path in bundle.missing_indices(_read)

default _rateable := false

_rateable if count(_regimes & bundle.known) > 0

_very_poor if {
	bundle.indices.sats_barometer.value <= _t.very_poor_sats_max
	bundle.indices.gdi_band.value in _t.very_poor_gdi_bands
}

_state_diversion := [e |
	some e in evidence.items(_t.diversion_categories, _t.state_diversion_window_years)
	e.by_state == true
]

_diversion := [e |
	some e in evidence.items(_t.diversion_categories, _t.diversion_window_years)
	not e in _state_diversion
]

# METADATA
# title: Neither ATT nor Wassenaar
# description: The state is known to have joined none of thresholds.c7.regimes (ATT, Wassenaar).
# custom:
#   code: C7-NO-ATT-NO-WASSENAAR
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       The state is neither a party to the Arms Trade Treaty nor a participating state of the Wassenaar
#       Arrangement: {{values .indicators}}.
#     de: >-
#       Der Staat ist weder Vertragspartei des Vertrags über den Waffenhandel (ATT) noch Teilnehmerstaat des
#       Wassenaar-Arrangements: {{values .indicators}}.
_findings contains r if {
	bundle.not_joined(_regimes) == _regimes
	r := reason.make(rego.metadata.chain(), {}, bundle.membership_paths(_regimes), [])
}

# METADATA
# title: Very poor transparency and defence integrity
# description: >-
#   Transparency barometer at or below thresholds.c7.very_poor_sats_max and a defence-integrity band
#   of thresholds.c7.very_poor_gdi_bands.
# custom:
#   code: C7-VERY-POOR-TRANSPARENCY-INTEGRITY
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       Very poor transparency and defence integrity: {{values .indicators}} (barometer at or below {{num
#       .sats_max}} and band {{join .bands ", "}}).
#     de: >-
#       Sehr geringe Transparenz und Integrität im Verteidigungssektor: {{values .indicators}} (Barometer
#       höchstens {{num .sats_max}} und Stufe {{join .bands ", "}}).
_findings contains r if {
	_very_poor
	r := reason.make(
		rego.metadata.chain(),
		{"sats_max": _t.very_poor_sats_max, "bands": _t.very_poor_gdi_bands},
		["indices.gdi_band", "indices.sats_barometer"],
		[],
	)
}

# METADATA
# title: Poor transparency
# description: >-
#   Small Arms Trade Transparency Barometer at or below thresholds.c7.poor_sats_max (unless very
#   poor overall).
# custom:
#   code: C7-TRANSPARENCY-POOR
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Poor transparency: {{with .indices.sats_barometer}}{{name .}} {{value .}} of 25{{end}}, at or below
#       {{num .limit}}.
#     de: >-
#       Geringe Transparenz: {{with .indices.sats_barometer}}{{name .}} {{value .}} von 25{{end}}, höchstens
#       {{num .limit}}.
_findings contains r if {
	not _very_poor
	bundle.indices.sats_barometer.value <= _t.poor_sats_max
	r := reason.make(rego.metadata.chain(), {"limit": _t.poor_sats_max}, ["indices.sats_barometer"], [])
}

# METADATA
# title: Poor defence integrity
# description: Government Defence Integrity band of thresholds.c7.poor_gdi_bands (unless very poor overall).
# custom:
#   code: C7-DEFENCE-INTEGRITY-POOR
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Poor defence integrity: {{with .indices.gdi_band}}{{name .}} {{value .}}{{end}} (poor bands:
#       {{join .bands ", "}}).
#     de: >-
#       Geringe Integrität im Verteidigungssektor: {{with .indices.gdi_band}}{{name .}} {{value
#       .}}{{end}} (schwache Stufen: {{join .bands ", "}}).
_findings contains r if {
	not _very_poor
	bundle.indices.gdi_band.value in _t.poor_gdi_bands
	r := reason.make(rego.metadata.chain(), {"bands": _t.poor_gdi_bands}, ["indices.gdi_band"], [])
}

# METADATA
# title: Few transfer controls
# description: ATT Baseline Assessment Project transfer-control score below thresholds.c7.few_controls_bap_below.
# custom:
#   code: C7-FEW-CONTROLS
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Few national transfer controls: {{with .indices.att_bap_score}}{{name .}} {{value .}} of 16{{end}},
#       below {{num .limit}}.
#     de: >-
#       Wenige nationale Transferkontrollen: {{with .indices.att_bap_score}}{{name .}} {{value .}} von
#       16{{end}}, unter {{num .limit}}.
_findings contains r if {
	bundle.indices.att_bap_score.value < _t.few_controls_bap_below
	r := reason.make(rego.metadata.chain(), {"limit": _t.few_controls_bap_below}, ["indices.att_bap_score"], [])
}

# METADATA
# title: Recent diversion by the state
# description: >-
#   Diversion or weapons loss by state organs (by_state true) within
#   thresholds.c7.state_diversion_window_years.
# custom:
#   code: C7-STATE-DIVERSION
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       Diversion, re-export in breach of an embargo or loss of state-held weapons by state organs within the
#       last {{.years}} years: {{count (len .evidence) "event"}}.
#     de: >-
#       Umleitung, embargowidrige Wiederausfuhr oder Verlust staatlicher Waffen durch staatliche Stellen in den
#       letzten {{.years}} Jahren: {{count (len .evidence) "event"}}.
_findings contains r if {
	count(_state_diversion) > 0
	r := reason.make(
		rego.metadata.chain(), {"years": _t.state_diversion_window_years},
		[], evidence.ids(_state_diversion),
	)
}

# METADATA
# title: Diversion history
# description: Other diversion or weapons-loss evidence within thresholds.c7.diversion_window_years.
# custom:
#   code: C7-DIVERSION-HISTORY
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Documented diversion, re-export in breach of an embargo or state weapons lost and not recovered within
#       the last {{.years}} years: {{count (len .evidence) "event"}}.
#     de: >-
#       Dokumentierte Umleitung, embargowidrige Wiederausfuhr oder nicht wiedererlangte staatliche Waffen in den
#       letzten {{.years}} Jahren: {{count (len .evidence) "event"}}.
_findings contains r if {
	count(_diversion) > 0
	r := reason.make(rego.metadata.chain(), {"years": _t.diversion_window_years}, [], evidence.ids(_diversion))
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: Low diversion risk
# description: None of the critical or possibly critical conditions holds.
# custom:
#   code: C7-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       No diversion risk sign. Checked: {{values .indicators}}; no documented diversion or unrecovered weapons
#       loss within the last {{.years}} years.
#     de: >-
#       Kein Anzeichen für ein Umleitungsrisiko. Geprüft: {{values .indicators}}; keine dokumentierte Umleitung
#       und kein nicht wiedererlangter Waffenverlust in den letzten {{.years}} Jahren.
reasons contains r if {
	verdict == "not_critical"
	r := reason.make(
		rego.metadata.chain(),
		{"years": _t.diversion_window_years},
		array.concat(bundle.membership_paths(_regimes), bundle.index_paths(_read)),
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: The status of none of thresholds.c7.regimes is known.
# custom:
#   code: C7-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: the status is unknown for {{names "memberships" .regimes}}.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: Der Status ist unbekannt für {{names "memberships"
#       .regimes}}.
reasons contains r if {
	verdict == "insufficient_data"
	r := reason.make(rego.metadata.chain(), {"regimes": _t.regimes}, [], [])
}
