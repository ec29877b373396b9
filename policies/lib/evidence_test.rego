# METADATA
# title: Evidence window tests
# description: >-
#   Window starts, boundaries (exactly N years before as_of is inside), leap days, category filter,
#   order of items and ids.
package lib.evidence_test

import data.lib.evidence
import data.lib.testdata_test as td

_input(items) := td.bundle({}, {}, [], items)

test_window_start if {
	evidence.window_start(5) == "2021-06-01" with input as _input([])
	evidence.window_start(0) == "2026-06-01" with input as _input([])
	evidence.window_start(30) == "1996-06-01" with input as _input([])
}

test_window_start_from_a_leap_day if {
	# time.add_date normalises 2023-02-29 to 2023-03-01.
	evidence.window_start(1) == "2023-03-01" with input as {"as_of": "2024-02-29"}
	evidence.window_start(4) == "2020-02-29" with input as {"as_of": "2024-02-29"}
}

test_items_boundary if {
	items := [
		td.event("late", "2026-06-01", "unrest"),
		td.event("in", "2021-06-01", "unrest"),
		td.event("out", "2021-05-31", "unrest"),
	]
	[e.id | some e in evidence.items({"unrest"}, 5)] == ["late", "in"] with input as _input(items)
}

test_items_month_and_year_precision_stay_until_the_end_of_their_period if {
	# The window of 5 years from 2026-06-01 starts on 2021-06-01.
	items := [
		object.union(td.event("may", "2021-05-01", "unrest"), {"date_precision": "month"}),
		object.union(td.event("june", "2021-06-01", "unrest"), {"date_precision": "month"}),
		object.union(td.event("y2021", "2021-01-01", "unrest"), {"date_precision": "year"}),
		object.union(td.event("y2020", "2020-01-01", "unrest"), {"date_precision": "year"}),
		td.event("day", "2021-05-31", "unrest"),
	]
	[e.id | some e in evidence.items({"unrest"}, 5)] == ["june", "y2021"] with input as _input(items)
}

test_in_window_boundaries if {
	# Month: counts through the last day of its month; year: through 31 December.
	evidence.in_window({"date": "2021-05-01", "date_precision": "month"}, "2021-05-31")
	not evidence.in_window({"date": "2021-05-01", "date_precision": "month"}, "2021-06-01")
	evidence.in_window({"date": "2020-01-01", "date_precision": "year"}, "2020-12-31")
	not evidence.in_window({"date": "2020-01-01", "date_precision": "year"}, "2021-01-01")
	evidence.in_window({"date": "2021-05-31"}, "2021-05-31")
	not evidence.in_window({"date": "2021-05-30"}, "2021-05-31")

	# An unknown precision is read as a full date (validation refuses it anyway).
	not evidence.in_window({"date": "2021-05-01", "date_precision": "week"}, "2021-05-02")
}

test_items_filter_categories_in_bundle_order if {
	items := [
		td.event("a", "2022-01-01", "unrest"),
		td.event("b", "2023-01-01", "torture"),
		td.event("c", "2020-01-01", "state_of_emergency"),
	]
	[e.id | some e in evidence.items(["unrest", "state_of_emergency"], 10)] == ["a", "c"] with input as _input(items)
	evidence.items(set(), 10) == [] with input as _input(items)
	evidence.items({"unrest"}, 10) == [] with input as _input([])
}

test_ids_by_date_then_id if {
	items := [
		td.event("b", "2022-01-05", "unrest"),
		td.event("c", "2021-12-31", "unrest"),
		td.event("a", "2022-01-05", "unrest"),
	]
	evidence.ids(items) == ["c", "a", "b"]
	evidence.ids([]) == []
}
