# METADATA
# title: Criterion 7
# custom:
#   title_de: Kriterium 7
package criteria.c7

verdict := "not_critical"
