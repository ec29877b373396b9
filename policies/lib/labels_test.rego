# METADATA
# title: Label tests
# description: >-
#   Every index, instrument and embargo authority the policies read has a display name in
#   data.labels in both languages (the engine renders messages with them). These tests check
#   the shipped data (policies/data.yaml) itself, so they read data.thresholds, not the test
#   calibration.
package lib.labels_test

import data.labels
import data.thresholds

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
