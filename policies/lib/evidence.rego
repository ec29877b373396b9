# METADATA
# title: Evidence windows
# description: >-
#   Selects evidence items inside a time window that counts back whole years from the bundle's
#   as_of date (YYYY-MM-DD). An item dated exactly N years before as_of is inside an N-year window.
#   Dates are compared as YYYY-MM-DD strings, so an item's date is never parsed; the window start
#   is computed once per window. Criteria call these functions from rules, so that each window is
#   evaluated once per bundle.
# custom:
#   basis: published
package lib.evidence

import data.lib.bundle

# METADATA
# title: window start
# description: >-
#   The day years years before the bundle's as_of date, as YYYY-MM-DD (a 29 February that does not
#   exist in that year becomes 1 March).
window_start(years) := time.format([
	time.add_date(time.parse_ns("2006-01-02", bundle.as_of), 0 - years, 0, 0),
	"UTC", "2006-01-02",
])

# METADATA
# title: items
# description: >-
#   The evidence items whose category is one of categories (a set or array) dated within the last
#   years years, in bundle order. Without evidence the window start is not computed.
items(categories, years) := [] if {
	count(bundle.evidence) == 0
} else := [e |
	start := window_start(years)
	some e in bundle.evidence
	e.category in categories
	e.date >= start
]

# METADATA
# title: ids
# description: The ids of evidence items, by date, then id (as reasons list them).
ids(items) := [id | some [_, id] in sort([[e.date, e.id] | some e in items])]
