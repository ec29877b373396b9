# METADATA
# title: Assessment tests
# description: >-
#   The entrypoint's shape, and the Kazakhstan reference case (BICC country report, June 2026).
#   The reference test reads the shipped thresholds (BICC's table must hold under them); every
#   other test runs under the test calibration (lib/testdata_test.rego).
package main_test

import data.lib.testdata_test as td
import data.main

_report := "BICC country report Kazakhstan (June 2026)"

_index(value, year, where, cited) := {
	"value": value,
	"year": year,
	"source": concat(", ", [_report, where]),
	"cited_source": cited,
}

_memberships(status, ids, table, cited) := {id: entry |
	some id in ids
	entry := {"status": status, "source": concat(", ", [_report, table]), "cited_source": cited}
}

_event(id, date, category, summary, extra) := object.union(
	{"id": id, "date": date, "category": category, "summary": summary, "source": _report},
	extra,
)

# METADATA
# title: Kazakhstan
# description: >-
#   The facts of BICC's country report Kazakhstan (June 2026) as a bundle. BICC rates the eight
#   criteria 1 not critical, 2 critical, 3 and 4 possibly critical, 5 and 6 not critical, 7
#   possibly critical, 8 not critical. Also read by the Go benchmark.
kazakhstan := {
	"schema_version": 1,
	"country": {"iso3": "KAZ", "name_en": "Kazakhstan", "name_de": "Kasachstan"},
	"as_of": "2026-06-01",
	"indices": {
		"fh_status": _index("NF", 2026, "Box 6", "Freedom House, Freedom in the World 2026"),
		"fh_total": _index(23, 2026, "Box 6", "Freedom House, Freedom in the World 2026"),
		"ucdp_internal_conflicts": _index(0, 2025, "part II", "UCDP"),
		"ucdp_interstate_conflicts": _index(0, 2025, "part II", "UCDP"),
		"ucdp_neighbour_conflicts": _index(2, 2025, "part II", "UCDP"),
		"allied_forces_present": _index(false, 2025, "part II", "IISS Military Balance"),
		"hdi": _index(0.837, 2023, "Schaubild 7", "UNDP Human Development Report"),
		"gmi_rank": _index(73, 2024, "part I", "BICC Global Militarisation Index"),
		"milex_gdp": _index(0.4, 2024, "table 16", "SIPRI Military Expenditure Database"),
	},
	"memberships": object.union_n([
		_memberships(
			"party",
			["geneva_protocol_1925", "outer_space", "npt", "bwc", "enmod", "ccw", "cwc", "att"],
			"table 11", "SIPRI Yearbook",
		),
		_memberships("not_party", ["ptbt", "seabed", "apmbc", "ccm"], "table 11", "SIPRI Yearbook"),
		_memberships(
			"party",
			[
				"aircraft_seizure_1970", "protected_persons_1973", "hostages_1979", "nuclear_material_1980",
				"plastic_explosives_1991", "terrorist_bombings_1997", "terrorist_financing_1999",
				"nuclear_terrorism_2005",
			],
			"table 13", "treaties.un.org",
		),
		_memberships(
			"party",
			["untoc", "untoc_trafficking", "untoc_smuggling", "untoc_firearms"],
			"table 14", "treaties.un.org",
		),
		_memberships(
			"party",
			["genocide_convention", "geneva_conventions_1949", "additional_protocols_1977", "uncac"],
			"table 15", "SIPRI Yearbook",
		),
		_memberships("not_party", ["rome_statute"], "table 15", "treaties.un.org"),
		_memberships(
			"party",
			["cerd", "icescr", "iccpr", "cedaw", "cedaw_op", "cat", "crc", "crc_opsc", "crc_opac"],
			"table 12", "treaties.un.org",
		),
	]),
	"embargoes": [{"authority": authority, "in_force": false, "source": _report} |
		some authority in ["UN", "EU", "OSCE"]
	],
	"evidence": [
		_event(
			"kaz-2025-07-hrc", "2025-07-15", "torture",
			"UN Human Rights Committee raises use of force and acts of torture against civil society",
			{
				"reported_by": "un_body",
				"summary_de": "UN-Menschenrechtsausschuss kritisiert Gewalt und Folter gegen die Zivilgesellschaft",
				"cited_source": "Human Rights Watch World Report 2026",
			},
		),
		_event(
			"kaz-2023-hrw-torture", "2022-12-31", "torture",
			"Torture and ill-treatment of detainees after the January 2022 protests",
			{"reported_by": "human_rights_watch", "cited_source": "Human Rights Watch World Report 2023"},
		),
		_event(
			"kaz-2022-01-repression", "2022-01-06", "lethal_repression",
			"Security forces use lethal force against protesters; more than 200 deaths",
			{"figures": {"deaths": 238}},
		),
		_event(
			"kaz-2022-01-emergency", "2022-01-05", "state_of_emergency",
			"Nationwide state of emergency and shoot-to-kill order", {},
		),
		_event(
			"kaz-2022-01-looting", "2022-01-06", "weapons_loss",
			"Police stations stormed, firearms looted; up to 2,000 still missing (April 2023)",
			{"by_state": false, "figures": {"weapons": 2000}},
		),
		_event(
			"kaz-1995-igla", "1995-01-01", "diversion",
			"57 Igla MANPADS and 226 missiles transferred illegally to Yugoslavia under UN embargo",
			{"by_state": false},
		),
		_event(
			"kaz-1999-mig21", "1999-01-01", "diversion", "MiG-21 interceptors reportedly reach North Korea",
			{"by_state": false},
		),
		_event(
			"kaz-2000-mi8", "2000-01-01", "diversion", "Mi-8T helicopters reportedly reach Sierra Leone",
			{"by_state": false},
		),
	],
}

_empty := {
	"schema_version": 1,
	"country": {"iso3": "DEU", "name_en": "Germany", "name_de": "Deutschland"},
	"as_of": "2026-01-01",
	"indices": {},
	"memberships": {},
	"embargoes": [],
	"evidence": [],
}

# The assessment of bundle under the test calibration with overrides merged in ({} for none).
_assessment(bundle, overrides) := a if {
	t := td.calibration(overrides)
	a := main.assessment with input as bundle with data.thresholds as t
}

_verdicts(assessment) := [c.verdict | some c in assessment.criteria]

_bicc_verdicts := [
	"not_critical", "critical", "possibly_critical", "possibly_critical",
	"not_critical", "not_critical", "possibly_critical", "not_critical",
]

# The reference test: under the shipped thresholds (policies/data.yaml, not the test
# calibration), Kazakhstan gets BICC's eight verdicts and BICC's class. A threshold change
# that flips Kazakhstan fails here.
test_kazakhstan_reproduces_bicc_ratings if {
	assessment := main.assessment with input as kazakhstan
	_verdicts(assessment) == _bicc_verdicts
	assessment.overall == "light_red"
	assessment.critical_count == 1
}

test_kazakhstan_under_the_test_calibration if {
	assessment := _assessment(kazakhstan, {})
	_verdicts(assessment) == _bicc_verdicts
	assessment.overall == "light_red"
	assessment.critical_count == 1
}

test_kazakhstan_reason_codes if {
	codes := [[r.code | some r in c.reasons] | some c in _assessment(kazakhstan, {}).criteria]
	codes == [
		["C1-PASS"],
		["C2-FH-NOT-FREE", "C2-LETHAL-REPRESSION", "C2-SIGNALS-CRITICAL", "C2-TORTURE", "C2-TREATY-CONCERN"],
		["C3-UNREST"],
		["C4-NEIGHBOUR-CONFLICT"],
		["C5-NO-FORCES"],
		["C6-PASS"],
		["C7-DIVERSION-HISTORY"],
		["C8-HDI-HIGH"],
	]
}

test_kazakhstan_missing if {
	missing := [c.missing | some c in _assessment(kazakhstan, {}).criteria]
	missing == [
		["memberships.hcoc"],
		[
			"indices.efw_military_interference", "indices.pts", "indices.ucdp_gov_osv_years_5y",
			"indices.wgi_rule_of_law", "indices.wgi_voice_accountability",
		],
		[
			"indices.coups_20y", "indices.fsi_total", "indices.pts", "indices.ucdp_nonstate_conflicts",
			"indices.wgi_political_stability",
		],
		["indices.coups_20y", "indices.ucdp_international_conflicts_10y", "indices.ucdp_neighbour_nonstate_conflicts"],
		[],
		[],
		["indices.att_bap_score", "indices.gdi_band", "indices.sats_barometer", "memberships.wassenaar"],
		[],
	]
}

test_kazakhstan_old_diversion_outside_window if {
	c7 := _assessment(kazakhstan, {}).criteria[6]
	ids := [id | some r in c7.reasons; some id in r.evidence]
	ids == ["kaz-1999-mig21", "kaz-2000-mi8", "kaz-2022-01-looting"]
}

test_kazakhstan_torture_window if {
	c2 := _assessment(kazakhstan, {}).criteria[1]
	ids := [id | some r in c2.reasons; r.code == "C2-TORTURE"; some id in r.evidence]
	ids == ["kaz-2025-07-hrc"]
}

test_shape if {
	assessment := _assessment(kazakhstan, {})
	object.keys(assessment) == {"overall", "critical_count", "criteria"}
	[c.criterion | some c in assessment.criteria] == numbers.range(1, 8)
	every c in assessment.criteria {
		object.keys(c) == {"criterion", "verdict", "reasons", "missing"}
		is_array(c.reasons)
		count(c.reasons) > 0
		is_array(c.missing)
		c.missing == sort(c.missing)
		c.reasons == sort(c.reasons)
		every r in c.reasons {
			startswith(r.code, sprintf("C%d-", [c.criterion]))
			object.keys(object.remove(r, {"signal"})) == {"code", "verdict", "vars", "indicators", "evidence"}
			is_object(r.vars)
			is_array(r.indicators)
			is_array(r.evidence)
		}
	}
}

test_overall_thresholds if {
	_assessment(kazakhstan, {"overall": {"light_red_min_critical": 2}}).overall == "none"
	_assessment(kazakhstan, {"overall": {"dark_red_min_critical": 1}}).overall == "dark_red"
}

# Kazakhstan made critical on criteria 1 (a UN embargo on the state), 3 (an internal
# conflict) and, if interstate, 4 (an international conflict), besides 2.
_critical_on(interstate) := object.union(kazakhstan, {
	"indices": object.union(kazakhstan.indices, {
		"ucdp_internal_conflicts": _index(1, 2025, "test", "UCDP"),
		"ucdp_interstate_conflicts": _index(interstate, 2025, "test", "UCDP"),
	}),
	"embargoes": [{"authority": "UN", "in_force": true, "addressee": "state", "since": "2020-01-01", "source": "UN"}],
})

test_four_critical_is_dark_red if {
	assessment := _assessment(_critical_on(1), {})
	_verdicts(assessment) == [
		"critical", "critical", "critical", "critical",
		"not_critical", "not_critical", "possibly_critical", "not_critical",
	]
	assessment.critical_count == 4
	assessment.overall == "dark_red"
}

test_three_critical_is_light_red if {
	assessment := _assessment(_critical_on(0), {})
	_verdicts(assessment) == [
		"critical", "critical", "critical", "possibly_critical",
		"not_critical", "not_critical", "possibly_critical", "not_critical",
	]
	assessment.critical_count == 3
	assessment.overall == "light_red"
}

test_empty_bundle_is_insufficient_data_everywhere if {
	assessment := _assessment(_empty, {})
	assessment.overall == "none"
	assessment.critical_count == 0
	every c in assessment.criteria {
		c.verdict == "insufficient_data"
		[r.code | some r in c.reasons] == [sprintf("C%d-NO-DATA", [c.criterion])]
	}
}

test_empty_bundle_missing if {
	assessment := _assessment(_empty, {})
	assessment.criteria[0].missing == [
		"embargoes.EU", "embargoes.OSCE", "embargoes.UN",
		"memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt",
	]
	count(assessment.criteria[5].missing) == 29
	assessment.criteria[4].missing == ["indices.allied_forces_present", "indices.fsi_total", "indices.gdi_band"]
	assessment.criteria[7].missing == ["indices.gmi_rank", "indices.hdi", "indices.milex_gdp"]
}
