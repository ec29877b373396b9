# METADATA
# title: National security of member states and allies
# description: >-
#   National security of the Member States and of friendly and allied countries. BICC's proxy is the
#   presence of EU, NATO or UN peacekeeping forces in the country or a neighbouring country.
#   Published BICC rule: without such forces the criterion is not critical. With forces present
#   (calibration default): critical with very high fragility (Fragile States Index at or above
#   thresholds.c5.fsi_very_high_min) or a Government Defence Integrity band of
#   thresholds.c5.gdi_critical_bands; possibly critical with high fragility (at or above
#   thresholds.c5.fsi_high_min) or a band of thresholds.c5.gdi_possibly_critical_bands; otherwise
#   not critical. Decisive: the presence of allied / UN forces. Our reading: when forces are present
#   but neither the Fragile States Index nor the defence-integrity band is known, the criterion
#   cannot be graded and is insufficient_data.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2, Criterion Five
# custom:
#   criterion: 5
#   title_de: Bedrohung von Alliierten (Nationale Sicherheit der Mitgliedstaaten und Verbündeter)
#   basis: published
#   thresholds: thresholds.c5
package criteria.c5

import data.lib.bundle
import data.lib.rating
import data.lib.reason

# Every threshold, window and list this criterion reads: the section thresholds.c5 of
# policies/data.yaml (no other criterion's section).
_t := data.thresholds.c5

# Index ids that grade the criterion when forces are present.
_grading := {"fsi_total", "gdi_band"}

# METADATA
# title: verdict
# description: The criterion's verdict, always defined.
verdict := rating.verdict(_rateable, {f.verdict | some f in _findings})

# METADATA
# title: missing
# description: >-
#   The forces indicator when absent; the grading indices when absent and forces are present or
#   unknown.
# scope: document
missing contains path if some path in bundle.missing_indices({"allied_forces_present"})

missing contains path if {
	not _no_forces
	some path in bundle.missing_indices(_grading)
}

_forces if bundle.indices.allied_forces_present.value == true

_no_forces if bundle.indices.allied_forces_present.value == false

_graded := _grading & bundle.index_ids

default _rateable := false

_rateable if _no_forces

_rateable if {
	_forces
	count(_graded) > 0
}

# METADATA
# title: Forces present, very high fragility
# description: Allied or UN forces present and the Fragile States Index at or above thresholds.c5.fsi_very_high_min.
# custom:
#   code: C5-FRAGILITY-VERY-HIGH
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country and fragility is very
#       high: Fragile States Index {{value .indices.fsi_total}} of 120, at or above {{num .limit}}.
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent und die Fragilität ist
#       sehr hoch: Fragile States Index {{value .indices.fsi_total}} von 120, mindestens {{num .limit}}.
_findings contains r if {
	_forces
	bundle.indices.fsi_total.value >= _t.fsi_very_high_min
	r := reason.make(
		rego.metadata.chain(), {"limit": _t.fsi_very_high_min},
		["indices.allied_forces_present", "indices.fsi_total"], [],
	)
}

# METADATA
# title: Forces present, high fragility
# description: >-
#   Allied or UN forces present and the Fragile States Index at or above thresholds.c5.fsi_high_min
#   (below the very-high one).
# custom:
#   code: C5-FRAGILITY-HIGH
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country and fragility is high:
#       Fragile States Index {{value .indices.fsi_total}} of 120, at or above {{num .limit}}.
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent und die Fragilität ist
#       hoch: Fragile States Index {{value .indices.fsi_total}} von 120, mindestens {{num .limit}}.
_findings contains r if {
	_forces
	bundle.indices.fsi_total.value >= _t.fsi_high_min
	bundle.indices.fsi_total.value < _t.fsi_very_high_min
	r := reason.make(
		rego.metadata.chain(), {"limit": _t.fsi_high_min},
		["indices.allied_forces_present", "indices.fsi_total"], [],
	)
}

# METADATA
# title: Forces present, very poor defence integrity
# description: Allied or UN forces present and a Government Defence Integrity band of thresholds.c5.gdi_critical_bands.
# custom:
#   code: C5-DEFENCE-INTEGRITY-CRITICAL
#   verdict: critical
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country and defence integrity is
#       very poor: Government Defence Integrity band {{value .indices.gdi_band}}
#       (critical bands: {{join .bands ", "}}).
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent und die Integrität im
#       Verteidigungssektor ist sehr gering: Government-Defence-Integrity-Stufe {{value .indices.gdi_band}}
#       (kritische Stufen: {{join .bands ", "}}).
_findings contains r if {
	_forces
	bundle.indices.gdi_band.value in _t.gdi_critical_bands
	r := reason.make(
		rego.metadata.chain(), {"bands": _t.gdi_critical_bands},
		["indices.allied_forces_present", "indices.gdi_band"], [],
	)
}

# METADATA
# title: Forces present, poor defence integrity
# description: >-
#   Allied or UN forces present and a Government Defence Integrity band of
#   thresholds.c5.gdi_possibly_critical_bands.
# custom:
#   code: C5-DEFENCE-INTEGRITY-POOR
#   verdict: possibly_critical
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country and defence integrity is
#       poor: Government Defence Integrity band {{value .indices.gdi_band}}.
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent und die Integrität im
#       Verteidigungssektor ist gering: Government-Defence-Integrity-Stufe {{value .indices.gdi_band}}.
_findings contains r if {
	_forces
	band := bundle.indices.gdi_band.value
	band in _t.gdi_possibly_critical_bands
	not band in _t.gdi_critical_bands
	r := reason.make(rego.metadata.chain(), {}, ["indices.allied_forces_present", "indices.gdi_band"], [])
}

# METADATA
# title: reasons
# description: The reasons for the verdict (every finding, and the rules below).
reasons contains r if some r in _findings

# METADATA
# title: No allied forces present
# description: No EU, NATO or UN forces in the country or a neighbouring country.
# custom:
#   code: C5-NO-FORCES
#   verdict: not_critical
#   basis: published
#   message:
#     en: >-
#       No EU, NATO or UN forces are present in the country or a neighbouring country.
#     de: >-
#       Im Land und in seinen Nachbarländern sind keine EU-, NATO- oder UN-Streitkräfte präsent.
reasons contains r if {
	_no_forces
	r := reason.make(rego.metadata.chain(), {}, ["indices.allied_forces_present"], [])
}

# METADATA
# title: Forces present, low risk
# description: Allied or UN forces present, but neither fragility nor defence integrity reaches a threshold.
# custom:
#   code: C5-PASS
#   verdict: not_critical
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country, but neither fragility nor
#       defence integrity reaches a threshold. Checked: {{values .indicators}}.
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent, aber weder Fragilität noch
#       Integrität im Verteidigungssektor erreichen einen Schwellenwert. Geprüft: {{values .indicators}}.
reasons contains r if {
	_forces
	verdict == "not_critical"
	r := reason.make(rego.metadata.chain(), {}, bundle.index_paths(_graded | {"allied_forces_present"}), [])
}

# METADATA
# title: No decisive indicator
# description: It is not known whether allied or UN forces are present.
# custom:
#   code: C5-NO-DATA
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       No decisive indicator is present: it is not known whether EU, NATO or UN forces are present in the
#       country or a neighbouring country.
#     de: >-
#       Kein ausschlaggebender Indikator liegt vor: Es ist nicht bekannt, ob EU-, NATO- oder UN-Streitkräfte im
#       Land oder einem Nachbarland präsent sind.
reasons contains r if {
	not bundle.indices.allied_forces_present
	r := reason.make(rego.metadata.chain(), {}, [], [])
}

# METADATA
# title: Forces present, cannot grade
# description: >-
#   Allied or UN forces are present but neither the Fragile States Index nor the defence-integrity
#   band is known (our reading: insufficient_data).
# custom:
#   code: C5-CANNOT-GRADE
#   verdict: insufficient_data
#   basis: calibration_default
#   message:
#     en: >-
#       EU, NATO or UN forces are present in the country or a neighbouring country, but the risk cannot be
#       graded: neither the Fragile States Index nor the Government Defence Integrity band is known.
#     de: >-
#       EU-, NATO- oder UN-Streitkräfte sind im Land oder einem Nachbarland präsent, das Risiko lässt sich
#       aber nicht einstufen: Weder der Fragile States Index noch die Government-Defence-Integrity-Stufe ist
#       bekannt.
reasons contains r if {
	_forces
	count(_graded) == 0
	r := reason.make(rego.metadata.chain(), {}, ["indices.allied_forces_present"], [])
}
