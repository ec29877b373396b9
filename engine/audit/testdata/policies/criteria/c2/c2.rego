# METADATA
# title: Criterion 2
# custom:
#   title_de: Kriterium 2
package criteria.c2

# verdict is critical when the bundle holds evidence, so that the input matters.
default verdict := "not_critical"

verdict := "critical" if count(input.evidence) > 0
