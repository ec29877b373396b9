# METADATA
# title: Evidence windows
# description: >-
#   Selects evidence items inside a time window that counts back whole years from the bundle's
#   as_of date (YYYY-MM-DD). An item dated exactly N years before as_of is inside an N-year window;
#   an item known to the month or the year only (date_precision) stays inside until the end of its
#   period. Dates are compared as strings, so an item's date is never parsed; the window start is
#   computed once per window. Criteria call these functions from rules, so that each window is
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
	in_window(e, start)
]

# METADATA
# title: in window
# description: >-
#   Whether item e counts in a window that starts on start (YYYY-MM-DD): while its period ends on or
#   after start. A full date is its own period; an item dated to the month or the year only (its date
#   is the first day of that period) counts until the last day of the month or year, so that its
#   precision never makes it leave a window early. Compared as the first 7 (month) or 4 (year)
#   characters of both dates.
in_window(e, start) if {
	n := object.get(_period_length, object.get(e, "date_precision", "day"), 10)
	substring(e.date, 0, n) >= substring(start, 0, n)
}

# METADATA
# title: period length
# description: The characters of a YYYY-MM-DD date that name the period of each date precision.
_period_length := {"day": 10, "month": 7, "year": 4}

# METADATA
# title: ids
# description: The ids of evidence items, by date, then id (as reasons list them).
ids(items) := [id | some [_, id] in sort([[e.date, e.id] | some e in items])]
