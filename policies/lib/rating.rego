# METADATA
# title: Verdict rating
# description: >-
#   Derives a criterion's verdict from the verdicts its findings support: insufficient_data when
#   no decisive indicator is present, else the most severe supported verdict (critical, then
#   possibly_critical), else not_critical.
# custom:
#   basis: published
package lib.rating

# METADATA
# title: verdict
# description: >-
#   rateable is true when at least one decisive indicator is present; supported is the set of
#   verdicts the findings (the reasons that fired) support.
verdict(rateable, supported) := "insufficient_data" if {
	not rateable
} else := "critical" if {
	"critical" in supported
} else := "possibly_critical" if {
	"possibly_critical" in supported
} else := "not_critical"
