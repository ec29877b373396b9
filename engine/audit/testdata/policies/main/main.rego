# A minimal policy set for the audit tests: eight criteria with one reason each, the
# shape engine.Result wants, and nothing else, so replay tests do not depend on the
# real policies and replay benchmarks measure replay rather than rule evaluation.
package main

assessment := {
	"overall": overall,
	"critical_count": count([1 | some c in criteria; c.verdict == "critical"]),
	"criteria": criteria,
}

criteria := [c |
	some n in numbers.range(1, 8)
	v := data.criteria[sprintf("c%d", [n])].verdict
	c := {
		"criterion": n,
		"verdict": v,
		"reasons": [{
			"code": sprintf("C%d-MINIMAL", [n]),
			"criterion": n,
			"verdict": v,
			"message": {"en": "minimal policy", "de": "Minimalregel"},
			"indicators": [],
			"evidence": [],
		}],
		"missing": [],
	}
]

default overall := "none"

overall := "light_red" if {
	some c in criteria
	c.verdict == "critical"
}
