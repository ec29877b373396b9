# METADATA
# title: Message text tests
# description: >-
#   Labels and their fallbacks, value and number formats in both languages, sources, lists; label
#   coverage of data.
package lib.text_test

import data.labels
import data.lib.text
import data.thresholds

test_label_and_fallback if {
	text.label("memberships", "att") == {"en": "Arms Trade Treaty", "de": "Vertrag über den Waffenhandel (ATT)"}
	text.label("embargoes", "OSCE") == {"en": "OSCE", "de": "OSZE"}
	text.label("memberships", "no_such_treaty") == {"en": "no_such_treaty", "de": "no_such_treaty"}
}

test_value_formats if {
	text.value("fh_status", "PF") == {"en": "Partly Free", "de": "teilweise frei"}
	text.value("memberships", "signatory") == {"en": "signed, not ratified", "de": "unterzeichnet, nicht ratifiziert"}
	text.value("allied_forces_present", true) == {"en": "yes", "de": "ja"}
	text.value("embargoes", false) == {"en": "not in force", "de": "nicht in Kraft"}
	text.value("hdi", 0.837) == {"en": "0.837", "de": "0,837"}
	text.value("wgi_rule_of_law", -1.25) == {"en": "-1.25", "de": "-1,25"}
	text.value("pts", 4) == {"en": "4", "de": "4"}
	text.value("gdi_band", "F") == {"en": "F", "de": "F"}
}

test_number_and_date if {
	text.number(6.7) == {"en": "6.7", "de": "6,7"}
	text.number(90) == {"en": "90", "de": "90"}
	text.date("2011-05-23") == {"en": "2011-05-23", "de": "23.05.2011"}
}

test_source if {
	text.source({"source": "BICC report"}) == "BICC report"
	text.source({"source": "BICC report", "cited_source": "SIPRI"}) == "SIPRI (BICC report)"
}

test_sources_are_distinct_and_sorted if {
	text.sources([{"source": "b"}, {"source": "a", "cited_source": "c"}, {"source": "b"}]) == "a; b; c"
	text.sources([]) == ""
}

test_names if {
	text.names("memberships", {"ccm", "apmbc"}) == {
		"en": "Anti-Personnel Mine Ban Convention (Ottawa), Convention on Cluster Munitions",
		"de": "Ottawa-Übereinkommen (Antipersonenminen), Übereinkommen über Streumunition",
	}
	text.names("embargoes", set()) == {"en": "", "de": ""}
}

test_indicator_list if {
	indicators := [
		{"id": "indices.hdi", "value": 0.7, "year": 2023, "source": "BICC", "cited_source": "UNDP"},
		{"id": "memberships.att", "value": "party", "source": "UNODA"},
		{"id": "embargoes.UN", "value": false, "source": "UNSC"},
	]
	text.indicator_list(indicators) == {
		"en": concat("", [
			"Human Development Index: 0.7 (2023; UNDP (BICC)); Arms Trade Treaty: party (UNODA); ",
			"UN: not in force (UNSC)",
		]),
		"de": concat("", [
			"Index der menschlichen Entwicklung (HDI): 0,7 (2023; UNDP (BICC)); Vertrag über den Waffenhandel ",
			"(ATT): Vertragspartei (UNODA); UN: nicht in Kraft (UNSC)",
		]),
	}
	text.indicator_list([]) == {"en": "", "de": ""}
}

test_evidence_list if {
	items := [
		{"id": "a", "date": "2022-01-05", "summary": "Unrest", "summary_de": "Unruhen", "source": "S"},
		{"id": "b", "date": "2023-02-01", "summary": "Report", "source": "S", "cited_source": "HRW"},
	]
	text.evidence_list(items) == {
		"en": "2022-01-05: Unrest (S); 2023-02-01: Report (HRW (S))",
		"de": "05.01.2022: Unruhen (S); 01.02.2023: Report (HRW (S))",
	}
}

# Every instrument and index the policies read has a display name in both languages.
test_every_instrument_read_has_labels if {
	ids := {id |
		some list in [
			thresholds.c1.instruments, thresholds.c6.conventions, thresholds.c6.key_conventions,
			thresholds.c7.regimes,
		]
		some id in list
	} | {id |
		some group in array.concat(thresholds.c2.severe_treaty_groups, thresholds.c2.concern_treaty_groups)
		some id in group
	}
	every id in ids {
		labels.memberships[id].en != ""
		labels.memberships[id].de != ""
	}
	every authority in thresholds.c1.authorities {
		labels.embargoes[authority].de != ""
	}
}

test_every_label_has_both_languages if {
	every group in ["indices", "memberships", "embargoes"] {
		every _, name in labels[group] {
			object.keys(name) == {"en", "de"}
		}
	}
	every _, values in labels.values {
		every _, name in values {
			object.keys(name) == {"en", "de"}
		}
	}
}
