# METADATA
# title: Verdict rating tests
# description: Every branch of the verdict function.
package lib.rating_test

import data.lib.rating

test_not_rateable_is_insufficient_whatever_the_findings if {
	rating.verdict(false, {"critical"}) == "insufficient_data"
	rating.verdict(false, set()) == "insufficient_data"
}

test_most_severe_supported_verdict_wins if {
	rating.verdict(true, {"critical", "possibly_critical"}) == "critical"
	rating.verdict(true, {"possibly_critical"}) == "possibly_critical"
	rating.verdict(true, {"not_critical"}) == "not_critical"
	rating.verdict(true, set()) == "not_critical"
}
