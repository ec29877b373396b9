# METADATA
# title: Criterion 4 tests
# description: >-
#   International conflict, every possibly-critical trigger at its threshold, the evidence window,
#   missing data.
package criteria.c4_test

import data.criteria.c4 as criterion
import data.lib.testdata_test as td

# A bundle with no conflict involvement and no neighbour conflict, plus the given indices and evidence.
_calm(indices, evidence) := td.bundle(
	object.union({"ucdp_interstate_conflicts": td.index(0), "ucdp_neighbour_conflicts": td.index(0)}, indices),
	{},
	[],
	evidence,
)

_verdict(bundle) := v if {
	v := criterion.verdict with input as bundle
}

_codes(bundle) := c if {
	c := td.codes(criterion.reasons) with input as bundle
}

test_no_data_is_insufficient if {
	_verdict(td.bundle({}, {}, [], [])) == "insufficient_data"
	_codes(td.bundle({}, {}, [], [])) == ["C4-NO-DATA"]
	criterion.missing == {
		"indices.coups_20y", "indices.ucdp_international_conflicts_10y", "indices.ucdp_interstate_conflicts",
		"indices.ucdp_neighbour_conflicts",
	} with input as td.bundle({}, {}, [], [])
}

test_no_data_reason if {
	some r in criterion.reasons with input as td.bundle({}, {}, [], [])
	r.message.de == concat("", [
		"Kein ausschlaggebender Indikator liegt vor: weder die Zahl der internationalen bewaffneten Konflikte mit ",
		"dem Staat als Partei noch die Zahl der Nachbarländer mit bewaffnetem Konflikt (UCDP).",
	])
}

test_non_decisive_findings_alone_stay_insufficient if {
	bundle := td.bundle({"coups_20y": td.index(1)}, {}, [], [td.event("b", "2025-01-01", "border_clash")])
	_verdict(bundle) == "insufficient_data"
	_codes(bundle) == ["C4-BORDER-CLASH", "C4-COUP", "C4-NO-DATA"]
}

test_each_decisive_indicator_alone if {
	_verdict(td.with_indices({"ucdp_interstate_conflicts": td.index(0)})) == "not_critical"
	_verdict(td.with_indices({"ucdp_neighbour_conflicts": td.index(0)})) == "not_critical"
}

test_interstate_conflict_is_critical_at_the_limit if {
	_verdict(_calm({"ucdp_interstate_conflicts": td.index(1)}, [])) == "critical"
	_codes(_calm({"ucdp_interstate_conflicts": td.index(1)}, [])) == ["C4-INTERSTATE-CONFLICT"]
	_verdict(_calm({}, [])) == "not_critical"
}

test_interstate_conflict_reason if {
	some r in criterion.reasons with input as _calm({"ucdp_interstate_conflicts": td.index(1)}, [])
	r.message.en == concat("", [
		"The state is a party to 1 ongoing international armed conflict(s), UN Security Council mandated ",
		"operations excluded (2025; Test index source); 1 or more make the criterion critical.",
	])
	r.message.de == concat("", [
		"Der Staat ist Partei in 1 andauernden internationalen bewaffneten Konflikt(en), ohne vom ",
		"UN-Sicherheitsrat mandatierte Einsätze (2025; Test index source); ab 1 ist das Kriterium kritisch.",
	])
}

test_neighbour_conflict if {
	_codes(_calm({"ucdp_neighbour_conflicts": td.index(1)}, [])) == ["C4-NEIGHBOUR-CONFLICT"]
	_verdict(_calm({"ucdp_neighbour_conflicts": td.index(2)}, [])) == "possibly_critical"
	_verdict(_calm({"ucdp_neighbour_conflicts": td.index(2)}, [])) == "not_critical"
		with data.thresholds.c4.neighbour_conflicts_min as 3
}

test_international_conflict_in_ten_years if {
	_codes(_calm({"ucdp_international_conflicts_10y": td.index(1)}, [])) == ["C4-INTERNATIONAL-CONFLICT-10Y"]
	_verdict(_calm({"ucdp_international_conflicts_10y": td.index(0)}, [])) == "not_critical"
}

test_coup if {
	_codes(_calm({"coups_20y": td.index(1)}, [])) == ["C4-COUP"]
	_verdict(_calm({"coups_20y": td.index(0)}, [])) == "not_critical"
}

test_border_evidence_window if {
	every category in ["border_clash", "territorial_claim"] {
		_codes(_calm({}, [td.event("e", "2021-06-01", category)])) == ["C4-BORDER-CLASH"]
		_verdict(_calm({}, [td.event("e", "2021-05-31", category)])) == "not_critical"
	}
	_verdict(_calm({}, [td.event("e", "2025-01-01", "unrest")])) == "not_critical"
}

test_border_reason if {
	item := object.union(
		td.event("kgz", "2022-09-14", "border_clash"),
		{"counterpart": "KGZ", "summary_de": "Grenzgefecht"},
	)
	some r in criterion.reasons with input as _calm({}, [item])
	r.code == "C4-BORDER-CLASH"
	r.message.de == concat("", [
		"Bewaffnete Grenzzusammenstöße oder offene Gebietsansprüche unter Beteiligung des Staates in den letzten ",
		"5 Jahren: 14.09.2022: Grenzgefecht (Test evidence source).",
	])
	r.evidence == [item]
}

test_pass_reason if {
	some r in criterion.reasons with input as _calm({}, [])
	r.code == "C4-PASS"
	r.verdict == "not_critical"
	r.message.en == concat("", [
		"No involvement in an international armed conflict and no regional risk sign. Checked: international armed ",
		"conflicts with the state as a party (UCDP): 0 (2025; Test index source); neighbouring countries with an ",
		"armed conflict (UCDP): 0 (2025; Test index source); no armed border clash or open territorial claim ",
		"within the last 5 years.",
	])
	[i.id | some i in r.indicators] == ["indices.ucdp_interstate_conflicts", "indices.ucdp_neighbour_conflicts"]
}
