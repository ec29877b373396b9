# METADATA
# title: Criterion 1
# custom:
#   title_de: Kriterium 1
package criteria.c1

verdict := "not_critical"
