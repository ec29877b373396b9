# A minimal policy set for the audit tests: eight criteria with one reason each, the
# shape engine.Result wants, and nothing else, so replay tests do not depend on the
# real policies and replay benchmarks measure replay rather than rule evaluation.
# A reason names its code, whose verdict and message templates the rule that builds it
# declares in its METADATA; the engine renders the message.
package main

assessment := {
	"overall": overall,
	"critical_count": count([1 | some c in criteria; c.verdict == "critical"]),
	"criteria": criteria,
}

criteria := [c |
	some n in numbers.range(1, 8)
	v := data.criteria[sprintf("c%d", [n])].verdict
	c := {"criterion": n, "verdict": v, "reasons": [reason[v]], "missing": []}
]

# METADATA
# custom:
#   code: MINIMAL-CRITICAL
#   verdict: critical
#   basis: calibration_default
#   message: {en: minimal policy, de: Minimalregel}
reason["critical"] := {"code": "MINIMAL-CRITICAL", "verdict": "critical", "vars": {}, "indicators": [], "evidence": []}

# METADATA
# custom:
#   code: MINIMAL-NOT-CRITICAL
#   verdict: not_critical
#   basis: calibration_default
#   message: {en: minimal policy, de: Minimalregel}
reason["not_critical"] := {
	"code": "MINIMAL-NOT-CRITICAL", "verdict": "not_critical",
	"vars": {}, "indicators": [], "evidence": [],
}

default overall := "none"

overall := "light_red" if {
	some c in criteria
	c.verdict == "critical"
}
