# METADATA
# title: Reason builder tests
# description: The reason shape from an annotation chain, optional signal, index and evidence reasons.
package lib.reason_test

import data.lib.reason
import data.lib.testdata_test as td

_chain(custom) := [
	{"path": ["data", "criteria", "c9", "_findings"], "annotations": {"scope": "rule", "custom": custom}},
	{"path": ["data", "criteria", "c9"], "annotations": {"scope": "package", "custom": {"criterion": 9}}},
]

_custom := {
	"code": "C9-TEST",
	"verdict": "possibly_critical",
	"basis": "calibration_default",
	"message": {
		"en": "{{.name.en}} {{.value.en}} ({{.year}}; {{.source}}){{if .limit}}, limit {{.limit.en}}{{end}}.",
		"de": "{{.name.de}} {{.value.de}} ({{.year}}; {{.source}}){{if .limit}}, Grenze {{.limit.de}}{{end}}.",
	},
}

test_make_without_signal if {
	vars := {"name": {"en": "A", "de": "Ä"}, "value": {"en": "1.5", "de": "1,5"}, "year": 2024, "source": "S"}
	reason.make(_chain(_custom), vars, [{"id": "x"}], []) == {
		"code": "C9-TEST",
		"criterion": 9,
		"verdict": "possibly_critical",
		"message": {"en": "A 1.5 (2024; S).", "de": "Ä 1,5 (2024; S)."},
		"indicators": [{"id": "x"}],
		"evidence": [],
	}
}

test_make_with_signal if {
	vars := {
		"name": {"en": "A", "de": "A"}, "value": {"en": "2", "de": "2"}, "year": 1, "source": "S",
		"limit": {"en": "3", "de": "3"},
	}
	r := reason.make(_chain(object.union(_custom, {"signal": "severe"})), vars, [], [])
	r.message == {"en": "A 2 (1; S), limit 3.", "de": "A 2 (1; S), Grenze 3."}
	r.signal == "severe"
	r.criterion == 9
}

test_index_reason if {
	entry := {"value": 95.2, "year": 2025, "source": "FfP", "cited_source": "Fund for Peace"}
	r := reason.index(_chain(_custom), {"fsi_total": entry}, "fsi_total", {"limit": {"en": "90", "de": "90"}})
	r.message == {
		"en": "Fragile States Index 95.2 (2025; Fund for Peace (FfP)), limit 90.",
		"de": "Fragile States Index 95,2 (2025; Fund for Peace (FfP)), Grenze 90.",
	}
	r.indicators == [object.union(entry, {"id": "indices.fsi_total"})]
}

test_evidence_reason if {
	custom := object.union(_custom, {"message": {"en": "{{.count}}: {{.items.en}}", "de": "{{.count}}: {{.items.de}}"}})
	items := [td.event("a", "2022-01-05", "unrest")]
	r := reason.evidence(_chain(custom), items, {})
	r.message == {
		"en": "1: 2022-01-05: Test event a (Test evidence source)",
		"de": "1: 05.01.2022: Test event a (Test evidence source)",
	}
	r.evidence == items
	r.indicators == []
}
