# METADATA
# title: Criterion 6
# custom:
#   title_de: Kriterium 6
package criteria.c6

verdict := "not_critical"
