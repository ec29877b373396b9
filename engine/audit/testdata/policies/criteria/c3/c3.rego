# METADATA
# title: Criterion 3
# custom:
#   title_de: Kriterium 3
package criteria.c3

verdict := "not_critical"
