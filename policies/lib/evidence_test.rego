# METADATA
# title: Evidence window tests
# description: Window starts, boundaries (exactly N years before as_of is inside), leap days, category filter, order.
package lib.evidence_test

import data.lib.evidence

_ns(date) := time.parse_ns("2006-01-02", date)

_dated(items) := [[_ns(e.date), e] | some e in items]

test_window_start if {
	evidence.window_start("2026-06-01", 5) == _ns("2021-06-01")
	evidence.window_start("2026-06-01", 0) == _ns("2026-06-01")
	evidence.window_start("2026-06-01", 30) == _ns("1996-06-01")
}

test_window_start_from_a_leap_day if {
	# time.add_date normalises 2023-02-29 to 2023-03-01.
	evidence.window_start("2024-02-29", 1) == _ns("2023-03-01")
}

test_items_boundary if {
	start := evidence.window_start("2026-06-01", 5)
	items := [
		{"id": "in", "date": "2021-06-01", "category": "unrest"},
		{"id": "out", "date": "2021-05-31", "category": "unrest"},
		{"id": "late", "date": "2026-06-01", "category": "unrest"},
	]
	[e.id | some e in evidence.items(_dated(items), {"unrest"}, start)] == ["in", "late"]
}

test_items_filter_categories_and_keep_order if {
	items := [
		{"id": "a", "date": "2022-01-01", "category": "unrest"},
		{"id": "b", "date": "2023-01-01", "category": "torture"},
		{"id": "c", "date": "2024-01-01", "category": "state_of_emergency"},
	]
	got := evidence.items(_dated(items), ["unrest", "state_of_emergency"], _ns("2000-01-01"))
	[e.id | some e in got] == ["a", "c"]
	evidence.items(_dated(items), set(), _ns("2000-01-01")) == []
	evidence.items([], {"unrest"}, _ns("2000-01-01")) == []
}
