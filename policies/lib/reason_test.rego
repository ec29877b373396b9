# METADATA
# title: Reason builder tests
# description: The reason shape from an annotation chain, with and without a signal.
package lib.reason_test

import data.lib.reason

_chain(custom) := [
	{"path": ["data", "criteria", "c9", "_findings"], "annotations": {"scope": "rule", "custom": custom}},
	{"path": ["data", "criteria", "c9"], "annotations": {"scope": "package", "custom": {"criterion": 9}}},
]

_custom := {
	"code": "C9-TEST",
	"verdict": "possibly_critical",
	"basis": "calibration_default",
	"message": {"en": "{{num .limit}}", "de": "{{num .limit}}"},
}

test_make_without_signal if {
	reason.make(_chain(_custom), {"limit": 1.5}, ["indices.pts"], ["e-1"]) == {
		"code": "C9-TEST",
		"verdict": "possibly_critical",
		"vars": {"limit": 1.5},
		"indicators": ["indices.pts"],
		"evidence": ["e-1"],
	}
}

test_make_with_signal if {
	r := reason.make(_chain(object.union(_custom, {"signal": "severe"})), {}, [], [])
	r == {
		"code": "C9-TEST",
		"verdict": "possibly_critical",
		"signal": "severe",
		"vars": {},
		"indicators": [],
		"evidence": [],
	}
}
