# METADATA
# title: Evidence windows
# description: >-
#   Selects dated evidence items inside a time window that counts back whole years from the
#   bundle's as_of date (YYYY-MM-DD). An item dated exactly N years before as_of is inside an
#   N-year window. Items keep the order of lib.bundle.dated: by date, then id.
# custom:
#   basis: published
package lib.evidence

# METADATA
# title: window start
# description: Nanoseconds since the epoch of the day years before as_of (YYYY-MM-DD).
window_start(as_of, years) := time.add_date(time.parse_ns("2006-01-02", as_of), 0 - years, 0, 0)

# METADATA
# title: items
# description: >-
#   The items of dated (see lib.bundle.dated: [nanoseconds, item] pairs sorted by date, then id)
#   whose category is one of categories and whose date is on or after start, in that order.
items(dated, categories, start) := [e | some [ns, e] in dated; ns >= start; e.category in categories]
