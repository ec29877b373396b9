# METADATA
# title: Reason builder
# description: >-
#   Builds the one reason shape every criterion emits: {code, verdict, [signal], vars, indicators,
#   evidence}. Code, verdict and signal come from the METADATA of the rule that fired
#   (rego.metadata.chain(), resolved when the policies are compiled). vars holds the raw values
#   the message needs (numbers, ids, counts, lists of ids), indicators the bundle field paths of
#   the values used (indices.hdi, memberships.att, embargoes.UN) and evidence the ids of the
#   evidence items used. No text is built here: the engine checks the reason against its METADATA
#   and expands the paths and ids into values with their provenance; engine/present renders the
#   rule's message templates (custom.message.en and custom.message.de, Go text/template over vars,
#   with the functions listed in engine/present/messages.go). An undeclared code or a path or id
#   the bundle lacks is a contract error; a template that does not parse stops the command.
# custom:
#   basis: published
package lib.reason

# METADATA
# title: make
# description: >-
#   The reason of the rule whose annotation chain is chain, with the template variables vars,
#   the indicator paths indicators and the evidence ids evidence.
make(chain, vars, indicators, evidence) := {
	"code": custom.code,
	"verdict": custom.verdict,
	"signal": signal,
	"vars": vars,
	"indicators": indicators,
	"evidence": evidence,
} if {
	custom := chain[0].annotations.custom
	signal := custom.signal
} else := {
	"code": custom.code,
	"verdict": custom.verdict,
	"vars": vars,
	"indicators": indicators,
	"evidence": evidence,
} if {
	custom := chain[0].annotations.custom
}
