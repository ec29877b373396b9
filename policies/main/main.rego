# METADATA
# title: Assessment
# description: >-
#   The entrypoint of the default policies: for one indicator bundle (input), the eight criteria
#   of Council Common Position 2008/944/CFSP in order, each with its verdict, its reasons (sorted)
#   and the bundle field paths of absent relevant indicators (sorted); plus the number of critical
#   criteria and the overall class of the BICC map (dark_red, light_red or none).
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/compos/2008/944/oj
#     description: Council Common Position 2008/944/CFSP, Article 2
# custom:
#   title_de: Bewertung
#   basis: published
package main

import data.criteria.c1
import data.criteria.c2
import data.criteria.c3
import data.criteria.c4
import data.criteria.c5
import data.criteria.c6
import data.criteria.c7
import data.criteria.c8

_t := data.thresholds.overall

# METADATA
# title: assessment
# description: >-
#   {"overall": class, "critical_count": n, "criteria": [{"criterion": n, "verdict": v,
#   "reasons": [...], "missing": [...]}, ...]} for n = 1..8 in order.
# entrypoint: true
assessment := {
	"overall": _overall,
	"critical_count": _critical_count,
	"criteria": _criteria,
}

_criteria := [
	_criterion(1, c1.verdict, c1.reasons, c1.missing),
	_criterion(2, c2.verdict, c2.reasons, c2.missing),
	_criterion(3, c3.verdict, c3.reasons, c3.missing),
	_criterion(4, c4.verdict, c4.reasons, c4.missing),
	_criterion(5, c5.verdict, c5.reasons, c5.missing),
	_criterion(6, c6.verdict, c6.reasons, c6.missing),
	_criterion(7, c7.verdict, c7.reasons, c7.missing),
	_criterion(8, c8.verdict, c8.reasons, c8.missing),
]

_criterion(n, verdict, reasons, missing) := {
	"criterion": n,
	"verdict": verdict,
	"reasons": sort(reasons),
	"missing": sort(missing),
}

_critical_count := count([c | some c in _criteria; c.verdict == "critical"])

default _overall := "none"

_overall := "dark_red" if {
	_critical_count >= _t.dark_red_min_critical
} else := "light_red" if {
	_critical_count >= _t.light_red_min_critical
}
