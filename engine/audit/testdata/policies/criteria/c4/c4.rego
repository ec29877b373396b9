# METADATA
# title: Criterion 4
# custom:
#   title_de: Kriterium 4
package criteria.c4

verdict := "not_critical"
