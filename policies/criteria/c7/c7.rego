# METADATA
# title: "Criterion 7: Risk of diversion or re-export under undesirable conditions"
# description: >-
#   Existence of a risk that the military technology or equipment will be diverted within the
#   buyer country or re-exported under undesirable conditions. Published BICC rule: critical if
#   the state is neither an ATT party nor a Wassenaar participating state (both known), or
#   performs very poorly on both transparency (Small Arms Trade Transparency Barometer) and
#   defence integrity (Government Defence Integrity band); possibly critical with poor performance
#   on those or few national transfer controls (ATT-BAP score). The values are calibration
#   defaults, as is the diversion history: a documented diversion or re-export in breach of an
#   embargo, or state weapons lost or looted and not recovered, within 30 years gives at least
#   possibly critical; within 5 years with by_state true, critical. Decisive: ATT and Wassenaar
#   status.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Seven
# custom:
#   criterion: 7
#   title_de: Unerlaubte Wiederausfuhr
#   basis: published
package criteria.c7

import data.lib.bundle
import data.lib.evidence
import data.lib.rating
import data.lib.reason
import data.lib.text

_t := data.thresholds.c7

# Index ids this criterion reads.
_read := {"sats_barometer", "gdi_band", "att_bap_score"}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: ATT or Wassenaar with unknown status, and absent indices this criterion reads.
missing contains path if some path in bundle.missing_memberships(bundle.memberships, _t.regimes)

missing contains path if some path in bundle.missing_indices(bundle.indices, _read)

default _rateable := false

_rateable if {
	some id in _t.regimes
	bundle.memberships[id]
}

_very_poor if {
	bundle.indices.sats_barometer.value <= _t.very_poor_sats_max
	bundle.indices.gdi_band.value in _t.very_poor_gdi_bands
}

_state_diversion := [e |
	some e in evidence.items(
		bundle.dated, _t.diversion_categories,
		evidence.window_start(bundle.as_of, _t.state_diversion_window_years),
	)
	e.by_state == true
]

_diversion := [e |
	some e in evidence.items(
		bundle.dated, _t.diversion_categories,
		evidence.window_start(bundle.as_of, _t.diversion_window_years),
	)
	not e in _state_diversion
]

# METADATA
# title: Neither ATT nor Wassenaar
# description: The state is known to be neither an ATT party nor a Wassenaar participating state.
# custom:
#   code: C7-NO-ATT-NO-WASSENAAR
#   verdict: critical
#   basis: published
#   message:
#     en: >-
#       The state is neither a party to the Arms Trade Treaty nor a participating state of the Wassenaar
#       Arrangement: {{.regimes.en}}.
#     de: >-
#       Der Staat ist weder Vertragspartei des Vertrags über den Waffenhandel (ATT) noch Teilnehmerstaat des
#       Wassenaar-Arrangements: {{.regimes.de}}.
_findings contains r if {
	every id in _t.regimes {
		bundle.memberships[id].status != "party"
	}
	indicators := bundle.memberships_of(bundle.memberships, _t.regimes)
	r := reason.make(rego.metadata.chain(), {"regimes": text.indicator_list(indicators)}, indicators, [])
}

# METADATA
# title: Very poor transparency and defence integrity
# description: Transparency barometer and defence-integrity band both very poor.
# custom:
#   code: C7-VERY-POOR-TRANSPARENCY-INTEGRITY
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       Very poor transparency and defence integrity: {{.values.en}} (barometer at or below {{.sats_max}} and
#       band {{.bands}}).
#     de: >-
#       Sehr geringe Transparenz und Integrität im Verteidigungssektor: {{.values.de}} (Barometer höchstens
#       {{.sats_max}} und Stufe {{.bands}}).
_findings contains r if {
	_very_poor
	indicators := bundle.indices_of(bundle.indices, {"sats_barometer", "gdi_band"})
	r := reason.make(
		rego.metadata.chain(),
		{
			"values": text.indicator_list(indicators),
			"sats_max": _t.very_poor_sats_max,
			"bands": concat(", ", _t.very_poor_gdi_bands),
		},
		indicators,
		[],
	)
}

# METADATA
# title: Poor transparency
# description: Small Arms Trade Transparency Barometer at or below the poor threshold (unless very poor overall).
# custom:
#   code: C7-TRANSPARENCY-POOR
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Poor transparency: {{.name.en}} {{.value.en}} of 25 ({{.year}}; {{.source}}), at or below {{.limit.en}}.
#     de: >-
#       Geringe Transparenz: {{.name.de}} {{.value.de}} von 25 ({{.year}}; {{.source}}), höchstens
#       {{.limit.de}}.
_findings contains r if {
	not _very_poor
	bundle.indices.sats_barometer.value <= _t.poor_sats_max
	r := reason.index(rego.metadata.chain(), bundle.indices, "sats_barometer", {"limit": text.number(_t.poor_sats_max)})
}

# METADATA
# title: Poor defence integrity
# description: Government Defence Integrity band in the poor list (unless very poor overall).
# custom:
#   code: C7-DEFENCE-INTEGRITY-POOR
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Poor defence integrity: {{.name.en}} {{.value.en}} ({{.year}}; {{.source}}; poor bands: {{.bands}}).
#     de: >-
#       Geringe Integrität im Verteidigungssektor: {{.name.de}} {{.value.de}} ({{.year}}; {{.source}}; schwache
#       Stufen: {{.bands}}).
_findings contains r if {
	not _very_poor
	bundle.indices.gdi_band.value in _t.poor_gdi_bands
	r := reason.index(
		rego.metadata.chain(), bundle.indices, "gdi_band",
		{"bands": concat(", ", _t.poor_gdi_bands)},
	)
}

# METADATA
# title: Few transfer controls
# description: ATT Baseline Assessment Project transfer-control score below the threshold.
# custom:
#   code: C7-FEW-CONTROLS
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Few national transfer controls: {{.name.en}} {{.value.en}} of 16 ({{.year}}; {{.source}}), below
#       {{.limit.en}}.
#     de: >-
#       Wenige nationale Transferkontrollen: {{.name.de}} {{.value.de}} von 16 ({{.year}}; {{.source}}), unter
#       {{.limit.de}}.
_findings contains r if {
	bundle.indices.att_bap_score.value < _t.few_controls_bap_below
	r := reason.index(
		rego.metadata.chain(), bundle.indices, "att_bap_score",
		{"limit": text.number(_t.few_controls_bap_below)},
	)
}

# METADATA
# title: Recent diversion by the state
# description: Diversion or weapons loss by state organs (by_state true) inside the short window.
# custom:
#   code: C7-STATE-DIVERSION
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       Diversion, re-export in breach of an embargo or loss of state-held weapons by state organs within the
#       last {{.years}} years: {{.items.en}}.
#     de: >-
#       Umleitung, embargowidrige Wiederausfuhr oder Verlust staatlicher Waffen durch staatliche Stellen in den
#       letzten {{.years}} Jahren: {{.items.de}}.
_findings contains r if {
	count(_state_diversion) > 0
	r := reason.evidence(rego.metadata.chain(), _state_diversion, {"years": _t.state_diversion_window_years})
}

# METADATA
# title: Diversion history
# description: Other diversion or weapons-loss evidence inside the long window.
# custom:
#   code: C7-DIVERSION-HISTORY
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       Documented diversion, re-export in breach of an embargo or state weapons lost and not recovered within
#       the last {{.years}} years: {{.items.en}}.
#     de: >-
#       Dokumentierte Umleitung, embargowidrige Wiederausfuhr oder nicht wiedererlangte staatliche Waffen in den
#       letzten {{.years}} Jahren: {{.items.de}}.
_findings contains r if {
	count(_diversion) > 0
	r := reason.evidence(rego.metadata.chain(), _diversion, {"years": _t.diversion_window_years})
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
#       No diversion risk sign. Checked: {{.checked.en}}; no documented diversion or unrecovered weapons loss
#       within the last {{.years}} years.
#     de: >-
#       Kein Anzeichen für ein Umleitungsrisiko. Geprüft: {{.checked.de}}; keine dokumentierte Umleitung und
#       kein nicht wiedererlangter Waffenverlust in den letzten {{.years}} Jahren.
reasons contains r if {
	verdict == "not_critical"
	indicators := array.concat(
		bundle.memberships_of(bundle.memberships, _t.regimes),
		bundle.indices_of(bundle.indices, _read),
	)
	r := reason.make(
		rego.metadata.chain(),
		{"checked": text.indicator_list(indicators), "years": _t.diversion_window_years},
		indicators,
		[],
	)
}

# METADATA
# title: No decisive indicator
# description: Neither ATT nor Wassenaar status is known.
# custom:
#   code: C7-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: the status is unknown for {{.regimes.en}}.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: Der Status ist unbekannt für {{.regimes.de}}.
reasons contains r if {
	not _rateable
	r := reason.make(rego.metadata.chain(), {"regimes": text.names("memberships", _t.regimes)}, [], [])
}
