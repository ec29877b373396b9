# METADATA
# title: Reason builder
# description: >-
#   Builds the one reason shape every criterion emits, from the annotation chain of the rule that
#   fired (rego.metadata.chain()): code, verdict, optional signal and the message templates come
#   from the rule's METADATA custom fields; the criterion number is the digit of the code
#   (C<n>-..., checked against the package's custom.criterion by the Go tests). Both
#   messages are rendered with strings.render_template from the values used. Language-dependent
#   template variables are {"en": ..., "de": ...} objects (see lib.text) that the English template
#   reads as {{.x.en}} and the German one as {{.x.de}}; other variables are language-neutral.
# custom:
#   basis: published
package lib.reason

import data.lib.bundle
import data.lib.text

# METADATA
# title: make
# description: >-
#   The reason {code, criterion, verdict, [signal], message: {en, de}, indicators, evidence} for
#   the rule whose annotation chain is chain, rendered from vars, carrying the indicator objects
#   and evidence items used. Both templates are rendered in one strings.render_template call
#   (joined by a NUL character) to parse and convert the variables once.
make(chain, vars, indicators, evidence) := object.union(
	{
		"code": custom.code,
		"criterion": to_number(substring(custom.code, 1, 1)),
		"verdict": custom.verdict,
		"message": {"en": rendered[0], "de": rendered[1]},
		"indicators": indicators,
		"evidence": evidence,
	},
	object.filter(custom, {"signal"}),
) if {
	custom := chain[0].annotations.custom
	rendered := split(strings.render_template(concat("\u0000", [custom.message.en, custom.message.de]), vars), "\u0000")
}

# METADATA
# title: index reason
# description: >-
#   A reason about the single index id of indices, with template variables name, value, year and
#   source (plus extra) and the index as its one indicator.
index(chain, indices, id, extra) := make(
	chain,
	object.union(index_vars(indices, id), extra),
	[bundle.indicator(indices, id)],
	[],
)

# METADATA
# title: index template variables
# description: name, value, year and source of index id of indices, for message templates.
index_vars(indices, id) := {
	"name": text.label("indices", id),
	"value": text.value(id, entry.value),
	"year": entry.year,
	"source": text.source(entry),
} if {
	entry := indices[id]
}

# METADATA
# title: evidence reason
# description: >-
#   A reason about evidence items (non-empty), with template variables items (the list as
#   text) and count (plus extra) and the items as its evidence.
evidence(chain, items, extra) := make(
	chain,
	object.union({"items": text.evidence_list(items), "count": count(items)}, extra),
	[],
	items,
)
