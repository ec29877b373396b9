# METADATA
# title: Verdict rating tests
# description: Every branch of the verdict function.
package lib.rating_test

import data.lib.rating

test_not_rateable_is_insufficient_only_without_a_level if {
	rating.verdict(false, set()) == "insufficient_data"
	rating.verdict(false, {"not_critical"}) == "insufficient_data"
}

test_known_facts_force_their_level_even_when_not_rateable if {
	rating.verdict(false, {"critical"}) == "critical"
	rating.verdict(false, {"possibly_critical"}) == "possibly_critical"
	rating.verdict(false, {"critical", "possibly_critical"}) == "critical"
}

test_most_severe_supported_verdict_wins if {
	rating.verdict(true, {"critical", "possibly_critical"}) == "critical"
	rating.verdict(true, {"possibly_critical"}) == "possibly_critical"
	rating.verdict(true, {"not_critical"}) == "not_critical"
	rating.verdict(true, set()) == "not_critical"
}
