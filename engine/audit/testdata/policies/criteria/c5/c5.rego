# METADATA
# title: Criterion 5
# custom:
#   title_de: Kriterium 5
package criteria.c5

verdict := "not_critical"
