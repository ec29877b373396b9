# METADATA
# title: Message text
# description: >-
#   Turns labels, values, numbers, dates, sources, name lists, indicator lists and evidence items
#   into display text for message templates: {"en": ..., "de": ...} objects that templates read
#   as {{.name.en}} and {{.name.de}}. Display names come from data.labels; an id or value without
#   a label is shown as is. Numbers get a decimal point in English and a decimal comma in German.
#   Loops use builtins only (no function call per item) to keep an evaluation cheap.
# custom:
#   basis: published
package lib.text

import data.labels

# METADATA
# title: label
# description: The display name {"en", "de"} of id in the label group kind, or the id itself.
label(kind, id) := object.get(labels, [kind, id], {"en": id, "de": id})

# METADATA
# title: value
# description: >-
#   An indicator value as text {"en", "de"}: categorical values and booleans by their label in
#   data.labels.values[scope] (scope: the index id, or memberships / embargoes), numbers with the
#   language's decimal separator, anything else as is.
value(scope, v) := object.get(labels.values, [scope, s], {"en": s, "de": replace(s, ".", ",")}) if {
	s := sprintf("%v", [v])
}

# METADATA
# title: number
# description: A number as text {"en", "de"} with the language's decimal separator.
number(n) := {"en": s, "de": replace(s, ".", ",")} if s := sprintf("%v", [n])

# METADATA
# title: date
# description: A YYYY-MM-DD date as text {"en", "de"}; German as DD.MM.YYYY.
date(d) := {"en": d, "de": concat(".", [p[2], p[1], p[0]])} if p := split(d, "-")

# METADATA
# title: source
# description: >-
#   The provenance of an input object as text: "cited_source (source)" when the source is a
#   compilation citing an original source, else the source alone.
source(entry) := {
	true: entry.source,
	false: sprintf("%s (%s)", [object.get(entry, "cited_source", ""), entry.source]),
}[object.get(entry, "cited_source", "") == ""]

# METADATA
# title: sources
# description: The distinct sources and cited sources of entries, sorted and joined.
sources(entries) := concat("; ", sort({e.source | some e in entries} | {e.cited_source | some e in entries}))

# METADATA
# title: names
# description: The display names {"en", "de"} of ids (a set or array) in label group kind, sorted by id, joined.
names(kind, ids) := {
	"en": concat(", ", [object.get(labels, [kind, id, "en"], id) | some id in sorted]),
	"de": concat(", ", [object.get(labels, [kind, id, "de"], id) | some id in sorted]),
} if {
	sorted := sort(ids)
}

# METADATA
# title: indicator list
# description: >-
#   Indicator objects (see lib.bundle) as {"en", "de"} text "name: value (year; source)" joined by
#   semicolons; without a year as "name: value (source)".
indicator_list(indicators) := {
	"en": concat("; ", [sprintf("%s: %s (%s)", [
		object.get(labels, [p[0], p[1], "en"], p[1]),
		object.get(labels.values, [scope, s, "en"], s),
		w,
	]) |
		some [p, scope, s, w] in parts
	]),
	"de": concat("; ", [sprintf("%s: %s (%s)", [
		object.get(labels, [p[0], p[1], "de"], p[1]),
		object.get(labels.values, [scope, s, "de"], replace(s, ".", ",")),
		w,
	]) |
		some [p, scope, s, w] in parts
	]),
} if {
	parts := [[p, scope, sprintf("%v", [i.value]), trim_left(concat("; ", [year, src]), "; ")] |
		some i in indicators
		p := split(i.id, ".")
		scope := {true: p[1], false: p[0]}[p[0] == "indices"]
		year := sprintf("%v", [object.get(i, "year", "")])
		cited := object.get(i, "cited_source", "")
		src := {true: i.source, false: sprintf("%s (%s)", [cited, i.source])}[cited == ""]
	]
}

# METADATA
# title: evidence list
# description: >-
#   Evidence items as {"en", "de"} text "date: summary (source)" joined by semicolons; German with
#   DD.MM.YYYY dates and summary_de where present.
evidence_list(items) := {
	"en": concat("; ", [sprintf("%s: %s (%s)", [e.date, e.summary, src]) | some [e, _, src] in parts]),
	"de": concat("; ", [sprintf("%s.%s.%s: %s (%s)", [d[2], d[1], d[0], object.get(e, "summary_de", e.summary), src]) |
		some [e, d, src] in parts
	]),
} if {
	parts := [[e, split(e.date, "-"), src] |
		some e in items
		cited := object.get(e, "cited_source", "")
		src := {true: e.source, false: sprintf("%s (%s)", [cited, e.source])}[cited == ""]
	]
}
