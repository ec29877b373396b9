# METADATA
# title: Test bundles and calibration
# description: >-
#   The helpers of the policy tests (no tests of their own): small indicator bundles, the test
#   calibration, and the one way a test evaluates a criterion under it (criterion, verdict,
#   reasons, missing, reason_codes).
package lib.testdata_test

# METADATA
# title: thresholds
# description: >-
#   The test calibration: every threshold, window and list the rules read, fixed for the tests
#   (a copy of the thresholds of policies/data.yaml when the tests were written). The criterion
#   and assessment tests evaluate the rules with data.thresholds as this object (see
#   calibration), and test each threshold exactly at these values, so that a change to the
#   shipped data.yaml does not fail them; policy impact shows what such a change does. Only
#   tests that check the shipped data itself read data.thresholds (the Kazakhstan reference
#   test in main/main_test.rego, the label and convention list checks). Change a value here
#   only together with the tests that sit at its limit.
thresholds := {
	"overall": {"dark_red_min_critical": 4, "light_red_min_critical": 1},
	"data_age": {
		"fsi": {"max_years": 3, "indices": ["fsi_total"]},
		"wgi": {"max_years": 3, "indices": ["wgi_voice_accountability", "wgi_rule_of_law", "wgi_political_stability"]},
	},
	"c1": {
		"authorities": ["UN", "EU", "OSCE"],
		"instruments": ["npt", "bwc", "cwc", "hcoc", "att"],
		"possibly_critical_min_gaps": 3,
	},
	"c2": {
		"gov_osv_min_years": 1,
		"critical_min_severe": 1,
		"critical_min_signals": 2,
		"fh_severe_status": ["NF"],
		"fh_concern_status": ["PF"],
		"pts_severe_min": 4,
		"pts_concern_min": 3,
		"wgi_severe_max": -1,
		"wgi_concern_max": 0,
		"efw_severe_max": 3.3,
		"efw_concern_max": 6.7,
		"torture_window_years": 3,
		"torture_reporters": ["un_body", "amnesty_international", "human_rights_watch", "npm"],
		"lethal_repression_window_years": 5,
		"severe_treaty_groups": [["cat"]],
		"concern_treaty_groups": [["rome_statute"], ["iccpr", "icescr", "cerd", "cedaw", "crc"]],
	},
	"c3": {
		"internal_conflicts_min": 1,
		"nonstate_conflicts_min": 1,
		"coups_min": 1,
		"wgi_political_stability_max": -0.5,
		"pts_min": 3,
		"fsi_very_high_min": 90,
		"evidence_window_years": 5,
		"evidence_categories": ["unrest", "state_of_emergency", "lethal_repression"],
	},
	"c4": {
		"interstate_conflicts_min": 1,
		"neighbour_conflicts_min": 1,
		"neighbour_nonstate_conflicts_min": 1,
		"international_conflicts_10y_min": 1,
		"coups_min": 1,
		"evidence_window_years": 5,
		"evidence_categories": ["border_clash", "territorial_claim"],
	},
	"c5": {
		"fsi_very_high_min": 90,
		"fsi_high_min": 80,
		"gdi_critical_bands": ["E", "F"],
		"gdi_possibly_critical_bands": ["D"],
	},
	"c6": {
		"conventions": [
			"geneva_protocol_1925", "ptbt", "outer_space", "npt", "seabed", "bwc", "enmod", "ccw", "cwc", "apmbc",
			"ccm", "att", "aircraft_seizure_1970", "protected_persons_1973", "hostages_1979", "nuclear_material_1980",
			"plastic_explosives_1991", "terrorist_bombings_1997", "terrorist_financing_1999", "nuclear_terrorism_2005",
			"untoc", "untoc_trafficking", "untoc_smuggling", "untoc_firearms", "genocide_convention",
			"geneva_conventions_1949", "additional_protocols_1977", "rome_statute", "uncac",
		],
		"key_conventions": [
			"npt", "bwc", "cwc", "ccw", "att", "genocide_convention", "geneva_conventions_1949",
			"additional_protocols_1977", "rome_statute", "untoc",
		],
		"critical_min_gaps": 12,
		"critical_min_key_gaps": 5,
		"possibly_critical_min_gaps": 7,
		"possibly_critical_min_key_gaps": 3,
		"max_unknown_share": 0.5,
	},
	"c7": {
		"regimes": ["att", "wassenaar"],
		"very_poor_sats_max": 5,
		"very_poor_gdi_bands": ["E", "F"],
		"poor_sats_max": 10,
		"poor_gdi_bands": ["D", "E", "F"],
		"few_controls_bap_below": 8,
		"diversion_categories": ["diversion", "weapons_loss"],
		"diversion_window_years": 30,
		"state_diversion_window_years": 5,
	},
	"c8": {"hdi_below": 0.8, "critical_hdi_below": 0.55, "gmi_rank_max": 50, "milex_gdp_above": 4},
}

# METADATA
# title: calibration
# description: >-
#   The test calibration with overrides merged in (object.union: a key given replaces the test
#   value, lists as a whole), e.g. calibration({"c8": {"hdi_below": 0.9}}); calibration({}) is
#   thresholds.
calibration(overrides) := object.union(thresholds, overrides)

# METADATA
# title: as_of
# description: The as_of date of every test bundle.
as_of := "2026-06-01"

# METADATA
# title: index
# description: An index entry with value v, year 2025 and a test source.
index(v) := {"value": v, "year": 2025, "source": "Test index source"}

# METADATA
# title: membership
# description: A membership entry with the given status and a test source.
membership(status) := {"status": status, "source": "Test treaty source"}

# METADATA
# title: memberships
# description: The same status for every instrument of ids.
memberships(ids, status) := {id: membership(status) | some id in ids}

# METADATA
# title: event
# description: An evidence item of category dated date, with a test summary and source.
event(id, date, category) := {
	"id": id,
	"date": date,
	"category": category,
	"summary": concat(" ", ["Test event", id]),
	"source": "Test evidence source",
}

# METADATA
# title: bundle
# description: A bundle with the given sections and the test as_of date.
bundle(indices, members, embargoes, evidence) := {
	"schema_version": 1,
	"country": {"iso3": "KAZ", "name_en": "Kazakhstan", "name_de": "Kasachstan"},
	"as_of": as_of,
	"indices": indices,
	"memberships": members,
	"embargoes": embargoes,
	"evidence": evidence,
}

# METADATA
# title: indices only
# description: A bundle with only the given indices.
with_indices(xs) := bundle(xs, {}, [], [])

# METADATA
# title: codes
# description: The codes of a set of reasons, sorted (duplicates kept).
codes(reasons) := sort([r.code | some r in reasons])

# METADATA
# title: criterion
# description: >-
#   Criterion c's ("c1".."c8") verdict, reasons and missing paths for bundle, evaluated under the
#   test calibration with overrides merged in (see calibration; {} for none).
criterion(c, bundle, overrides) := {"verdict": v, "reasons": r, "missing": m} if {
	t := calibration(overrides)
	v := data.criteria[c].verdict with input as bundle with data.thresholds as t
	r := data.criteria[c].reasons with input as bundle with data.thresholds as t
	m := data.criteria[c].missing with input as bundle with data.thresholds as t
}

# METADATA
# title: verdict
# description: Criterion c's verdict for bundle under the test calibration.
verdict(c, bundle) := criterion(c, bundle, {}).verdict

# METADATA
# title: reasons
# description: Criterion c's reasons for bundle under the test calibration.
reasons(c, bundle) := criterion(c, bundle, {}).reasons

# METADATA
# title: missing
# description: Criterion c's missing paths for bundle under the test calibration.
missing(c, bundle) := criterion(c, bundle, {}).missing

# METADATA
# title: reason codes
# description: The codes of criterion c's reasons for bundle under the test calibration, sorted.
reason_codes(c, bundle) := codes(reasons(c, bundle))
