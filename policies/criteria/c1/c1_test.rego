# METADATA
# title: Criterion 1 tests
# description: Embargoes, the five instruments, missing data.
package criteria.c1_test

import data.criteria.c1 as criterion
import data.lib.testdata_test as td

_five := ["npt", "bwc", "cwc", "hcoc", "att"]

_no_embargo := [
	{"authority": "UN", "in_force": false, "source": "UN sanctions list"},
	{"authority": "EU", "in_force": false, "source": "EU sanctions map"},
	{"authority": "OSCE", "in_force": false, "source": "OSCE"},
]

_embargo(authority, addressee) := {
	"authority": authority,
	"in_force": true,
	"addressee": addressee,
	"since": "2011-05-23",
	"source": "EU sanctions map",
}

_input(members, embargoes) := td.bundle({}, members, embargoes, [])

_all_party := td.memberships(_five, "party")

test_no_data_is_insufficient if {
	criterion.verdict == "insufficient_data" with input as _input({}, [])
	td.codes(criterion.reasons) == ["C1-NO-DATA"] with input as _input({}, [])
	criterion.missing == {
		"embargoes.EU", "embargoes.OSCE", "embargoes.UN",
		"memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt",
	} with input as _input({}, [])
}

test_no_data_reason if {
	some r in criterion.reasons with input as _input({}, [])
	r == {
		"code": "C1-NO-DATA",
		"criterion": 1,
		"verdict": "insufficient_data",
		"message": {
			"en": concat("", [
				"No decisive indicator is present: no embargo record (EU, OSCE, UN) and no status for any of the five ",
				"instruments (Arms Trade Treaty, Biological Weapons Convention, Chemical Weapons Convention, ",
				"Hague Code of Conduct (HCoC), Non-Proliferation Treaty (NPT)).",
			]),
			"de": concat("", [
				"Kein ausschlaggebender Indikator liegt vor: kein Embargo-Eintrag (EU, OSZE, UN) und kein Status für ",
				"eines der fünf Instrumente (Vertrag über den Waffenhandel (ATT), Biowaffenübereinkommen, ",
				"Chemiewaffenübereinkommen, Haager Verhaltenskodex (HCoC), Atomwaffensperrvertrag (NVV)).",
			]),
		},
		"indicators": [],
		"evidence": [],
	}
}

test_embargo_against_state_is_critical if {
	embargoes := array.concat(_no_embargo, [_embargo("EU", "state")])
	criterion.verdict == "critical" with input as _input(_all_party, embargoes)
	some r in criterion.reasons with input as _input(_all_party, embargoes)
	r == {
		"code": "C1-EMBARGO-STATE",
		"criterion": 1,
		"verdict": "critical",
		"message": {
			"en": "EU arms embargo against the state as a whole in force since 2011-05-23 (source: EU sanctions map).",
			"de": "EU-Waffenembargo gegen den Staat als Ganzes, in Kraft seit 23.05.2011 (Quelle: EU sanctions map).",
		},
		"indicators": [{
			"id": "embargoes.EU",
			"value": true,
			"addressee": "state",
			"since": "2011-05-23",
			"source": "EU sanctions map",
		}],
		"evidence": [],
	}
}

test_embargo_against_non_state_actors_is_possibly_critical if {
	embargoes := [_embargo("UN", "non_state")]
	criterion.verdict == "possibly_critical" with input as _input(_all_party, embargoes)
	td.codes(criterion.reasons) == ["C1-EMBARGO-NON-STATE"] with input as _input(_all_party, embargoes)
}

test_state_and_non_state_embargo_is_critical_with_both_reasons if {
	embargoes := [_embargo("UN", "non_state"), _embargo("EU", "state")]
	criterion.verdict == "critical" with input as _input({}, embargoes)
	td.codes(criterion.reasons) == ["C1-EMBARGO-NON-STATE", "C1-EMBARGO-STATE"] with input as _input({}, embargoes)
}

test_unconfirmed_embargo_is_used_and_marked if {
	embargoes := [object.union(_embargo("OSCE", "state"), {"unconfirmed": true})]
	criterion.verdict == "critical" with input as _input({}, embargoes)
	some r in criterion.reasons with input as _input({}, embargoes)
	contains(r.message.en, "OSCE arms embargo against the state as a whole in force since 2011-05-23 (unconfirmed)")
	contains(r.message.de, "OSZE-Waffenembargo gegen den Staat als Ganzes, in Kraft seit 23.05.2011 (unbestätigt)")
	r.indicators[0].unconfirmed == true
}

test_embargo_record_alone_is_decisive if {
	criterion.verdict == "not_critical" with input as _input({}, _no_embargo)
	criterion.missing == {
		"memberships.att", "memberships.bwc", "memberships.cwc", "memberships.hcoc", "memberships.npt",
	} with input as _input({}, _no_embargo)
}

test_one_instrument_alone_is_decisive if {
	criterion.verdict == "not_critical" with input as _input({"npt": td.membership("party")}, [])
}

test_three_gaps_is_possibly_critical if {
	members := object.union(td.memberships(["npt", "bwc"], "party"), td.memberships(["cwc", "hcoc", "att"], "not_party"))
	criterion.verdict == "possibly_critical" with input as _input(members, _no_embargo)
	td.codes(criterion.reasons) == ["C1-INSTRUMENT-GAPS"] with input as _input(members, _no_embargo)
}

test_gaps_reason if {
	members := object.union(td.memberships(["npt", "bwc"], "party"), td.memberships(["cwc", "hcoc"], "not_party"))
	with_signatory := object.union(members, {"att": {"status": "signatory", "year": 2014, "source": "UNODA"}})
	some r in criterion.reasons with input as _input(with_signatory, _no_embargo)
	r.message.en == concat("", [
		"3 of the 5 instruments named by the EU User's Guide are known not to be joined (3 or more make the ",
		"criterion possibly critical): Arms Trade Treaty: signed, not ratified (2014; UNODA); Chemical Weapons ",
		"Convention: not a party (Test treaty source); Hague Code of Conduct (HCoC): not a party (Test treaty source).",
	])
	r.message.de == concat("", [
		"3 der 5 im EU-Leitfaden genannten Instrumente sind nachweislich nicht beigetreten (ab 3 möglicherweise ",
		"kritisch): Vertrag über den Waffenhandel (ATT): unterzeichnet, nicht ratifiziert (2014; UNODA); ",
		"Chemiewaffenübereinkommen: keine Vertragspartei (Test treaty source); Haager Verhaltenskodex (HCoC): ",
		"keine Vertragspartei (Test treaty source).",
	])
	r.indicators == [
		{"id": "memberships.att", "value": "signatory", "year": 2014, "source": "UNODA"},
		{"id": "memberships.cwc", "value": "not_party", "source": "Test treaty source"},
		{"id": "memberships.hcoc", "value": "not_party", "source": "Test treaty source"},
	]
}

test_two_gaps_is_not_critical if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), td.memberships(["hcoc", "att"], "not_party"))
	criterion.verdict == "not_critical" with input as _input(members, _no_embargo)
	td.codes(criterion.reasons) == ["C1-PASS"] with input as _input(members, _no_embargo)
}

test_unknown_is_missing_not_a_gap if {
	members := td.memberships(["cwc", "hcoc"], "not_party")
	criterion.verdict == "not_critical" with input as _input(members, _no_embargo)
	criterion.missing == {"memberships.att", "memberships.bwc", "memberships.npt"}
		with input as _input(members, _no_embargo)
}

test_gap_threshold_from_data if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), td.memberships(["hcoc", "att"], "not_party"))
	criterion.verdict == "possibly_critical" with input as _input(members, _no_embargo)
		with data.thresholds.c1.possibly_critical_min_gaps as 2
}

test_pass_reason_names_the_checks if {
	members := object.union(td.memberships(["npt", "bwc", "cwc"], "party"), {"att": td.membership("not_party")})
	embargoes := [{"authority": "UN", "in_force": false, "source": "UN", "cited_source": "UNSC"}]
	some r in criterion.reasons with input as _input(members, embargoes)
	r.code == "C1-PASS"
	r.verdict == "not_critical"
	r.message.en == concat("", [
		"No arms embargo in force (checked: UN); no record for EU, OSCE; 3 of 5 instruments joined; not joined: ",
		"Arms Trade Treaty; status unknown: Hague Code of Conduct (HCoC) (sources: Test treaty source; UN; UNSC).",
	])
	r.message.de == concat("", [
		"Kein Waffenembargo in Kraft (geprüft: UN); kein Eintrag für EU, OSZE; 3 von 5 Instrumenten beigetreten; ",
		"nicht beigetreten: Vertrag über den Waffenhandel (ATT); Status unbekannt: Haager Verhaltenskodex (HCoC) ",
		"(Quellen: Test treaty source; UN; UNSC).",
	])
	[i.id | some i in r.indicators] == [
		"embargoes.UN", "memberships.att", "memberships.bwc", "memberships.cwc", "memberships.npt",
	]
	criterion.missing == {"embargoes.EU", "embargoes.OSCE", "memberships.hcoc"} with input as _input(members, embargoes)
}

test_pass_reason_without_embargo_records if {
	some r in criterion.reasons with input as _input(_all_party, [])
	r.message.en == concat("", [
		"No arms embargo in force; no record for EU, OSCE, UN; 5 of 5 instruments joined ",
		"(sources: Test treaty source).",
	])
}
