# METADATA
# title: Verdict rating
# description: >-
#   Derives a criterion's verdict from the verdicts its findings support: the most severe
#   supported verdict (critical, then possibly_critical) whatever else is missing, since missing
#   data never lowers a verdict that known facts already force; else insufficient_data when the
#   criterion cannot be rated (no decisive indicator, or too much unknown); else not_critical.
# custom:
#   basis: published
package lib.rating

# METADATA
# title: verdict
# description: >-
#   rateable is true when the known facts suffice to call the criterion not critical (at least
#   one decisive indicator is present, or little enough is unknown); supported is the set of
#   verdicts the findings (the reasons that fired) support. A finding forces its level even when
#   the criterion is not rateable: insufficient_data only where the known facts fix no level.
verdict(rateable, supported) := "critical" if {
	"critical" in supported
} else := "possibly_critical" if {
	"possibly_critical" in supported
} else := "insufficient_data" if {
	not rateable
} else := "not_critical"
